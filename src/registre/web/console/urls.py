from django.urls import path

from registre.web.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
]
