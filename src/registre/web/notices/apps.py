from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "registre.web.notices"
    label = "notices"
    verbose_name = _("Sub-processor notices")
