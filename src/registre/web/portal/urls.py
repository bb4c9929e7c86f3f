from django.urls import path

from registre.web.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("request/<str:kind>/", views.request_form, name="form"),
    path("verify/<uuid:challenge_id>/", views.verify, name="verify"),
    path("verify/<uuid:challenge_id>/new-code/", views.resend, name="resend"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/download/", views.status_download, name="status-download"),
    path("download/<str:token>/", views.download, name="download"),
]
