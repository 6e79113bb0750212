"""The sarasehan's timeline entry kinds: names and texts, rendered in the reader's language."""

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.kasus.kinds import Kind


def _registered(p: dict[str, Any]) -> str:
    if p.get("own"):
        return gettext("Pelapor akan menyampaikan kasus ini di sarasehan %(title)s.") % p
    return gettext("Persoalan didaftarkan untuk disampaikan di sarasehan %(title)s.") % p


def _answered(p: dict[str, Any]) -> str:
    return gettext("Dijawab di tempat oleh %(opd)s: %(answer)s") % {**p, "opd": p.get("opd") or gettext("pejabat")}


KINDS = {
    "sarasehan.registered": Kind(_("Didaftarkan ke sarasehan"), _registered, ("title",)),
    "sarasehan.agenda": Kind(
        _("Masuk agenda sarasehan"), _("Kasus ini masuk agenda sarasehan %(title)s, %(when)s."), ("title", "when")
    ),
    "sarasehan.raised": Kind(
        _("Disampaikan di sarasehan"),
        _("Disampaikan di sarasehan %(title)s (%(when)s): %(content)s"),
        ("title", "when", "content"),
    ),
    "sarasehan.answered": Kind(_("Dijawab di sarasehan"), _answered, ("opd", "answer")),
}
