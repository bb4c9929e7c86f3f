"""The URL map: the console under /console/, the privacy portal under /privacy/, the health check, the language switch.

The REST API (/api/) joins here.
"""

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from registre.web.api.api import api
from registre.web.api.opendsr import opengdpr_api
from registre.web.console import views as console

urlpatterns = [
    path("", console.root, name="root"),
    path("health/", console.health, name="health"),
    path("favicon.ico", RedirectView.as_view(url=static("registre/favicon.svg"), permanent=True), name="favicon"),
    path("i18n/language/", set_language, name="set_language"),
    path("console/", include("registre.web.console.urls")),
    path("console/", include("registre.web.accounts.urls")),
    path("console/audit/", include("registre.web.audit.urls")),
    path("console/jobs/", include("registre.web.jobs.urls")),
    path("console/requests/", include("registre.web.requests.urls")),
    path("console/clients/", include("registre.web.clients.urls")),
    path("console/retention/", include("registre.web.retention.urls")),
    path("console/discovery/", include("registre.web.discovery.urls")),
    path("console/webhooks/", include("registre.web.api.webhook_urls")),
    path("console/breaches/", include("registre.web.breaches.urls")),
    path("console/authority-requests/", include("registre.web.authority.urls")),
    path("console/authorised-staff/", include("registre.web.authorised.urls")),
    path("", include("registre.web.notices.urls")),
    path("", include("registre.web.versions.urls")),
    path("console/dpia/", include("registre.web.dpia.urls")),
    path("console/instructions/", include("registre.web.instructions.urls")),
    path("console/inspections/", include("registre.web.inspections.urls")),
    path("privacy/", include("registre.web.portal.urls")),
    path("", include("registre.web.consent.urls")),
    path("api/", api.urls),
    path("opengdpr/", opengdpr_api.urls),
]
