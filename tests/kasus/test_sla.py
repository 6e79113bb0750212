"""The SLA clock: pauses, deadlines, the dispute window, escalation and autoclose, on a frozen clock."""

import datetime as dt
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import Kasus, OutboxEmail, Riwayat, Status
from tests.factories import OpdFactory, UserFactory, kasus_at, open_kasus, staff


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def end_of(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date(*args), dt.time(23, 59, 59)))


@pytest.fixture
def clock(monkeypatch):
    """Freeze django.utils.timezone.now at a moment the test moves by hand."""

    class Clock:
        now: dt.datetime | None = None

        def set(self, *args) -> dt.datetime:
            self.now = at(*args)
            return self.now

    frozen = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: frozen.now or real_now())
    return frozen


def snapshot() -> tuple[int, int]:
    return Riwayat.objects.count(), OutboxEmail.objects.count()


@pytest.mark.django_db
def test_it_pauses_the_clock_while_waiting_for_the_reporter_and_resumes_with_the_days_left(clock):
    clock.set(2026, 3, 2, 9, 0)  # Monday
    kasus = open_kasus()
    assert kasus.due_at == end_of(2026, 3, 5)  # 3 working days to verify

    clock.set(2026, 3, 3, 10, 0)
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Di RT berapa tepatnya?")
    kasus.refresh_from_db()
    assert (kasus.status, kasus.status_before_pause) == (Status.MENUNGGU_INFORMASI, Status.BARU)
    assert kasus.due_at is None and kasus.sla_remaining_days == 2  # Wednesday and Thursday were left

    clock.set(2026, 3, 16, 9, 0)  # long after the old deadline: a paused case is not late
    assert not Kasus.objects.overdue().filter(pk=kasus.pk).exists()
    assert services.kasus_escalate_overdue() == 0

    clock.set(2026, 3, 17, 10, 0)  # Tuesday before Lebaran: 18th to 24th are days off
    services.kasus_info_received(kasus_id=kasus.pk, actor=None, message="RT 02 RW 05.")
    kasus.refresh_from_db()
    assert kasus.status == Status.BARU and kasus.status_before_pause == ""
    assert kasus.due_at == end_of(2026, 3, 26) and kasus.sla_remaining_days is None


@pytest.mark.django_db
def test_it_resumes_a_verified_case_where_it_paused(clock):
    clock.set(2026, 6, 8, 9, 0)
    kasus = kasus_at("diverifikasi")
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Foto lokasi?")
    services.kasus_info_received(kasus_id=kasus.pk, actor=None, message="Terlampir.")
    kasus.refresh_from_db()
    assert kasus.status == Status.DIVERIFIKASI


@pytest.mark.django_db
def test_it_gives_at_least_one_day_when_the_clock_paused_on_a_late_case(clock):
    clock.set(2026, 6, 1, 9, 0)
    kasus = open_kasus()
    clock.set(2026, 6, 15, 9, 0)  # two weeks late
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Alamat?")
    kasus.refresh_from_db()
    assert kasus.sla_remaining_days == 1


@pytest.mark.django_db
def test_it_sets_the_follow_up_deadline_on_disposition(clock):
    clock.set(2026, 6, 8, 10, 0)  # Monday
    kasus = kasus_at("didisposisikan")
    assert kasus.due_at == end_of(2026, 6, 15)  # 5 working days for the OPD


@pytest.mark.django_db
def test_it_sets_the_autoclose_deadline_on_answer(clock):
    clock.set(2026, 6, 22, 10, 0)
    kasus = kasus_at("dijawab")
    assert kasus.answered_at == clock.now
    assert kasus.due_at == end_of(2026, 7, 6)  # 10 working days


@pytest.mark.django_db
def test_it_reopens_a_case_disputed_on_the_last_day_of_the_window(clock):
    clock.set(2026, 6, 22, 10, 0)
    opd = OpdFactory()
    kasus = kasus_at("dijawab", opd=opd)
    clock.set(2026, 7, 6, 22, 0)  # the 10th working day, late evening
    services.kasus_dispute(kasus_id=kasus.pk, actor=None, reason="Lubang masih ada.")
    kasus.refresh_from_db()
    assert kasus.status == Status.DIBUKA_KEMBALI
    assert kasus.due_at == end_of(2026, 7, 13) and kasus.answered_at is None
    entry = kasus.riwayat.last()
    assert (entry.kind, entry.visibility, entry.message) == ("kasus.disputed", "publik", "Lubang masih ada.")
    assert OutboxEmail.objects.filter(kasus=kasus, template="kasus_disputed", to=opd.email).exists()


