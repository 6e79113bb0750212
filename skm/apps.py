from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkmConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "skm"
    verbose_name = _("Survei Kepuasan Masyarakat")
