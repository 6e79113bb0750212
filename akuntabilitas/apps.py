from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkuntabilitasConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "akuntabilitas"
    verbose_name = _("Akuntabilitas publik")
