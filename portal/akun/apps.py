from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AkunConfig(AppConfig):
    name = "portal.akun"
    label = "akun"
    verbose_name = _("Akun")

    def ready(self) -> None:
        from . import signals  # noqa: F401
