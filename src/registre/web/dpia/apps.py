from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpiaConfig(AppConfig):
    name = "registre.web.dpia"
    label = "dpia"
    verbose_name = _("Impact assessments")
