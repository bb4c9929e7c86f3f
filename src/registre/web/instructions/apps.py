from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "registre.web.instructions"
    label = "instructions"
    verbose_name = _("Client instructions")
