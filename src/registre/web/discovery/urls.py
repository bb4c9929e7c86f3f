from django.urls import path

from registre.web.discovery import views

app_name = "discovery"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run, name="run"),
    path("<int:pk>/decision/", views.decision, name="decision"),
]
