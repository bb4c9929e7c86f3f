from django.urls import path

from registre.web.breaches import views

app_name = "breaches"
urlpatterns = [
    path("", views.breach_list, name="list"),
    path("declare/", views.breach_declare, name="declare"),
    path("export/", views.breach_export, name="export"),
    path("<int:pk>/", views.breach_detail, name="detail"),
    path("<int:pk>/edit/", views.breach_edit, name="edit"),
    path("<int:pk>/notify/", views.breach_notify, name="notify"),
    path("<int:pk>/notify-clients/", views.breach_notify_clients, name="notify_clients"),
    path("<int:pk>/count-clients/", views.breach_count_clients, name="count_clients"),
    path("<int:pk>/close/", views.breach_close, name="close"),
    path("<int:pk>/documents/<str:kind>/", views.breach_document, name="document"),
]
