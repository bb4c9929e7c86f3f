from django.urls import path

from registre.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password, name="password"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
