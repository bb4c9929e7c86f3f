from django.urls import path

from registre.web.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("record/", views.processor_record, name="record"),
    path("new/", views.client_create, name="create"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/end/", views.client_end_contract, name="end"),
    path("<int:pk>/certificate/", views.client_certificate, name="certificate"),
    path("<int:pk>/record/", views.client_processor_record, name="client_record"),
    # The client's contact has no account: the secret link is the authorisation, until it expires.
    path("export/<str:token>/", views.client_export, name="export"),
]
