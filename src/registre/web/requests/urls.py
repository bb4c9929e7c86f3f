from django.urls import path

from registre.web.requests import views

app_name = "requests"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.intake, name="intake"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/start-verification/", views.start_verification, name="start-verification"),
    path("<str:reference>/verify/", views.verify, name="verify"),
    path("<str:reference>/plan/", views.refresh_plan, name="plan"),
    path("<str:reference>/request-approval/", views.request_approval, name="request-approval"),
    path("<str:reference>/approve/", views.approve, name="approve"),
    path("<str:reference>/execute/", views.execute, name="execute"),
    path("<str:reference>/refuse/", views.refuse, name="refuse"),
    path("<str:reference>/extend/", views.extend, name="extend"),
    path("<str:reference>/cancel/", views.cancel, name="cancel"),
    path("<str:reference>/forward/", views.forward, name="forward"),
    path("<str:reference>/instruction/", views.instruct, name="instruct"),
    path("<str:reference>/attachments/", views.attach, name="attach"),
    path("<str:reference>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:reference>/letters/<int:pk>/", views.letter, name="letter"),
    path("<str:reference>/letters/preview/<str:kind>/", views.letter_preview, name="letter-preview"),
    path("<str:reference>/directive/", views.directive, name="directive"),
]
