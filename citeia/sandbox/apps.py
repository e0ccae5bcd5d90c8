from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "citeia.sandbox"
    label = "sandbox"
    verbose_name = _("Espace de données et bac à sable")
