from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorisedConfig(AppConfig):
    name = "registre.web.authorised"
    label = "authorised"
    verbose_name = _("Authorised staff")
