import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from portal import page_cache
from portal.kasus import services
from portal.kasus.models import Kasus, OutboxEmail, Riwayat, Status, TindakLanjut
from portal.kasus.services import merge as merge_services
from portal.kasus.services import notifications
from tests.factories import OpdFactory, UserFactory, kasus_at, open_kasus, staff


class Boom(Exception):
    pass


# Notifications after commit ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_stores_the_email_in_the_transaction_and_sends_it_on_commit(django_capture_on_commit_callbacks):
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.kasus_verify(kasus_id=kasus.pk, actor=None)
    row = OutboxEmail.objects.get(kasus=kasus)
    assert row.state == OutboxEmail.State.PENDING and row.to == warga.email
    sends = [c for c in callbacks if c is not page_cache.bump]  # the page cache's own bump is not mail
    assert mail.outbox == [] and len(sends) == 1

    sends[0]()
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.SENT
    assert [m.to for m in mail.outbox] == [[warga.email]] and kasus.reference in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_once_the_change_commits():
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    assert OutboxEmail.objects.get(kasus=kasus).state == OutboxEmail.State.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_leaves_no_email_when_the_surrounding_transaction_rolls_back():
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    with pytest.raises(Boom), transaction.atomic():
        services.kasus_verify(kasus_id=kasus.pk, actor=None)
        assert OutboxEmail.objects.filter(kasus=kasus).count() == 1
        raise Boom
    kasus.refresh_from_db()
    assert kasus.status == Status.BARU
    assert not OutboxEmail.objects.exists() and mail.outbox == []
    assert list(kasus.riwayat.values_list("kind", flat=True)) == ["kasus.opened"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_nothing_when_opening_a_case_fails_halfway():
    opd = OpdFactory()
    with pytest.raises(Boom), transaction.atomic():
        kasus = open_kasus(reporter=UserFactory(), notify=True)
        services.kasus_verify(kasus_id=kasus.pk, actor=None)
        services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
        raise Boom
    assert not Kasus.objects.exists() and not OutboxEmail.objects.exists() and mail.outbox == []


# Reference numbers -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_numbers_cases_per_year_from_one(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(dt.datetime(2026, 12, 31, 23, 0)))
    assert [open_kasus().reference for _ in range(2)] == ["KSS-2026-000001", "KSS-2026-000002"]
    # 00:30 on 1 January in Wonogiri is still 31 December in UTC: the local year counts.
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(dt.datetime(2027, 1, 1, 0, 30)))
    assert open_kasus().reference == "KSS-2027-000001"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_does_not_use_up_a_number_when_opening_rolls_back():
    first = open_kasus().reference
    with pytest.raises(Boom), transaction.atomic():
        open_kasus()
        raise Boom
    assert int(open_kasus().reference[-6:]) == int(first[-6:]) + 1


# Merging -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_merges_a_case_moving_its_commitments_and_logging_on_both():
    opd = OpdFactory()
    warga = UserFactory()
    source = kasus_at("didisposisikan", opd=opd, reporter=warga)
    target = open_kasus()
    earlier = open_kasus()
    services.kasus_merge(kasus_id=earlier.pk, into_id=source.pk, actor=None)
    item = services.tindak_lanjut_add(
        kasus_id=source.pk, actor=None, description="Tambal jalan", opd=opd, due_date=dt.date(2026, 12, 1)
    )
    source_riwayat = source.riwayat.count()
    outbox_before = OutboxEmail.objects.count()

    survivor = services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None, reason="Lokasi sama")

    assert survivor == target
    source.refresh_from_db()
    earlier.refresh_from_db()
    item.refresh_from_db()
    assert source.status == Status.DIGABUNG and source.merged_into == target and source.due_at is None
    assert earlier.merged_into == target  # older merges point straight at the survivor
    assert item.kasus == target
    assert source.riwayat.count() == source_riwayat + 1  # the timeline stays with its case
    merged = source.riwayat.last()
    assert merged.kind == "kasus.merged" and merged.data["moved"] == {"kasus.tindaklanjut": 1}
    received = target.riwayat.last()
    assert received.kind == "kasus.merge_received" and received.data["from_reference"] == source.reference
    assert target.reference in merged.text and source.reference in received.text
    notice = OutboxEmail.objects.filter(pk__gt=0).order_by("pk")[outbox_before:]
    assert [(e.to, e.template) for e in notice] == [(warga.email, "kasus_status")]