@pytest.mark.django_db
def test_it_refuses_a_dispute_after_ten_working_days(clock):
    clock.set(2026, 6, 22, 10, 0)
    kasus = kasus_at("dijawab")
    before = snapshot()
    clock.set(2026, 7, 7, 8, 0)  # the 11th working day
    with pytest.raises(services.KasusError) as exc:
        services.kasus_dispute(kasus_id=kasus.pk, actor=None, reason="Terlambat menyanggah.")
    assert type(exc.value) is services.KasusError and "10 hari kerja" in str(exc.value)
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB and snapshot() == before


@pytest.fixture
def people():
    opd = OpdFactory()
    return {
        "opd": opd,
        "petugas": staff("petugas"),
        "pimpinan": staff("pimpinan"),
        "officer": staff("opd", opd=opd),
        "other_officer": staff("opd"),
        "warga": UserFactory(),
    }


def overdue_recipients(kasus: Kasus) -> set[str]:
    return set(OutboxEmail.objects.filter(kasus=kasus, template="kasus_overdue").values_list("to", flat=True))


@pytest.mark.django_db
def test_it_escalates_an_overdue_case_once_per_deadline_and_tells_the_right_people(clock, people):
    opd = people["opd"]
    clock.set(2026, 6, 8, 9, 0)
    kasus = kasus_at("didisposisikan", opd=opd, reporter=people["warga"])  # due Monday 15 June
    assert services.kasus_escalate_overdue(now=at(2026, 6, 15, 23, 0)) == 0

    clock.set(2026, 6, 17, 9, 0)
    assert services.kasus_escalate_overdue() == 1
    kasus.refresh_from_db()
    assert (kasus.escalation_level, kasus.escalated_at) == (1, clock.now)
    assert kasus.due_at == end_of(2026, 6, 15)  # the promised deadline stays
    assert kasus.next_escalation_at == end_of(2026, 6, 22)  # 3 more working days (16th off)
    entry = kasus.riwayat.last()
    assert (entry.kind, entry.visibility, entry.data) == ("kasus.overdue", "internal", {"level": 1})
    first = {people["petugas"].email, opd.email, people["officer"].email}
    assert overdue_recipients(kasus) == first

    before = snapshot()
    assert services.kasus_escalate_overdue() == 0  # running twice changes nothing
    assert snapshot() == before

    clock.set(2026, 6, 23, 9, 0)
    assert services.kasus_escalate_overdue() == 1
    kasus.refresh_from_db()
    assert kasus.escalation_level == 2
    assert OutboxEmail.objects.filter(kasus=kasus, template="kasus_overdue").count() == len(first) + len(first) + 1
    assert people["pimpinan"].email in overdue_recipients(kasus)
    assert people["other_officer"].email not in overdue_recipients(kasus)
    assert people["warga"].email not in overdue_recipients(kasus)

    before = snapshot()
    clock.set(2026, 8, 3, 9, 0)
    assert services.kasus_escalate_overdue() == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_it_starts_a_fresh_escalation_with_a_fresh_deadline(clock, people):
    clock.set(2026, 6, 8, 9, 0)
    kasus = kasus_at("didisposisikan", opd=people["opd"])
    services.kasus_escalate_overdue(now=at(2026, 6, 17, 9, 0))
    services.kasus_escalate_overdue(now=at(2026, 6, 23, 9, 0))
    clock.set(2026, 6, 24, 9, 0)
    services.kasus_dispose(kasus_id=kasus.pk, actor=people["petugas"], opd=OpdFactory())
    kasus.refresh_from_db()
    assert kasus.escalation_level == 0 and kasus.due_at == end_of(2026, 7, 1)
    assert kasus.escalated_at is None and kasus.next_escalation_at is None


@pytest.mark.django_db
def test_it_does_not_escalate_answered_paused_or_unconfirmed_cases(clock, people):
    clock.set(2026, 6, 8, 9, 0)
    kasus_at("dijawab", opd=people["opd"])
    kasus_at("menunggu_informasi")
    open_kasus(confirmed=False, reporter_email="tamu@example.org")
    assert services.kasus_escalate_overdue(now=at(2026, 12, 1, 9, 0)) == 0


