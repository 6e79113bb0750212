import datetime as dt

import pytest
from django.utils import timezone

from audiensi import services as audiensi_services
from audiensi.models import Audiensi, Status
from dasbor.figures import Period, compute
from sarasehan import services as sarasehan_services
from sarasehan.models import PendaftaranSarasehan
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import OpdFactory, staff
from tests.sarasehan.factories import move, on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db


def test_it_counts_audiensi_by_outcome_and_the_sarasehan_held():
    protokol = staff("protokol")
    pejabat = open_availability()
    held, absent, waiting = (request_audiensi(pejabat, index=i) for i in range(3))
    for audiensi, outcome in ((held, Status.HADIR), (absent, Status.TIDAK_HADIR)):
        audiensi_services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
        # Check-in opens only on the meeting's day, which lies ahead: record the outcome directly.
        Audiensi.objects.filter(pk=audiensi.pk).update(status=outcome)
    forum = on_the_day(sarasehan(actor=protokol))
    present, _away = register(forum, 2)
    PendaftaranSarasehan.objects.filter(pk=present.pk).update(checked_in_at=timezone.now())
    for answer in ("Segera diperbaiki.", ""):
        sarasehan_services.poin_record(
            sarasehan_id=forum.pk,
            actor=protokol,
            speaker_name="Warga",
            content="Jembatan rusak",
            opd_answered=OpdFactory() if answer else None,
            answer=answer,
        )
    forum_starts = timezone.now() - dt.timedelta(hours=3)
    move(forum, starts_at=forum_starts, ends_at=timezone.now() - dt.timedelta(hours=1))
    starts = [forum_starts, *Audiensi.objects.values_list("starts_at", flat=True)]
    # From the forum's day: shortly after midnight it was held yesterday.
    period = Period(
        min(timezone.localtime(s).date() for s in starts), max(timezone.localtime(s).date() for s in starts)
    )
    meetings = compute(period)["meetings"]
    assert meetings["audiensi"] == {"requested": 3, "confirmed": 2, "held": 1, "no_show": 1}
    assert meetings["sarasehan"] == {"held": 1, "attendance": 1, "points": 2, "answered_on_the_spot": 1}
    assert compute(period, opd_id=OpdFactory().pk)["meetings"] is None