def test_it_moves_every_child_model_but_the_timeline_and_the_outbox():
    labels = {rel.related_model._meta.label_lower for rel in merge_services._child_relations()}
    assert "kasus.tindaklanjut" in labels
    assert not labels & {"kasus.riwayat", "kasus.outboxemail", "kasus.kasus"}


@pytest.mark.django_db
@pytest.mark.parametrize("closed", ["ditutup", "ditolak", "digabung"])
def test_it_refuses_to_merge_into_a_closed_case(closed):
    source = open_kasus()
    if closed == "digabung":
        target = open_kasus()
        services.kasus_merge(kasus_id=target.pk, into_id=open_kasus().pk, actor=None)
    else:
        target = kasus_at(closed)
    TindakLanjut.objects.create(kasus=source, description="x", opd=OpdFactory(), due_date=dt.date(2026, 12, 1))
    counts = Riwayat.objects.count()
    with pytest.raises(services.KasusError, match="sudah tidak aktif"):
        services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None)
    source.refresh_from_db()
    assert source.status == Status.BARU and source.tindak_lanjut.count() == 1 and Riwayat.objects.count() == counts


@pytest.mark.django_db
def test_it_refuses_to_merge_a_case_into_itself():
    kasus = open_kasus()
    with pytest.raises(services.KasusError, match="dirinya sendiri"):
        services.kasus_merge(kasus_id=kasus.pk, into_id=kasus.pk, actor=None)
    kasus.refresh_from_db()
    assert kasus.status == Status.BARU


@pytest.mark.django_db
def test_it_refuses_a_commitment_on_a_merged_case():
    kasus = open_kasus()
    services.kasus_merge(kasus_id=kasus.pk, into_id=open_kasus().pk, actor=None)
    with pytest.raises(services.KasusError, match="digabung"):
        services.tindak_lanjut_add(
            kasus_id=kasus.pk, actor=None, description="x", opd=OpdFactory(), due_date=dt.date(2026, 12, 1)
        )


# Anonymity in OPD emails ---------------------------------------------------------------------------

NAMED = {"full_name": "Sutini Wahyuningsih", "email": "sutini.w@example.org", "phone": "081390001234"}


def _reporter(kind: str) -> dict:
    if kind == "user":
        return {"reporter": UserFactory(**NAMED)}
    return {
        "reporter_name": NAMED["full_name"],
        "reporter_email": NAMED["email"],
        "reporter_phone": NAMED["phone"],
        "is_anonymous": kind == "anonymous guest",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["user", "named guest", "anonymous guest"])
def test_it_never_tells_the_opd_who_reported(kind):
    opd = OpdFactory()
    officer = staff("opd", opd=opd)
    petugas, pimpinan = staff("petugas"), staff("pimpinan")
    kasus = kasus_at("dijawab", opd=opd, **_reporter(kind))
    services.kasus_dispute(kasus_id=kasus.pk, actor=None, reason="Belum selesai.")
    services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Tambal jalan", opd=opd, due_date=dt.date(2026, 12, 1)
    )
    later = timezone.now() + dt.timedelta(days=60)
    services.kasus_escalate_overdue(now=later)
    services.kasus_escalate_overdue(now=later + dt.timedelta(days=30))

    staff_addresses = {opd.email, officer.email, petugas.email, pimpinan.email}
    sent = OutboxEmail.objects.filter(kasus=kasus, to__in=staff_addresses)
    templates = set(sent.values_list("template", flat=True))
    assert templates == {"kasus_disposed", "kasus_disputed", "tindak_lanjut_added", "kasus_overdue"}
    assert {e.to for e in sent if e.template == "kasus_disposed"} == {opd.email, officer.email}
    kasus.refresh_from_db()
    secrets = [NAMED["full_name"], "Sutini", NAMED["email"], NAMED["phone"], kasus.tracking_token]
    for email in sent:
        text = f"{email.subject}\n{email.body_text}\n{email.body_html}"
        assert kasus.reference in text
        assert not [s for s in secrets if s in text], email.template


@pytest.mark.django_db
def test_it_hides_the_reporter_from_staff_templates_even_if_a_template_asks():
    kasus = open_kasus(reporter_name="Sutini", reporter_email="s@example.org", reporter_phone="0813")
    safe = services.OpdSafeKasus(kasus)
    assert safe.reference == kasus.reference and safe.get_status_display() == "Baru"
    for name in ("reporter", "reporter_name", "reporter_email", "reporter_phone", "contact_email", "tracking_token"):
        with pytest.raises(AttributeError):
            getattr(safe, name)


