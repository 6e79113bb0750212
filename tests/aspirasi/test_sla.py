"""Service levels on working days, as the aspirasi channel lives them."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aspirasi import services as aspirasi_services
from aspirasi.models import Aspirasi, Lampiran
from aspirasi.selectors import monthly_stats
from portal.kasus import selectors, services
from portal.kasus.models import Kasus, Riwayat
from portal.kasus.tasks import kasus_sla_sweep
from tests.factories import OpdFactory, UserFactory, staff

from .factories import form_data, jpeg_bytes, submit, upload

pytestmark = pytest.mark.django_db


def at(monkeypatch, *args):
    moment = timezone.make_aware(dt.datetime(*args))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_it_skips_a_public_holiday_in_the_verification_deadline(client, monkeypatch):
    # Tuesday 12 May 2026; Thursday 14 May is Ascension Day and Friday 15 May its cuti bersama.
    at(monkeypatch, 2026, 5, 12, 10, 0)
    client.force_login(UserFactory())
    client.post(reverse("aspirasi:submit"), form_data())
    due = timezone.localtime(Kasus.objects.get().due_at)
    assert due.date() == dt.date(2026, 5, 19)  # Wed 13, Mon 18, Tue 19: three working days


def test_it_counts_the_guest_deadline_from_the_confirmation(client, monkeypatch):
    at(monkeypatch, 2026, 3, 16, 9, 0)  # Monday
    client.post(reverse("aspirasi:submit"), form_data())
    aspirasi = Aspirasi.objects.get()
    # Confirmed Wednesday 18 March: Nyepi and Idul Fitri with their cuti bersama close offices until Tue 24.
    at(monkeypatch, 2026, 3, 18, 20, 0)
    client.post(reverse("aspirasi:confirm", args=[aspirasi_services.confirm_token(aspirasi)]))
    due = timezone.localtime(Kasus.objects.get().due_at)
    assert due.date() == dt.date(2026, 3, 27)  # Wed 25, Thu 26, Fri 27


def overdue_disposed(opd):
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    Kasus.objects.filter(pk=kasus.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    return kasus


def test_it_lists_overdue_aspirasi_first_in_the_staff_queue(client):
    opd = OpdFactory()
    late = overdue_disposed(opd)
    for _ in range(3):
        submit(reporter=UserFactory())
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:queue")).content.decode()
    positions = sorted((html.find(k.reference), k.reference) for k in Kasus.objects.all())
    assert positions[0][1] == late.reference


def test_it_escalates_to_opd_and_petugas_then_pimpinan_and_is_idempotent(django_capture_on_commit_callbacks):
    opd = OpdFactory()
    officer, petugas, pimpinan = staff("opd", opd=opd), staff("petugas"), staff("pimpinan")
    kasus = overdue_disposed(opd)
    with django_capture_on_commit_callbacks(execute=True):
        kasus_sla_sweep.delay()
        kasus_sla_sweep.delay()
    kasus.refresh_from_db()
    assert kasus.escalation_level == 1 and kasus.due_at < timezone.now() < kasus.next_escalation_at
    told = {to for m in mail.outbox for to in m.to}
    assert {officer.email, petugas.email, opd.email} <= told and pimpinan.email not in told
    assert Riwayat.objects.filter(kasus=kasus, kind="kasus.overdue").count() == 1

    Kasus.objects.filter(pk=kasus.pk).update(next_escalation_at=timezone.now() - dt.timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        kasus_sla_sweep.delay()
        kasus_sla_sweep.delay()
    kasus.refresh_from_db()
    assert kasus.escalation_level == 2
    assert pimpinan.email in {to for m in mail.outbox for to in m.to}
    assert Riwayat.objects.filter(kasus=kasus, kind="kasus.overdue").count() == 2


def test_it_closes_an_answer_nobody_reacted_to_after_ten_working_days(monkeypatch):
    opd = OpdFactory()
    at(monkeypatch, 2026, 5, 4, 10, 0)  # Monday
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Sudah.")
    # Ten working days after Mon 4 May skip Thu 14 and Fri 15 May (Ascension): the window ends Wed 20 May.
    at(monkeypatch, 2026, 5, 20, 22, 0)
    kasus_sla_sweep.delay()
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"
    at(monkeypatch, 2026, 5, 21, 8, 0)
    kasus_sla_sweep.delay()
    kasus_sla_sweep.delay()
    kasus.refresh_from_db()
    assert kasus.status == "ditutup"
    assert Riwayat.objects.filter(kasus=kasus, kind="kasus.autoclosed").count() == 1


def test_it_purges_unconfirmed_guest_submissions_after_seven_days(client, settings, django_capture_on_commit_callbacks):
    data = form_data()
    data["lampiran"] = [upload("a.jpg", jpeg_bytes())]
    client.post(reverse("aspirasi:submit"), data)
    kept = submit(reporter=UserFactory()).kasus
    stored = settings.MEDIA_ROOT / Lampiran.objects.get().file.name
    assert stored.exists()
    assert aspirasi_services.aspirasi_purge_unconfirmed() == 0
    later = timezone.now() + dt.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        assert aspirasi_services.aspirasi_purge_unconfirmed(now=later) == 1
    assert not stored.exists()
    assert aspirasi_services.aspirasi_purge_unconfirmed(now=later) == 0
    assert list(Kasus.objects.all()) == [kept]


def test_it_keeps_a_late_case_late_in_every_view_and_figure_through_any_number_of_sweeps(client, monkeypatch):
    at(monkeypatch, 2026, 7, 6, 9, 0)  # Monday
    kasus = overdue_disposed(OpdFactory())
    Kasus.objects.filter(pk=kasus.pk).update(due_at=timezone.make_aware(dt.datetime(2026, 7, 13, 23, 59, 59)))
    petugas = staff("petugas")

    def late_everywhere() -> tuple[list[str], int, int]:
        cache.clear()  # the transparency figures are cached for five minutes
        client.force_login(petugas)  # the clock jumps days: a fresh staff session each time
        page = client.get(reverse("kasus:queue"), {"overdue": "on"}).context["page"]
        return (
            [k.reference for k in page if k.is_overdue],
            selectors.OverdueFirst(Kasus.objects.all()).overdue_count,
            monthly_stats()["open_overdue"],
        )

    assert late_everywhere() == ([], 0, 0)
    # Late from Tuesday 14 July; the second step is due after 3 more working days (Friday 17 July).
    for moment in [(2026, 7, 14, 9, 0)] * 3 + [(2026, 7, 16, 9, 0)] * 2 + [(2026, 7, 20, 9, 0)] * 2 + [(2026, 7, 27)]:
        at(monkeypatch, *moment)
        kasus_sla_sweep.delay()
        assert late_everywhere() == ([kasus.reference], 1, 1)
    steps = Riwayat.objects.filter(kasus=kasus, kind="kasus.overdue").order_by("pk")
    assert [e.data["level"] for e in steps] == [1, 2]
    kasus.refresh_from_db()
    assert kasus.due_at == timezone.make_aware(dt.datetime(2026, 7, 13, 23, 59, 59))
    assert kasus.escalated_at == timezone.make_aware(dt.datetime(2026, 7, 20, 9, 0))
