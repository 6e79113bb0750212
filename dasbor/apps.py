from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DasborConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dasbor"
    verbose_name = _("Dasbor dan laporan")
