from django.urls import path

from registre.web.dpia import views

app_name = "dpia"
urlpatterns = [
    path("", views.dpia_list, name="list"),
    path("new/", views.dpia_create, name="create"),
    path("<int:pk>/", views.dpia_detail, name="detail"),
    path("<int:pk>/assess/", views.dpia_assess, name="assess"),
    path("<int:pk>/validate/", views.dpia_validate, name="validate"),
    path("<int:pk>/consultation/", views.dpia_consultation, name="consultation"),
    path("<int:pk>/document/", views.dpia_document, name="document"),
]
