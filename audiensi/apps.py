from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudiensiConfig(AppConfig):
    name = "audiensi"
    verbose_name = _("Audiensi")
