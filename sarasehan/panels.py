"""A case's sarasehan points on the case pages (one query each)."""

from django.http import HttpRequest

from portal.akun.roles import has_role
from portal.kasus.models import Kasus

from .models import PoinSarasehan


def _points(kasus: Kasus):
    return list(
        PoinSarasehan.objects.filter(kasus=kasus)
        .select_related("sarasehan", "opd_answered", "tindak_lanjut__opd")
        .order_by("created_at", "pk")
    )


def staff_panel(kasus: Kasus, request: HttpRequest) -> dict | None:
    points = _points(kasus)
    if not points:
        return None
    opd_only = not has_role(request.user, "petugas", "protokol", "pimpinan", "admin")
    return {
        "sarasehan_points": points,
        # OPD staff never see who raised an anonymous case.
        "show_speaker": not (kasus.is_anonymous and opd_only),
        "link_sarasehan": not opd_only,
    }


def public_panel(kasus: Kasus, request: HttpRequest) -> dict | None:
    if kasus.is_confidential:
        return None
    points = _points(kasus)
    return {"sarasehan_points": points} if points else None
