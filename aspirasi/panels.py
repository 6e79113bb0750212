"""The aspirasi's part of the case pages: details and files for staff, the reporter's actions on the tracking page."""

from django.http import HttpRequest

from portal.akun import roles
from portal.kasus.models import Kasus, Status
from portal.kasus.selectors import (
    is_own_opd_case,
    sees_reporter_contact,
    staff_can_view,
    viewer_is_reporter,
    viewer_may_act,
)

from . import nearby, selectors
from .forms import ANSWER_PREFIX, REROUTE_PREFIX, AcceptForm, AnswerForm, DisputeForm, InfoForm, RerouteForm
from .map_views import map_config

REROUTE_STATUSES = (Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI)


def staff_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    user = request.user
    if not staff_can_view(user, kasus):
        return None
    reports, other_files = selectors.kasus_reports(kasus, user)
    if not reports:
        return None
    # As on the case page, only the OPD the case is disposed to answers it.
    own_opd = is_own_opd_case(user, kasus)
    can_answer = own_opd and kasus.status == Status.DITINDAKLANJUTI
    can_reroute = own_opd and kasus.status in REROUTE_STATUSES
    return {
        "reports": reports,
        "lampiran_list": other_files,
        "hide_identity": selectors.identity_hidden_from(user, kasus),
        "show_contact": sees_reporter_contact(user, kasus),
        "answer_form": AnswerForm(prefix=ANSWER_PREFIX) if can_answer else None,
        "reroute_form": RerouteForm(prefix=REROUTE_PREFIX) if can_reroute else None,
        # The answer with attachments stands in for the case page's plain answer form, in its actions area.
        "replaces_actions": {"jawab"} if can_answer else set(),
        "actions_template": "aspirasi/_staff_actions.html" if can_answer or can_reroute else "",
    }


def public_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    """The visitor's own files and the answers' files, and the reporter's actions on their case.

    On a merged case's page, the files are those on the case it was merged into.
    """
    files = selectors.resident_files(selectors.survivor_of(kasus), request)
    is_reporter = viewer_is_reporter(kasus, request)
    waiting = is_reporter and kasus.status == Status.MENUNGGU_INFORMASI
    answered = is_reporter and kasus.status == Status.DIJAWAB
    if not (files or waiting or answered):
        return None
    may_act = viewer_may_act(kasus, request)
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token", "") if match else ""
    return {
        "lampiran_list": files,
        # Download links carry the token of the page they are on: never another case's token.
        "link_token": token,
        "info_form": InfoForm() if waiting and may_act else None,
        "accept_form": AcceptForm() if answered and may_act else None,
        "dispute_form": DisputeForm() if answered and may_act else None,
        "needs_code": (waiting or answered) and not may_act,
        # While answered, due_at is the end of the dispute window (10 working days after the answer).
        "dispute_until": kasus.due_at if answered else None,
    }


def place_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    """The case's pin (petugas set or move it) and, on a new case, the cases already reported nearby to merge."""
    user = request.user
    if not roles.has_role(user, roles.PETUGAS):
        return None
    cases = []
    if kasus.status == Status.BARU:
        cases = nearby.nearby_cases(
            lat=kasus.titik_lat,
            lng=kasus.titik_lng,
            wilayah_id=kasus.wilayah_id,
            title=kasus.title,
            exclude_id=kasus.pk,
        )
    return {"nearby_cases": cases, "map": map_config(), "is_new": kasus.status == Status.BARU}
