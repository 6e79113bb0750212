from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SarasehanConfig(AppConfig):
    name = "sarasehan"
    verbose_name = _("Sarasehan")

    def ready(self) -> None:
        from portal.kasus.kinds import register_kinds
        from portal.kasus.panels import register_panel

        from . import kinds
        from .panels import public_panel, staff_panel

        register_panel(template="sarasehan/panel_staff.html", where="staff", context=staff_panel)
        register_panel(template="sarasehan/panel_public.html", where="public", context=public_panel)
        register_kinds(kinds.KINDS)
