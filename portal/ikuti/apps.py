from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IkutiConfig(AppConfig):
    name = "portal.ikuti"
    verbose_name = _("Mengikuti")
    default_auto_field = "django.db.models.BigAutoField"
