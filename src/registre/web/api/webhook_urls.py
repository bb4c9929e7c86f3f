from django.urls import path

from registre.web.api import views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhooks, name="list"),
    path("<int:pk>/toggle/", views.webhook_toggle, name="toggle"),
    path("<int:pk>/ping/", views.webhook_ping, name="ping"),
    path("<int:pk>/delete/", views.webhook_delete, name="delete"),
]
