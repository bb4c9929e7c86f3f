from django.urls import path

from registre.web.instructions import views

app_name = "instructions"
urlpatterns = [
    path("", views.instruction_list, name="list"),
    path("new/", views.instruction_create, name="create"),
    path("export/", views.instruction_export, name="export"),
    path("<int:pk>/", views.instruction_detail, name="detail"),
    path("<int:pk>/flag/", views.instruction_flag, name="flag"),
]
