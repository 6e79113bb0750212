from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirasiConfig(AppConfig):
    name = "aspirasi"
    verbose_name = _("Aspirasi")

    def ready(self) -> None:
        from portal.kasus import titik
        from portal.kasus.kinds import register_kinds
        from portal.kasus.panels import register_panel
        from portal.kasus.selectors import register_reported_cases

        from . import kinds, panels, selectors

        register_panel(template="aspirasi/panel_staff.html", where="staff", context=panels.staff_context)
        register_panel(template="aspirasi/panel_place.html", where="staff", context=panels.place_context)
        register_panel(template="aspirasi/panel_public.html", where="public", context=panels.public_context)
        register_kinds(kinds.KINDS)
        register_kinds(titik.KINDS)
        register_reported_cases(selectors.public_cases)
