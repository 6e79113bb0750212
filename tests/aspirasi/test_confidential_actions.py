"""A tracking link shows a confidential case but does not act on it: that needs the account or a one-time code."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.kasus.models import Kasus, OutboxEmail, Riwayat, Status
from tests.factories import UserFactory, kasus_at

from .factories import form_data

pytestmark = pytest.mark.django_db

REPORTER_EMAIL = "pelapor.rahasia@example.org"


def confidential_case(status: str, **kwargs) -> Kasus:
    defaults = {"reporter_name": "Tamu", "reporter_email": REPORTER_EMAIL, "is_confidential": True}
    return kasus_at(status, **{**defaults, **kwargs})


def accept(client, kasus, **extra):
    return client.post(reverse("aspirasi:accept", args=[kasus.tracking_token]), {"rating": "5", **extra})


def dispute(client, kasus):
    return client.post(reverse("aspirasi:dispute", args=[kasus.tracking_token]), {"reason": "Belum diperbaiki."})


def add_info(client, kasus):
    return client.post(reverse("aspirasi:add_info", args=[kasus.tracking_token]), {"message": "Kejadian 3 Mei."})


def use_emailed_code(client, kasus) -> None:
    client.post(reverse("kasus:track_code_send", args=[kasus.tracking_token]))
    body = OutboxEmail.objects.filter(kasus=kasus, template="kasus_kode_akses").latest("pk").body_text
    code = re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)
    client.post(reverse("kasus:track_code", args=[kasus.tracking_token]), {"code": code})


def test_a_link_holder_without_a_code_cannot_accept_a_confidential_answer(client):
    kasus = confidential_case("dijawab")
    assert accept(client, kasus).status_code == 403
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB and kasus.rating is None
    assert not kasus.riwayat.filter(kind="kasus.accepted").exists()


def test_a_link_holder_without_a_code_cannot_dispute_a_confidential_answer(client):
    kasus = confidential_case("dijawab")
    assert dispute(client, kasus).status_code == 403
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB
    assert not kasus.riwayat.filter(kind="kasus.disputed").exists()


def test_a_link_holder_without_a_code_cannot_add_information_to_a_confidential_case(client):
    kasus = confidential_case("menunggu_informasi")
    entries = Riwayat.objects.filter(kasus=kasus).count()
    assert add_info(client, kasus).status_code == 403
    kasus.refresh_from_db()
    assert kasus.status == Status.MENUNGGU_INFORMASI
    assert Riwayat.objects.filter(kasus=kasus).count() == entries


def test_proof_at_lacak_is_not_enough_to_act_on_a_confidential_case(client):
    kasus = confidential_case("dijawab")
    client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": REPORTER_EMAIL})
    assert accept(client, kasus).status_code == 403
    kasus.refresh_from_db()
    assert kasus.status == Status.DIJAWAB


def test_the_tracking_page_offers_a_code_instead_of_the_answer_forms(client):
    kasus = confidential_case("dijawab")
    body = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert reverse("aspirasi:accept", args=[kasus.tracking_token]) not in body
    assert reverse("aspirasi:dispute", args=[kasus.tracking_token]) not in body
    assert reverse("kasus:track_code", args=[kasus.tracking_token]) in body
    assert "kode sekali pakai" in body


def test_the_action_page_sends_a_link_holder_to_the_code_page(client):
    kasus = confidential_case("dijawab")
    response = client.get(reverse("aspirasi:accept", args=[kasus.tracking_token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("kasus:track_code", args=[kasus.tracking_token])


def test_a_link_holder_with_the_emailed_code_accepts_the_answer(client):
    kasus = confidential_case("dijawab")
    use_emailed_code(client, kasus)
    assert accept(client, kasus).status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == Status.DITUTUP and kasus.rating == 5


def test_a_code_verified_in_one_browser_does_not_let_another_act(client):
    kasus = confidential_case("dijawab")
    use_emailed_code(client, kasus)
    assert dispute(Client(), kasus).status_code == 403


def test_the_signed_in_reporter_acts_without_a_code(client):
    reporter = UserFactory()
    kasus = kasus_at("dijawab", reporter=reporter, is_confidential=True)
    client.force_login(reporter)
    assert dispute(client, kasus).status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == Status.DIBUKA_KEMBALI
    assert not OutboxEmail.objects.filter(template="kasus_kode_akses").exists()


def test_another_signed_in_resident_still_needs_a_code(client):
    kasus = kasus_at("dijawab", reporter=UserFactory(), is_confidential=True)
    client.force_login(UserFactory())
    assert accept(client, kasus).status_code == 403


def test_an_ordinary_case_is_still_accepted_through_the_link(client):
    kasus = kasus_at("dijawab", reporter_name="Tamu", reporter_email=REPORTER_EMAIL)
    assert accept(client, kasus).status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == Status.DITUTUP


def test_an_ordinary_case_still_takes_information_through_the_link(client):
    kasus = kasus_at("menunggu_informasi", reporter_name="Tamu", reporter_email=REPORTER_EMAIL)
    assert add_info(client, kasus).status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == Status.BARU


# The submission's idempotency key ----------------------------------------------------------------------------------


def test_replaying_a_submissions_idempotency_key_from_another_session_does_not_reveal_the_case(client):
    data = form_data(is_confidential="on")
    client.post(reverse("aspirasi:submit"), data)
    kasus = Kasus.objects.get()
    intruder = Client()
    response = intruder.post(reverse("aspirasi:submit"), data, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert kasus.reference not in body and kasus.tracking_token not in body
    assert Kasus.objects.count() == 1


def test_replaying_the_key_in_the_same_session_still_shows_the_reference(client):
    data = form_data()
    client.post(reverse("aspirasi:submit"), data)
    kasus = Kasus.objects.get()
    body = client.post(reverse("aspirasi:submit"), data, follow=True).content.decode()
    assert kasus.reference in body and kasus.tracking_token in body
