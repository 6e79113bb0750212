from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KasusConfig(AppConfig):
    name = "portal.kasus"
    label = "kasus"
    verbose_name = _("Kasus")
