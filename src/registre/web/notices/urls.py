"""Included at the root: the console's pages under /console/notices/, the clients' link under /privacy/."""

from django.urls import path

from registre.web.notices import views

app_name = "notices"
urlpatterns = [
    path("console/notices/", views.campaign_list, name="list"),
    path("console/notices/open/", views.campaign_open, name="open"),
    path("console/notices/<int:pk>/", views.campaign_detail, name="detail"),
    path("console/notices/<int:pk>/send/", views.campaign_send, name="send"),
    path("console/notices/settle/", views.campaign_settle, name="settle"),
    # The client's contact has no account: the signed link is the authorisation.
    path("privacy/sub-processors/<str:token>/", views.answer, name="answer"),
]
