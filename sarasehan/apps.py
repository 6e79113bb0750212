from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SarasehanConfig(AppConfig):
    name = "sarasehan"
    verbose_name = _("Sarasehan")
