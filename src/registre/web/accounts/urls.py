from django.urls import path

from registre.web.accounts import oidc, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("oidc/sign-in/", oidc.SignInView.as_view(), name="oidc-sign-in"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc-callback"),
    path("oidc/refused/", oidc.refused, name="oidc-refused"),
    path("password/", views.password, name="password"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
