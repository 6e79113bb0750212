"""A case's sarasehan points on the case pages (one query for a case without any, two with)."""

from django.http import HttpRequest

from portal.akun import roles
from portal.akun.roles import has_role
from portal.kasus.models import Kasus
from portal.kasus.panels import panel_rows
from portal.kasus.selectors import sees_reporter_identity

from .models import PoinSarasehan


def _points(kasus: Kasus) -> list[PoinSarasehan]:
    return panel_rows(
        PoinSarasehan.objects.filter(kasus=kasus).order_by("created_at", "pk"),
        "sarasehan",
        "opd_answered",
        "tindak_lanjut__opd",
    )


def staff_panel(kasus: Kasus, request: HttpRequest) -> dict | None:
    points = _points(kasus)
    if not points:
        return None
    opd_only = not has_role(request.user, roles.PETUGAS, roles.PROTOKOL, roles.PIMPINAN, roles.ADMIN)
    return {
        "sarasehan_points": points,
        # The speaker is the reporter's identity: the case page's rule decides who sees it.
        "show_speaker": sees_reporter_identity(request.user, kasus),
        "link_sarasehan": not opd_only,
    }


def public_panel(kasus: Kasus, request: HttpRequest) -> dict | None:
    if kasus.is_confidential:
        return None
    points = _points(kasus)
    return {"sarasehan_points": points} if points else None