# Languages ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_each_email_in_its_recipients_language():
    opd = OpdFactory()
    officer = staff("opd", opd=opd, language="en")
    reporter = UserFactory(language="en")
    guest = open_kasus(reporter_email="Tamu@Example.org", reporter_language="en")
    kasus = kasus_at("diverifikasi", reporter=reporter)
    with translation.override("id"):
        services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    languages = {}
    original = notifications.outbox_enqueue

    def spy(**kwargs):
        languages[kwargs["to"]] = kwargs["language"]
        return original(**kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(notifications, "outbox_enqueue", spy)
        services.kasus_start(kasus_id=kasus.pk, actor=None)
        services.tindak_lanjut_add(kasus_id=kasus.pk, actor=None, description="x", opd=opd, due_date=dt.date.today())
        services.kasus_reject(kasus_id=guest.pk, actor=None, reason="Duplikat.")
    assert languages == {reporter.email: "en", officer.email: "en", opd.email: "id", "tamu@example.org": "en"}


@pytest.mark.django_db
def test_it_keeps_the_timeline_in_the_portal_language_whatever_the_staff_member_reads():
    kasus = open_kasus()
    with translation.override("en"):
        services.kasus_verify(kasus_id=kasus.pk, actor=None)
    assert kasus.riwayat.last().text == "Kasus telah diverifikasi dan akan diteruskan ke OPD terkait."
    opened = kasus.riwayat.first().text
    assert opened == "Kasus dibuka melalui kanal Formulir web."


# Input rules --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda k: services.kasus_reject(kasus_id=k.pk, actor=None, reason="  "),
        lambda k: services.kasus_request_info(kasus_id=k.pk, actor=None, question=""),
        lambda k: services.kasus_note_add(kasus_id=k.pk, actor=None, message=" "),
    ],
)
def test_it_refuses_empty_text(call):
    kasus = open_kasus()
    count = Riwayat.objects.count()
    with pytest.raises(services.KasusError):
        call(kasus)
    assert Riwayat.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_it_refuses_a_rating_outside_one_to_five(rating):
    kasus = kasus_at("dijawab")
    with pytest.raises(services.KasusError):
        services.kasus_accept(kasus_id=kasus.pk, actor=None, rating=rating)
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB


@pytest.mark.django_db
def test_it_refuses_to_dispose_twice_to_the_same_opd_or_to_an_inactive_one():
    opd = OpdFactory()
    kasus = kasus_at("didisposisikan", opd=opd)
    with pytest.raises(services.KasusError, match="sudah didisposisikan"):
        services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    with pytest.raises(services.KasusError, match="tidak aktif"):
        services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=OpdFactory(is_active=False))


@pytest.mark.django_db
def test_it_keeps_the_disposition_note_internal():
    petugas = staff("petugas")
    kasus = kasus_at("diverifikasi")
    services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=OpdFactory(), note="Prioritaskan, dekat sekolah.")
    disposed, note = kasus.riwayat.order_by("-pk")[:2][::-1]
    assert (disposed.kind, disposed.visibility, disposed.actor) == ("kasus.disposed", "publik", petugas)
    assert (note.kind, note.visibility, note.message) == ("note.internal", "internal", "Prioritaskan, dekat sekolah.")


@pytest.mark.django_db
def test_it_confirms_a_guest_case_once_and_starts_its_clock():
    kasus = open_kasus(confirmed=False, reporter_email="tamu@example.org", notify=True)
    assert kasus.due_at is None and not Kasus.objects.confirmed().filter(pk=kasus.pk).exists()
    assert not OutboxEmail.objects.exists()
    services.kasus_confirm(kasus_id=kasus.pk, actor=None)
    services.kasus_confirm(kasus_id=kasus.pk, actor=None)
    kasus.refresh_from_db()
    assert kasus.confirmed_at is not None and kasus.due_at is not None
    assert list(OutboxEmail.objects.values_list("template", flat=True)) == ["kasus_opened"]
    assert kasus.riwayat.filter(kind="kasus.confirmed").count() == 1


@pytest.mark.django_db
def test_it_completes_a_commitment_once_and_tells_the_reporter():
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    item = services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Tambal jalan", opd=OpdFactory(), due_date=dt.date(2026, 12, 1)
    )
    services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Foto sesudah perbaikan.")
    with pytest.raises(services.KasusError):
        services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Lagi.")
    item.refresh_from_db()
    assert item.status == TindakLanjut.Status.SELESAI and item.done_at is not None
    done = OutboxEmail.objects.get(template="tindak_lanjut_done")
    assert done.to == warga.email and "Foto sesudah perbaikan." in done.body_text
