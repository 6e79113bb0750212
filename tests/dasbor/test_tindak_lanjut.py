"""Tindak lanjut on the dashboard and in the report: promised, done on time, late, open, per OPD and per pejabat."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone

from audiensi.models import Audiensi
from dasbor import report
from dasbor.figures import Period, compute
from portal.kasus import services
from portal.kasus.models import TindakLanjut
from sarasehan.models import Sarasehan
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import OpdFactory, PejabatFactory, kasus_at, staff
from tests.sarasehan.factories import sarasehan

pytestmark = pytest.mark.django_db


def promise(kasus, *, days: int, opd, done: bool = False, **source):
    item = services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description="Perbaikan jalan",
        opd=opd,
        due_date=timezone.localdate() + dt.timedelta(days=days),
        **source,
    )
    if done:
        services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Foto")
    return item


@pytest.fixture
def promises():
    """Promises made at an audiensi, at a sarasehan with two pejabat, and by staff; every outcome; one out of range."""
    bupati = open_availability(PejabatFactory(jabatan="Bupati Uji", urutan=1))
    wakil = PejabatFactory(jabatan="Wakil Bupati Uji", urutan=2)
    audiensi = request_audiensi(bupati)
    services.kasus_verify(kasus_id=audiensi.kasus_id, actor=staff())
    forum = sarasehan()
    forum.pejabat.add(bupati, wakil)
    opds = [OpdFactory(), OpdFactory()]
    at_audiensi = {"source_kind": "audiensi", "source_id": audiensi.pk}
    at_sarasehan = {"source_kind": "sarasehan", "source_id": forum.pk}
    kasus = kasus_at("didisposisikan")
    promise(audiensi.kasus, days=3, opd=opds[0], done=True, **at_audiensi)  # done on time
    promise(audiensi.kasus, days=-2, opd=opds[1], **at_audiensi)  # open past its due date
    promise(kasus, days=-3, opd=opds[0], done=True, **at_sarasehan)  # done late
    promise(kasus, days=5, opd=opds[1], **at_sarasehan)  # still open
    promise(kasus, days=-1, opd=opds[0])  # by staff, late
    promise(kasus, days=40, opd=opds[0], **at_audiensi)  # due outside the period
    return {"bupati": bupati, "wakil": wakil, "opds": opds}


def period() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=10), today + dt.timedelta(days=10))


def recompute(chosen: Period) -> tuple[dict, dict]:
    """Per OPD and per pejabat, promise by promise, following each to its audiensi's or sarasehan's pejabat."""
    today = timezone.localdate()
    per_opd: dict[str, Counter] = defaultdict(Counter)
    per_pejabat: dict[str, Counter] = defaultdict(Counter)
    for item in TindakLanjut.objects.all():
        if not chosen.start <= item.due_date <= chosen.end:
            continue
        if item.status == "selesai":
            outcome = "done_on_time" if timezone.localdate(item.done_at) <= item.due_date else "late"
        else:
            outcome = "late" if item.due_date < today else "open"
        if item.source_kind == "audiensi":
            made_by = [str(Audiensi.objects.get(pk=item.source_id).pejabat_id)]
        elif item.source_kind == "sarasehan":
            made_by = [str(p.pk) for p in Sarasehan.objects.get(pk=item.source_id).pejabat.all()]
        else:
            made_by = [""]
        for counter in [per_opd[str(item.opd_id)], *(per_pejabat[key] for key in made_by)]:
            counter["promised"] += 1
            counter[outcome] += 1
    return {k: dict(v) for k, v in per_opd.items()}, {k: dict(v) for k, v in per_pejabat.items()}


def test_the_promises_per_opd_and_per_pejabat_equal_a_direct_count(promises):
    figures = compute(period())
    per_opd, per_pejabat = recompute(period())
    assert figures["tindak_lanjut"] == per_opd
    assert figures["tindak_lanjut_pejabat"] == per_pejabat
    bupati = per_pejabat[str(promises["bupati"].pk)]
    assert bupati == {"promised": 4, "done_on_time": 1, "late": 2, "open": 1}
    assert per_pejabat[""] == {"promised": 1, "late": 1}


def test_the_dashboard_and_the_report_name_each_pejabat_with_their_promises(client, promises):
    client.force_login(staff("pimpinan"))
    chosen = period()
    query = {"periode": "rentang", "dari": chosen.start.isoformat(), "sampai": chosen.end.isoformat()}
    rows = client.get(reverse("dasbor:dashboard"), query).context["data"]["tindak_lanjut_pejabat_rows"]
    assert [(r["name"], r["promised"]) for r in rows] == [
        ("Bupati Uji", 4),
        ("Wakil Bupati Uji", 2),
        ("Tanpa pejabat (dicatat petugas)", 1),
    ]
    tables = {title: rows for title, _header, rows in report.report_tables(chosen)}
    assert tables["Tindak lanjut per pejabat"] == [
        ["Bupati Uji", 4, 1, 2, 1],
        ["Wakil Bupati Uji", 2, 0, 1, 1],
        ["Tanpa pejabat (dicatat petugas)", 1, 0, 1, 0],
    ]
