"""Included at the root: the console's pages under /console/consent/, the public link and signal elsewhere."""

from django.urls import path

from registre.web.consent import views

app_name = "consent"
urlpatterns = [
    path("console/consent/", views.ledger, name="ledger"),
    path("console/consent/person/", views.person, name="person"),
    path("console/consent/record/", views.record, name="record"),
    path("console/consent/proof/", views.proof, name="proof"),
    path("privacy/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(".well-known/gpc.json", views.gpc, name="gpc"),
]
