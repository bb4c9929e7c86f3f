from django.urls import path

from registre.web.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/package/", views.inspection_package, name="package"),
    path("<int:pk>/package/download/", views.inspection_download, name="download"),
    path("<int:pk>/close/", views.inspection_close, name="close"),
]
