import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from portal.ikuti.models import LanggananWilayah
from portal.ikuti.services import digest_send_due
from portal.kasus import services
from portal.kasus.models import OutboxEmail, Riwayat
from portal.wilayah.models import Wilayah
from tests.aspirasi.factories import submit
from tests.factories import KategoriFactory, UserFactory, desa

from .factories import public_case, subscription

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
TUESDAY = MONDAY + dt.timedelta(days=1)


def long_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=3)


def other_kecamatan() -> Wilayah:
    return Wilayah.objects.filter(tingkat="kecamatan").exclude(pk=desa().parent_id).first()


def test_the_digest_lists_only_new_verified_public_cases_in_that_place():
    kecamatan = desa().parent
    row = subscription(wilayah=kecamatan, frekuensi="harian", last_sent_at=long_ago())
    shown = public_case(title="Jembatan retak di Krajan")
    public_case(title="Kasus rahasia", is_confidential=True)
    submit(reporter=UserFactory(), title="Belum diverifikasi")
    elsewhere_desa = Wilayah.objects.filter(parent=other_kecamatan()).first()
    public_case(title="Kasus kecamatan lain", wilayah=elsewhere_desa)
    assert digest_send_due(now=timezone.now() + dt.timedelta(days=1)) == 1
    body = OutboxEmail.objects.get(template="ikuti_digest").body_text
    assert shown.reference in body and "Jembatan retak di Krajan" in body
    assert "Kasus rahasia" not in body and "Belum diverifikasi" not in body and "Kasus kecamatan lain" not in body
    assert shown.reporter.email not in body and shown.reporter.full_name not in body
    row.refresh_from_db()
    assert row.last_sent_at > shown.confirmed_at


def test_a_kategori_subscription_lists_only_that_kategori():
    jalan, air = KategoriFactory(nama="Jalan"), KategoriFactory(nama="Air bersih")
    subscription(wilayah=desa(), kategori=jalan, frekuensi="harian", last_sent_at=long_ago())
    public_case(title="Jalan berlubang", kategori=jalan)
    public_case(title="Pipa bocor", kategori=air)
    digest_send_due(now=timezone.now() + dt.timedelta(days=1))
    body = OutboxEmail.objects.get(template="ikuti_digest").body_text
    assert "Jalan berlubang" in body and "Pipa bocor" not in body


def test_the_digest_is_sent_once_a_day_whatever_the_number_of_runs():
    subscription(frekuensi="harian", last_sent_at=long_ago())
    public_case()
    now = timezone.now() + dt.timedelta(days=1)
    assert digest_send_due(now=now) == 1
    assert digest_send_due(now=now + dt.timedelta(hours=1)) == 0
    assert OutboxEmail.objects.filter(template="ikuti_digest").count() == 1


def test_the_next_digest_lists_only_cases_since_the_last_one():
    subscription(frekuensi="harian", last_sent_at=long_ago())
    first = public_case(title="Kasus pertama")
    digest_send_due(now=timezone.now())
    second = public_case(title="Kasus kedua")
    digest_send_due(now=timezone.now() + dt.timedelta(days=1))
    latest = OutboxEmail.objects.filter(template="ikuti_digest").latest("pk").body_text
    assert second.reference in latest and first.reference not in latest


def test_a_case_sent_before_the_last_digest_but_verified_after_it_is_new():
    row = subscription(frekuensi="harian", last_sent_at=long_ago())
    waiting = submit(reporter=UserFactory(), title="Menunggu verifikasi").kasus
    digest_send_due(now=timezone.now())
    row.refresh_from_db()
    assert row.last_sent_at > waiting.confirmed_at
    services.kasus_verify(kasus_id=waiting.pk, actor=None)
    digest_send_due(now=timezone.now() + dt.timedelta(days=1))
    assert "Menunggu verifikasi" in OutboxEmail.objects.get(template="ikuti_digest").body_text


def test_weekly_digests_go_out_on_mondays_only():
    row = subscription(frekuensi="mingguan", last_sent_at=MONDAY - dt.timedelta(days=8))
    public_case()
    LanggananWilayah.objects.filter(pk=row.pk).update(last_sent_at=MONDAY - dt.timedelta(days=8))
    Riwayat.objects.filter(kind="kasus.verified").update(created_at=MONDAY - dt.timedelta(days=2))
    assert digest_send_due(now=TUESDAY) == 0
    assert digest_send_due(now=MONDAY) == 1


def test_a_digest_without_new_cases_sends_nothing_but_moves_forward():
    row = subscription(frekuensi="harian", last_sent_at=long_ago())
    now = timezone.now()
    assert digest_send_due(now=now) == 0
    row.refresh_from_db()
    assert row.last_sent_at == now and not OutboxEmail.objects.exists()


def test_the_digest_carries_a_one_click_unsubscribe(django_capture_on_commit_callbacks):
    row = subscription(frekuensi="harian", last_sent_at=long_ago())
    public_case()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_due(now=timezone.now() + dt.timedelta(days=1))
    message = next(m for m in mail.outbox if m.to == [row.email])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/berhenti/")
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message.message().as_string()
