from django.urls import path

from registre.web.authority import views

app_name = "authority"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_create, name="create"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/plan/", views.request_plan, name="plan"),
    path("<int:pk>/disclose/", views.request_disclose, name="disclose"),
    path("<int:pk>/refuse/", views.request_refuse, name="refuse"),
    path("<int:pk>/tell-client/", views.request_tell_client, name="tell_client"),
    path("<int:pk>/person-told/", views.request_person_told, name="person_told"),
    path("<int:pk>/hold/", views.request_hold, name="hold"),
]
