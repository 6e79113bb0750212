"""The audiensi part of a case page (registered in AudiensiConfig.ready). One query for a case without any, two with."""

from django.http import HttpRequest

from portal.kasus.models import Kasus
from portal.kasus.selectors import viewer_is_reporter, viewer_sees_content

from .selectors import audiensi_for_kasus


def staff_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    items = audiensi_for_kasus(kasus.pk)
    return {"audiensi_list": items} if items else None


def public_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    items = audiensi_for_kasus(kasus.pk)
    if not items:
        return None
    # Topik and notulen are the case's content: on a confidential case the tracking link alone is not enough.
    if not viewer_sees_content(kasus, request):
        return None
    is_reporter = viewer_is_reporter(kasus, request)
    for item in items:
        # After a merge an audiensi on this case may be another resident's: its topik stays theirs.
        # A per-viewer attribute the panel template reads; not a model field.
        item.show_topic = is_reporter and item.pemohon_id == kasus.reporter_id  # type: ignore[attr-defined]
    return {"audiensi_list": items, "audiensi_viewer_is_reporter": is_reporter}
