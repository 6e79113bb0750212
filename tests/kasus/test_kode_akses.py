"""One-time codes that let a tracking-link holder act on a confidential case."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import KodeAkses, OutboxEmail
from tests.factories import UserFactory, kasus_at

pytestmark = pytest.mark.django_db

REPORTER_EMAIL = "pelapor.rahasia@example.org"


def confidential_case(status: str = "dijawab", **kwargs):
    defaults = {"reporter_name": "Tamu", "reporter_email": REPORTER_EMAIL, "is_confidential": True}
    return kasus_at(status, **{**defaults, **kwargs})


def emailed_code(kasus) -> str:
    body = OutboxEmail.objects.filter(kasus=kasus, template="kasus_kode_akses").latest("pk").body_text
    return re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_it_emails_a_six_digit_code_to_the_reporter_and_never_shows_it_on_the_page(client):
    kasus = confidential_case()
    response = client.post(reverse("kasus:track_code_send", args=[kasus.tracking_token]), follow=True)
    email = OutboxEmail.objects.get(kasus=kasus, template="kasus_kode_akses")
    code = emailed_code(kasus)
    assert email.to == REPORTER_EMAIL
    assert response.status_code == 200 and code not in response.content.decode()
    assert "dikirim ke alamat email pelapor" in response.content.decode()
    assert KodeAkses.objects.get(kasus=kasus).code_hash != code


def test_it_stores_only_a_hash_of_the_code():
    kasus = confidential_case()
    row = services.kode_akses_send(kasus_id=kasus.pk)
    code = emailed_code(kasus)
    assert code not in row.code_hash and len(row.code_hash) == 64


def test_a_code_expires_after_fifteen_minutes():
    kasus = confidential_case()
    sent_at = timezone.now()
    services.kode_akses_send(kasus_id=kasus.pk, now=sent_at)
    with pytest.raises(services.KasusError, match="tidak berlaku lagi"):
        services.kode_akses_verify(
            kasus_id=kasus.pk, code=emailed_code(kasus), now=sent_at + dt.timedelta(minutes=15, seconds=1)
        )


def test_a_code_works_within_fifteen_minutes():
    kasus = confidential_case()
    sent_at = timezone.now()
    services.kode_akses_send(kasus_id=kasus.pk, now=sent_at)
    services.kode_akses_verify(kasus_id=kasus.pk, code=emailed_code(kasus), now=sent_at + dt.timedelta(minutes=14))
    assert KodeAkses.objects.get(kasus=kasus).used_at is not None


def test_a_code_works_only_once():
    kasus = confidential_case()
    services.kode_akses_send(kasus_id=kasus.pk)
    code = emailed_code(kasus)
    services.kode_akses_verify(kasus_id=kasus.pk, code=code)
    with pytest.raises(services.KasusError, match="tidak berlaku lagi"):
        services.kode_akses_verify(kasus_id=kasus.pk, code=code)


def test_five_wrong_tries_void_the_code():
    kasus = confidential_case()
    services.kode_akses_send(kasus_id=kasus.pk)
    code = emailed_code(kasus)
    for _try in range(4):
        with pytest.raises(services.KasusError, match="Sisa percobaan"):
            services.kode_akses_verify(kasus_id=kasus.pk, code=other_code(code))
    with pytest.raises(services.KasusError, match="minta kode baru"):
        services.kode_akses_verify(kasus_id=kasus.pk, code=other_code(code))
    assert KodeAkses.objects.get(kasus=kasus).attempts == 5
    with pytest.raises(services.KasusError, match="tidak berlaku lagi"):
        services.kode_akses_verify(kasus_id=kasus.pk, code=code)


def test_a_new_code_replaces_the_earlier_one():
    kasus = confidential_case()
    services.kode_akses_send(kasus_id=kasus.pk, now=timezone.now() - dt.timedelta(minutes=1))
    first = emailed_code(kasus)
    services.kode_akses_send(kasus_id=kasus.pk)
    second = emailed_code(kasus)
    if first != second:
        with pytest.raises(services.KasusError):
            services.kode_akses_verify(kasus_id=kasus.pk, code=first)
    services.kode_akses_verify(kasus_id=kasus.pk, code=second)


def test_it_sends_at_most_three_codes_an_hour_for_one_case():
    kasus = confidential_case()
    for _send in range(3):
        services.kode_akses_send(kasus_id=kasus.pk)
    with pytest.raises(services.KasusError, match="satu jam terakhir"):
        services.kode_akses_send(kasus_id=kasus.pk)
    assert OutboxEmail.objects.filter(kasus=kasus, template="kasus_kode_akses").count() == 3


def test_it_limits_code_requests_per_address(client):
    cases = [confidential_case() for _case in range(6)]
    statuses = [
        client.post(reverse("kasus:track_code_send", args=[kasus.tracking_token])).status_code for kasus in cases
    ]
    assert statuses == [302] * 5 + [429]
    assert not KodeAkses.objects.filter(kasus=cases[-1]).exists()


def test_it_sends_no_code_for_a_case_without_an_email_address(client):
    kasus = confidential_case(reporter_email="")
    response = client.post(reverse("kasus:track_code_send", args=[kasus.tracking_token]), follow=True)
    assert "tidak mencatat alamat email pelapor" in response.content.decode()
    assert not KodeAkses.objects.exists() and not OutboxEmail.objects.filter(template="kasus_kode_akses").exists()


def test_it_sends_the_code_to_a_registered_reporters_account_email():
    reporter = UserFactory(email="akun.pelapor@example.org")
    kasus = kasus_at("dijawab", reporter=reporter, is_confidential=True)
    services.kode_akses_send(kasus_id=kasus.pk)
    assert OutboxEmail.objects.get(kasus=kasus, template="kasus_kode_akses").to == "akun.pelapor@example.org"


def test_it_needs_no_code_for_an_ordinary_case():
    kasus = kasus_at("dijawab", reporter_email=REPORTER_EMAIL)
    with pytest.raises(services.KasusError, match="tidak memerlukan kode"):
        services.kode_akses_send(kasus_id=kasus.pk)


def test_a_wrong_code_on_the_page_is_a_form_error_and_grants_nothing(client):
    kasus = confidential_case()
    services.kode_akses_send(kasus_id=kasus.pk)
    url = reverse("kasus:track_code", args=[kasus.tracking_token])
    response = client.post(url, {"code": other_code(emailed_code(kasus))})
    assert response.status_code == 400 and "Kode salah" in response.content.decode()
    assert client.get(url).status_code == 200  # still asked for a code, not sent on to the case


def test_input_that_is_not_six_digits_is_refused_without_using_a_try(client):
    kasus = confidential_case()
    services.kode_akses_send(kasus_id=kasus.pk)
    response = client.post(reverse("kasus:track_code", args=[kasus.tracking_token]), {"code": "abc' OR 1=1"})
    assert response.status_code == 400 and "6 angka" in response.content.decode()
    assert KodeAkses.objects.get(kasus=kasus).attempts == 0


def test_the_right_code_lets_the_visitor_see_and_act_on_the_case(client):
    kasus = confidential_case(title="Dugaan pungli di kantor desa")
    services.kode_akses_send(kasus_id=kasus.pk)
    response = client.post(reverse("kasus:track_code", args=[kasus.tracking_token]), {"code": emailed_code(kasus)})
    assert response.status_code == 302
    assert response["Location"] == reverse("kasus:track_detail", args=[kasus.tracking_token])
    body = client.get(response["Location"]).content.decode()
    assert "Dugaan pungli" in body and reverse("aspirasi:accept", args=[kasus.tracking_token]) in body
