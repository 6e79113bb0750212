"""The audiensi part of a case page (registered in AudiensiConfig.ready). One query each."""

from django.http import HttpRequest

from portal.kasus.models import Kasus
from portal.kasus.selectors import viewer_is_reporter

from .selectors import audiensi_for_kasus


def staff_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    items = audiensi_for_kasus(kasus.pk)
    return {"audiensi_list": items} if items else None


def public_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    items = audiensi_for_kasus(kasus.pk)
    if not items:
        return None
    is_reporter = viewer_is_reporter(kasus, request)
    if kasus.is_confidential and not is_reporter:
        return None
    return {"audiensi_list": items, "audiensi_viewer_is_reporter": is_reporter}
