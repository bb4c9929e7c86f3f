from django.urls import path

from registre.web.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.sweep, name="run"),
    path("forecast/", views.forecast, name="forecast"),
    path("holds/", views.hold_place, name="hold_place"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
