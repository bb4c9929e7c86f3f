"""The URL map: the console under /console/, the health check, the language switch.

The privacy portal (/) and the REST API (/api/) join here.
"""

from django.urls import include, path
from django.views.i18n import set_language

from registre.web.console import views as console

urlpatterns = [
    path("", console.root, name="root"),
    path("health/", console.health, name="health"),
    path("i18n/language/", set_language, name="set_language"),
    path("console/", include("registre.web.console.urls")),
    path("console/", include("registre.web.accounts.urls")),
    path("console/audit/", include("registre.web.audit.urls")),
    path("console/jobs/", include("registre.web.jobs.urls")),
]
