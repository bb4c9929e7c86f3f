"""Included at the root: the published notice under /privacy/notice/, the versions under /console/policy/."""

from django.urls import path

from registre.web.versions import views

app_name = "versions"
urlpatterns = [
    path("privacy/notice/", views.notice, name="notice"),
    path("console/policy/", views.version_list, name="list"),
    path("console/policy/<int:pk>/<str:document>/<str:lang>/", views.version_document, name="document"),
]