@pytest.mark.django_db
def test_it_closes_an_answered_case_by_itself_after_the_window_and_only_once(clock, people):
    clock.set(2026, 6, 22, 10, 0)
    kasus = kasus_at("dijawab", opd=people["opd"], reporter=people["warga"])
    assert services.kasus_autoclose_answered(now=at(2026, 7, 6, 23, 0)) == 0

    clock.set(2026, 7, 7, 0, 0, 1)
    assert services.kasus_autoclose_answered() == 1
    kasus.refresh_from_db()
    assert kasus.status == Status.DITUTUP and kasus.closed_at == clock.now and kasus.due_at is None
    entry = kasus.riwayat.last()
    assert (entry.kind, entry.visibility, entry.actor) == ("kasus.autoclosed", "publik", None)
    closing = OutboxEmail.objects.filter(kasus=kasus, to=people["warga"].email).latest("pk")
    assert closing.template == "kasus_status" and "Ditutup" in closing.subject

    before = snapshot()
    assert services.kasus_autoclose_answered() == 0
    assert snapshot() == before


@pytest.mark.django_db
def test_it_refuses_to_autoclose_before_the_window_ends(clock):
    clock.set(2026, 6, 22, 10, 0)
    kasus = kasus_at("dijawab")
    with pytest.raises(services.KasusError):
        services.kasus_autoclose(kasus_id=kasus.pk, now=at(2026, 7, 6, 12, 0))
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB


@pytest.mark.django_db
def test_it_sweeps_both_from_the_periodic_task(clock, people):
    from portal.kasus.tasks import kasus_sla_sweep

    clock.set(2026, 6, 8, 9, 0)
    kasus_at("didisposisikan", opd=people["opd"])
    kasus_at("dijawab", opd=people["opd"])
    clock.set(2026, 7, 20, 9, 0)
    assert kasus_sla_sweep() == {"escalated": 1, "closed": 1}
    assert kasus_sla_sweep() == {"escalated": 0, "closed": 0}
    clock.set(2026, 7, 24, 9, 0)  # past the second deadline
    assert kasus_sla_sweep() == {"escalated": 1, "closed": 0}


@pytest.mark.django_db
def test_it_counts_neither_answered_nor_paused_cases_as_late(clock):
    clock.set(2026, 6, 8, 9, 0)
    answered = kasus_at("dijawab")
    paused = kasus_at("menunggu_informasi")
    clock.set(2026, 12, 1, 9, 0)  # long after every deadline, before the answered case's sweep closes it
    assert not Kasus.objects.overdue().exists()
    answered.refresh_from_db()
    paused.refresh_from_db()
    assert not answered.is_overdue and not paused.is_overdue


@pytest.mark.django_db
def test_it_shows_the_escalation_on_the_staff_page(client, clock, people):
    clock.set(2026, 6, 8, 9, 0)
    kasus = kasus_at("didisposisikan", opd=people["opd"])
    clock.set(2026, 6, 17, 9, 0)
    services.kasus_escalate_overdue()
    client.force_login(people["petugas"])
    html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert "tingkat 1 sejak 17 Juni 2026, 09:00" in html and "22 Juni 2026, 23:59" in html
    assert "15 Juni 2026, 23:59" in html and "badge-overdue" in html


@pytest.mark.django_db
def test_the_migration_restores_the_lateness_the_old_sweep_hid(clock):
    from django.apps import apps

    restore = importlib.import_module("portal.kasus.migrations.0003_kasus_escalation_clock").restore_lateness
    clock.set(2026, 6, 8, 9, 0)
    kasus = kasus_at("didisposisikan")
    found_late = at(2026, 6, 17, 9, 0)
    # What the old sweep left: level 1, its entry, and due_at pushed to the second deadline.
    Kasus.objects.filter(pk=kasus.pk).update(escalation_level=1, due_at=end_of(2026, 6, 22))
    Riwayat.objects.create(
        kasus=kasus, kind="kasus.overdue", visibility="internal", data={"level": 1}, created_at=found_late
    )
    restore(apps, None)
    kasus.refresh_from_db()
    assert (kasus.due_at, kasus.escalated_at, kasus.next_escalation_at) == (found_late, found_late, end_of(2026, 6, 22))
    assert Kasus.objects.overdue(at(2026, 6, 18, 9, 0)).filter(pk=kasus.pk).exists()
