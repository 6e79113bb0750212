"""Check-in, walk-ins and points raised happen on the sarasehan's day, from a set time before it starts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from portal.kasus.kinds import riwayat_text
from sarasehan import services
from sarasehan.models import PendaftaranSarasehan, PoinSarasehan
from tests.factories import staff

from .factories import move, on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db


def door_actions(s, reg):
    """The three things done at the door, in order; each returns what it recorded."""
    return [
        lambda: services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=staff()),
        lambda: services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=staff(), name="Mbah Darmo"),
        lambda: services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="Bu Sri", content="Air bersih"),
    ]


def test_check_in_walk_in_and_points_are_refused_before_the_day():
    s = sarasehan()
    reg = register(s)
    opens = timezone.localtime(s.starts_at - dt.timedelta(hours=2)).strftime("%d-%m-%Y %H:%M")
    for action in door_actions(s, reg):
        with pytest.raises(services.SarasehanError, match=f"Check-in dibuka pada {opens}"):
            action()
    reg.refresh_from_db()
    assert reg.checked_in_at is None
    assert not PendaftaranSarasehan.objects.filter(status="langsung").exists() and not PoinSarasehan.objects.exists()


def test_check_in_walk_in_and_points_are_accepted_on_the_day():
    s = sarasehan()
    reg = register(s)
    on_the_day(s)
    checked_in, walk_in, poin = (action() for action in door_actions(s, reg))
    assert checked_in.checked_in_at and walk_in.checked_in_at and poin.kasus_id


def test_the_door_opens_a_configurable_time_before_the_start(settings):
    s = sarasehan()
    reg = register(s)
    move(s, starts_at=timezone.now() + dt.timedelta(hours=3), ends_at=timezone.now() + dt.timedelta(hours=5))
    with pytest.raises(services.SarasehanError, match="belum dibuka"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=staff())
    settings.SARASEHAN_DOOR_OPENS_MINUTES = 4 * 60
    assert services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=staff()).checked_in_at


def test_door_actions_are_refused_after_the_day():
    s = sarasehan()
    reg = register(s)
    yesterday = timezone.now() - dt.timedelta(days=1)
    move(s, starts_at=yesterday - dt.timedelta(hours=1), ends_at=yesterday)
    for action in door_actions(s, reg):
        with pytest.raises(services.SarasehanError, match="sudah lewat"):
            action()


def test_the_door_pages_say_when_check_in_opens(client):
    s = sarasehan()
    client.force_login(staff("protokol"))
    opens = timezone.localtime(s.door_opens_at)
    pages = {"sarasehan:checkin": "Catat hadir</button>", "sarasehan:points": "Simpan poin</button>"}
    for name, button in pages.items():
        body = client.get(reverse(name, args=[s.slug])).content.decode()
        assert "Check-in dibuka pada" in body and f"{opens:%H:%M}" in body and button not in body
    on_the_day(s)
    for name, button in pages.items():
        body = client.get(reverse(name, args=[s.slug])).content.decode()
        assert "Check-in dibuka pada" not in body and button in body


def test_a_point_raised_is_dated_by_the_sarasehan_not_by_when_it_was_typed(settings):
    # The door opens early enough that staff type the point the day before the sarasehan.
    settings.SARASEHAN_DOOR_OPENS_MINUTES = 3 * 24 * 60
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    s = sarasehan()
    starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(12)))
    move(s, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    poin = services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="Pak Karto", content="Pupuk langka")
    raised = poin.kasus.riwayat.get(kind="sarasehan.raised")
    with translation.override("id"):
        text = riwayat_text(raised)
    assert date_format(tomorrow, "j F Y") in text
    assert date_format(timezone.localdate(), "j F Y") not in text
    assert raised.data["raised_on"] == tomorrow.isoformat()


def test_a_guest_who_never_confirmed_is_admitted_as_a_walk_in_and_gives_back_the_held_seat():
    s = sarasehan(capacity=1)
    guest = register(s, confirm=False, topic="Sumur kering")
    on_the_day(s)
    with pytest.raises(services.SarasehanError, match="tidak mengonfirmasi"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code=guest.code, actor=staff())
    walk_in = services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=staff(), name="Wati", email=guest.email)
    assert walk_in.pk == guest.pk and walk_in.status == "langsung" and walk_in.checked_in_at
    assert walk_in.hold_expires_at is None and walk_in.kasus.confirmed_at is not None
    s.refresh_from_db()
    assert s.confirmed_count == 0 and PendaftaranSarasehan.objects.count() == 1
