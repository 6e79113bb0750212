"""A guest's seat is held only until the emailed link is confirmed; one client cannot take every seat."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.kasus.models import OutboxEmail
from sarasehan import selectors, services
from sarasehan.models import PendaftaranSarasehan, Sarasehan
from sarasehan.tasks import sarasehan_release_holds
from tests.factories import UserFactory, staff

from .factories import emailed_registration, register, sarasehan

pytestmark = pytest.mark.django_db
S = PendaftaranSarasehan.Status


def lapse(*regs: PendaftaranSarasehan) -> None:
    PendaftaranSarasehan.objects.filter(pk__in=[r.pk for r in regs]).update(
        hold_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )


def seats_taken(s: Sarasehan) -> int:
    return Sarasehan.objects.values_list("confirmed_count", flat=True).get(pk=s.pk)


def test_a_guest_holds_a_seat_for_thirty_minutes_until_the_email_is_confirmed():
    s = sarasehan(capacity=2)
    before = timezone.now()
    reg = register(s, confirm=False)
    assert reg.status == S.MENUNGGU_KONFIRMASI and reg.email_confirmed_at is None
    assert before + dt.timedelta(minutes=30) <= reg.hold_expires_at <= timezone.now() + dt.timedelta(minutes=30)
    assert seats_taken(s) == 1
    mail = OutboxEmail.objects.get(to=reg.email)
    assert mail.template == "sarasehan_confirm" and mail.attachments == []
    assert emailed_registration(mail.body_text) == reg and reg.code not in mail.body_text
    services.pendaftaran_confirm(pendaftaran_id=reg.pk, actor=None)
    reg.refresh_from_db()
    assert reg.status == S.TERDAFTAR and reg.hold_expires_at is None and seats_taken(s) == 1
    assert OutboxEmail.objects.filter(template="sarasehan_registered", to=reg.email).count() == 1
    # A second click is harmless.
    services.pendaftaran_confirm(pendaftaran_id=reg.pk, actor=None)
    assert OutboxEmail.objects.filter(template="sarasehan_registered", to=reg.email).count() == 1


def test_an_unconfirmed_guest_never_stands_on_the_waitlist():
    s = sarasehan(capacity=1)
    seated = register(s)
    waiting = register(s, prefix="antri", confirm=False)
    assert waiting.status == S.MENUNGGU_KONFIRMASI and waiting.hold_expires_at is None
    services.pendaftaran_cancel(pendaftaran_id=seated.pk, actor=None)
    waiting.refresh_from_db()
    assert waiting.status == S.MENUNGGU_KONFIRMASI and seats_taken(s) == 0
    assert "daftar tunggu" in OutboxEmail.objects.get(template="sarasehan_confirm", to=waiting.email).body_text


def test_a_lapsed_hold_gives_its_seat_to_the_first_confirmed_person_waiting():
    s = sarasehan(capacity=1)
    guest = register(s, confirm=False)
    warga = UserFactory()
    resident = services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=warga)
    assert resident.status == S.MENUNGGU
    lapse(guest)
    assert sarasehan_release_holds.delay().get() == 1
    resident.refresh_from_db()
    guest.refresh_from_db()
    assert resident.status == S.TERDAFTAR and resident.promoted_at is not None
    assert guest.status == S.MENUNGGU_KONFIRMASI and guest.hold_expires_at is None
    assert seats_taken(s) == 1
    assert OutboxEmail.objects.filter(template="sarasehan_promoted", to=warga.email).count() == 1
    assert sarasehan_release_holds.delay().get() == 0


def test_a_lapsed_hold_with_nobody_waiting_frees_the_seat():
    s = sarasehan(capacity=1)
    lapse(register(s, confirm=False))
    assert services.pendaftaran_release_holds(sarasehan_id=s.pk) == 1
    assert seats_taken(s) == 0


def test_the_next_registration_does_not_wait_for_the_periodic_task():
    s = sarasehan(capacity=1)
    lapse(register(s, confirm=False))
    late = register(s, prefix="baru", confirm=False)
    assert late.hold_expires_at is not None and seats_taken(s) == 1


def test_opening_the_link_after_the_hold_lapsed_releases_the_seat(client):
    s = sarasehan(capacity=1)
    guest = register(s, confirm=False)
    lapse(guest)
    page = client.get(selectors.registration_url(guest, absolute=False)).content.decode()
    assert "tidak lagi ditahan" in page
    assert seats_taken(s) == 0


def test_confirming_after_the_hold_lapsed_takes_a_free_seat_or_joins_the_end_of_the_waitlist():
    s = sarasehan(capacity=1)
    first, second = register(s, 2, confirm=False)
    lapse(first)
    # The lapsed seat went to nobody waiting: it is free.
    services.pendaftaran_confirm(pendaftaran_id=second.pk, actor=None)
    second.refresh_from_db()
    assert second.status == S.TERDAFTAR
    confirmed = services.pendaftaran_confirm(pendaftaran_id=first.pk, actor=None)
    assert confirmed.status == S.MENUNGGU and seats_taken(s) == 1
    assert selectors.waitlist_position(confirmed) == 1


def test_confirming_after_the_hold_lapsed_needs_registration_still_open():
    s = sarasehan(capacity=1)
    guest = register(s, confirm=False)
    lapse(guest)
    Sarasehan.objects.filter(pk=s.pk).update(registration_closes_at=timezone.now())
    with pytest.raises(services.SarasehanError, match="sudah ditutup"):
        services.pendaftaran_confirm(pendaftaran_id=guest.pk, actor=None)


def test_cancelling_a_held_seat_frees_it():
    s = sarasehan(capacity=1)
    guest = register(s, confirm=False)
    services.pendaftaran_cancel(pendaftaran_id=guest.pk, actor=None)
    guest.refresh_from_db()
    assert guest.status == S.DIBATALKAN and guest.hold_expires_at is None and seats_taken(s) == 0


def test_a_resident_with_a_verified_email_needs_no_confirmation():
    s = sarasehan()
    verified = services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=UserFactory())
    assert verified.status == S.TERDAFTAR and verified.email_confirmed_at is not None
    unverified = services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=UserFactory(verified=False))
    assert unverified.status == S.MENUNGGU_KONFIRMASI and unverified.hold_expires_at is not None


def test_the_database_refuses_a_hold_on_a_confirmed_registration():
    reg = register(sarasehan())
    with pytest.raises(IntegrityError), transaction.atomic():
        PendaftaranSarasehan.objects.filter(pk=reg.pk).update(hold_expires_at=timezone.now())


def test_one_client_cannot_take_every_seat(client, settings):
    settings.SARASEHAN_LIMIT_PER_ADDRESS = "5/3600"
    s = sarasehan(capacity=116)
    for i in range(8):
        response = client.post(
            reverse("sarasehan:detail", args=[s.slug]), {"name": f"Palsu {i}", "email": f"palsu{i}@example.org"}
        )
    assert response.status_code == 429 and "Terlalu banyak pendaftaran" in response.content.decode()
    assert PendaftaranSarasehan.objects.count() == 5 and seats_taken(s) == 5
    other = client.post(
        reverse("sarasehan:detail", args=[s.slug]),
        {"name": "Warga lain", "email": "lain@example.org"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302


def test_one_email_is_limited_whatever_its_spelling_and_address(client, settings):
    settings.SARASEHAN_LIMIT_PER_EMAIL = "2/3600"
    s = sarasehan()
    url = reverse("sarasehan:detail", args=[s.slug])
    for i, email in enumerate(["Sri.Rahayu@gmail.com", "srirahayu+a@gmail.com", "s.r.i.rahayu@googlemail.com"]):
        response = client.post(url, {"name": "Sri", "email": email}, REMOTE_ADDR=f"10.0.0.{i}")
    assert response.status_code == 429
    assert PendaftaranSarasehan.objects.count() == 2


def test_a_held_seat_cannot_be_confirmed_once_the_sarasehan_is_cancelled():
    s = sarasehan()
    guest = register(s, confirm=False)
    services.sarasehan_cancel(sarasehan_id=s.pk, actor=None, reason="Banjir")
    with pytest.raises(services.SarasehanError, match="tidak menerima pendaftaran"):
        services.pendaftaran_confirm(pendaftaran_id=guest.pk, actor=None)


def test_staff_see_who_has_not_confirmed_their_email(client):
    s = sarasehan()
    guest = register(s, confirm=False)
    client.force_login(staff("protokol"))
    body = client.get(reverse("sarasehan:staff_detail", args=[s.slug])).content.decode()
    assert "Belum mengonfirmasi email (1)" in body and guest.email in body


def test_the_address_limit_can_be_switched_off_for_benchmarks(client, settings):
    settings.SARASEHAN_LIMIT_PER_ADDRESS = "off"
    s = sarasehan(capacity=50)
    url = reverse("sarasehan:detail", args=[s.slug])
    for i in range(25):
        assert client.post(url, {"name": f"Warga {i}", "email": f"b{i}@example.org"}).status_code == 302


def test_the_sarasehan_page_counts_a_lapsed_hold_as_a_free_seat(client):
    s = sarasehan(capacity=1)
    lapse(register(s, confirm=False))
    body = client.get(reverse("sarasehan:detail", args=[s.slug])).content.decode()
    assert "<strong>1</strong> / 1" in body and seats_taken(s) == 0
