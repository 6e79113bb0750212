from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KasusConfig(AppConfig):
    name = "portal.kasus"
    label = "kasus"
    verbose_name = _("Kasus")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from .receivers import link_guest_cases

        email_confirmed.connect(link_guest_cases, dispatch_uid="kasus.link_guest_cases")
