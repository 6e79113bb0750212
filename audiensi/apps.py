from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AudiensiConfig(AppConfig):
    name = "audiensi"
    verbose_name = _("Audiensi")

    def ready(self) -> None:
        from portal.kasus.kinds import register_kind_labels
        from portal.kasus.panels import register_panel

        from . import panels

        register_panel(template="audiensi/panel_staff.html", where="staff", context=panels.staff_context)
        register_panel(template="audiensi/panel_public.html", where="public", context=panels.public_context)
        register_kind_labels(
            {
                "audiensi.requested": _("Audiensi diajukan"),
                "audiensi.confirmed": _("Audiensi dikonfirmasi"),
                "audiensi.proposed": _("Jadwal lain diusulkan"),
                "audiensi.proposal_declined": _("Usulan jadwal ditolak"),
                "audiensi.handed_over": _("Audiensi dialihkan ke pejabat lain"),
                "audiensi.handed_to_opd": _("Audiensi dialihkan ke OPD"),
                "audiensi.declined": _("Audiensi ditolak"),
                "audiensi.cancelled": _("Audiensi dibatalkan"),
                "audiensi.reschedule_requested": _("Penjadwalan ulang diminta"),
                "audiensi.expired": _("Permohonan audiensi kedaluwarsa"),
                "audiensi.reminded": _("Pengingat audiensi dikirim"),
                "audiensi.attended": _("Hadir di audiensi"),
                "audiensi.no_show": _("Tidak hadir di audiensi"),
                "audiensi.minutes": _("Notulen audiensi"),
                "audiensi.minutes_internal": _("Notulen internal audiensi"),
            }
        )
