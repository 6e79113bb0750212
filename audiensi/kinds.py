"""The audiensi's timeline entry kinds: names and texts, rendered in the reader's language."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.kasus.kinds import Kind


def _with_reason(text: str, p: dict[str, Any]) -> str:
    if not p.get("reason"):
        return text
    return text + " " + gettext("Alasan: %(reason)s") % p


def _confirmed(p: dict[str, Any]) -> str:
    if p.get("accepted_proposal"):
        return gettext("Pemohon menerima jadwal yang diusulkan. Audiensi dengan %(pejabat)s: %(when)s.") % p
    return gettext("Audiensi dengan %(pejabat)s dikonfirmasi: %(when)s, di %(lokasi)s.") % p


def _cancelled(p: dict[str, Any]) -> str:
    return _with_reason(gettext("Pemohon membatalkan audiensi %(when)s.") % p, p)


def _reschedule(p: dict[str, Any]) -> str:
    return _with_reason(gettext("Pemohon meminta jadwal ulang: %(when)s (semula %(before)s).") % p, p)


KINDS = {
    "audiensi.requested": Kind(
        _("Audiensi diajukan"),
        _("Permohonan audiensi dengan %(pejabat)s pada %(when)s diajukan. Topik: %(topik)s"),
        ("pejabat", "when", "topik"),
    ),
    "audiensi.confirmed": Kind(_("Audiensi dikonfirmasi"), _confirmed, ("pejabat", "when", "lokasi")),
    "audiensi.proposed": Kind(
        _("Jadwal lain diusulkan"),
        _("Protokol mengusulkan jadwal lain: %(when)s (semula %(before)s). Alasan: %(reason)s"),
        ("when", "before", "reason"),
    ),
    "audiensi.proposal_declined": Kind(
        _("Usulan jadwal ditolak"), _("Pemohon menolak jadwal yang diusulkan; permohonan audiensi dibatalkan.")
    ),
    "audiensi.handed_over": Kind(
        _("Audiensi dialihkan ke pejabat lain"),
        _("Permohonan audiensi dialihkan dari %(from)s kepada %(to)s. Alasan: %(reason)s"),
        ("from", "to", "reason"),
    ),
    "audiensi.handed_to_opd": Kind(
        _("Audiensi dialihkan ke OPD"),
        _("Permohonan audiensi dialihkan kepada kepala %(opd)s, yang akan menghubungi Anda. Alasan: %(reason)s"),
        ("opd", "reason"),
    ),
    "audiensi.declined": Kind(_("Audiensi ditolak"), _("Permohonan audiensi ditolak. Alasan: %(reason)s"), ("reason",)),
    "audiensi.cancelled": Kind(_("Audiensi dibatalkan"), _cancelled, ("when", "reason")),
    "audiensi.reschedule_requested": Kind(_("Penjadwalan ulang diminta"), _reschedule, ("when", "before", "reason")),
    "audiensi.expired": Kind(
        _("Permohonan audiensi kedaluwarsa"),
        _("Permohonan audiensi kedaluwarsa karena belum ada keputusan; slotnya dilepas."),
    ),
    "audiensi.reminded": Kind(_("Pengingat audiensi dikirim"), _("Pengingat audiensi besok dikirim ke pemohon.")),
    "audiensi.attended": Kind(
        _("Hadir di audiensi"), _("Audiensi dengan %(pejabat)s terlaksana; pemohon hadir."), ("pejabat",)
    ),
    "audiensi.no_show": Kind(_("Tidak hadir di audiensi"), _("Pemohon tidak hadir pada audiensi %(when)s."), ("when",)),
    "audiensi.minutes": Kind(
        _("Notulen audiensi"), _("Notulen audiensi dengan %(pejabat)s: %(notulen)s"), ("pejabat", "notulen")
    ),
    "audiensi.minutes_internal": Kind(_("Notulen internal audiensi")),
}
