"""The aspirasi's part of the case pages: details and files for staff, the reporter's actions on the tracking page."""

from django.http import HttpRequest

from portal.akun import roles
from portal.kasus.models import Kasus, Status
from portal.kasus.selectors import viewer_is_reporter, viewer_may_act

from . import selectors
from .forms import ANSWER_PREFIX, REROUTE_PREFIX, AcceptForm, AnswerForm, DisputeForm, InfoForm, RerouteForm

REROUTE_STATUSES = (Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI)


def staff_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    user = request.user
    if not selectors.staff_can_view(user, kasus):
        return None
    aspirasi, files = selectors.kasus_aspirasi(kasus)
    if aspirasi is None:
        return None
    own_opd = roles.has_role(user, roles.OPD) and kasus.opd_id is not None and kasus.opd_id == user.opd_id
    # As on the case page, only the OPD the case is disposed to answers it.
    can_answer = own_opd and kasus.status == Status.DITINDAKLANJUTI
    return {
        "aspirasi": aspirasi,
        "lampiran_list": files,
        "hide_identity": selectors.identity_hidden_from(user, kasus),
        "answer_form": AnswerForm(prefix=ANSWER_PREFIX) if can_answer else None,
        "reroute_form": RerouteForm(prefix=REROUTE_PREFIX) if own_opd and kasus.status in REROUTE_STATUSES else None,
        # The answer with attachments stands in for the case page's plain answer form.
        "replaces_actions": {"jawab"} if can_answer else set(),
    }


def public_context(kasus: Kasus, request: HttpRequest) -> dict | None:
    """Shown only to the reporter (signed in, proved at /lacak/, or holding the tracking link)."""
    if not viewer_is_reporter(kasus, request):
        return None
    files = list(kasus.lampiran.all()) if selectors.reporter_sees_content(kasus, request) else []
    waiting = kasus.status == Status.MENUNGGU_INFORMASI
    answered = kasus.status == Status.DIJAWAB
    if not (files or waiting or answered):
        return None
    may_act = viewer_may_act(kasus, request)
    return {
        "lampiran_list": files,
        "info_form": InfoForm() if waiting and may_act else None,
        "accept_form": AcceptForm() if answered and may_act else None,
        "dispute_form": DisputeForm() if answered and may_act else None,
        "needs_code": (waiting or answered) and not may_act,
        # While answered, due_at is the end of the dispute window (10 working days after the answer).
        "dispute_until": kasus.due_at if answered else None,
    }
