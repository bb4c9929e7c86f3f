from django.urls import path

from registre.web.authorised import views

app_name = "authorised"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/designation/", views.person_designation, name="designation"),
    path("<int:pk>/designation-signed/", views.person_signed, name="signed"),
    path("<int:pk>/undertaking-signed/", views.person_undertaking, name="undertaking"),
    path("<int:pk>/trained/", views.person_trained, name="trained"),
    path("<int:pk>/end/", views.person_end, name="end"),
]
