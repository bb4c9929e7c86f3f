from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "registre.web.requests"
    label = "requests"
    verbose_name = _("Rights requests")
