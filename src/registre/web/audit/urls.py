from django.urls import path

from registre.web.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.export, name="export"),
    path("package/", views.package, name="package"),
]
