"""The aspirasi channel's timeline entry kinds: names and texts, rendered in the reader's language."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.kasus.kinds import Kind, register_ref_type


def _jenis(values: set) -> dict[Any, str]:
    from .models import Jenis

    return {v: str(Jenis(v).label) for v in values if v in Jenis.values}


register_ref_type("jenis", _jenis)


def _reroute(p: dict[str, Any]) -> str:
    to = gettext(" ke %(opd)s") % {"opd": p["suggested_opd"]} if p.get("suggested_opd") else ""
    return gettext("%(opd)s meminta kasus dialihkan%(to)s. Alasan: %(reason)s") % {**p, "to": to}


KINDS = {
    "aspirasi.submitted": Kind(
        _("Aspirasi dikirim"), _("%(jenis)s diterima melalui kanal %(channel)s."), ("jenis", "channel")
    ),
    "aspirasi.recorded": Kind(
        _("Aspirasi dicatat petugas"),
        _("Dicatat oleh petugas dari kanal %(channel)s dengan persetujuan warga."),
        ("channel",),
    ),
    "aspirasi.reroute_requested": Kind(_("OPD meminta pengalihan"), _reroute, ("opd", "suggested_opd", "reason")),
}
