"""The signed survey link: one answer per invitation, expiring after 30 days, never a 500."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from skm.models import UNSUR_FIELDS, ResponsSurvei
from skm.selectors import invitation_token

from .factories import undangan

pytestmark = pytest.mark.django_db


def filled(**extra) -> dict:
    return {**dict.fromkeys(UNSUR_FIELDS, "3"), **extra}


def test_a_resident_answers_once(client):
    invitation = undangan(unit="audiensi")
    url = reverse("skm:survei", args=[invitation_token(invitation)])
    assert client.get(url).status_code == 200
    response = client.post(url, filled(jenis_kelamin="p", pendidikan="sma", pekerjaan="swasta", umur="41"))
    assert response.status_code == 200
    respons = ResponsSurvei.objects.get()
    assert (respons.unit, respons.u1, respons.jenis_kelamin, respons.umur) == ("audiensi", 3, "p", 41)
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    again = client.post(url, filled())
    assert again.status_code == 410
    assert ResponsSurvei.objects.count() == 1


def test_the_demographic_questions_are_optional(client):
    url = reverse("skm:survei", args=[invitation_token(undangan())])
    assert client.post(url, filled()).status_code == 200
    assert ResponsSurvei.objects.get().jenis_kelamin == ""


def test_an_answer_outside_1_to_4_is_refused_not_stored(client):
    url = reverse("skm:survei", args=[invitation_token(undangan())])
    response = client.post(url, filled(u5="5", umur="abc"))
    assert response.status_code == 200
    assert ResponsSurvei.objects.count() == 0
    assert response.context["form"].errors.keys() == {"u5", "umur"}


DAY = 24 * 60 * 60


def token_from_days_ago(invitation, days: int, monkeypatch) -> str:
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - days * DAY)
    token = invitation_token(invitation)
    monkeypatch.setattr(signing.time, "time", real_time)
    return token


def test_the_link_expires_after_30_days(client, monkeypatch):
    token = token_from_days_ago(undangan(), 31, monkeypatch)
    response = client.get(reverse("skm:survei", args=[token]))
    assert response.status_code == 410
    assert ResponsSurvei.objects.count() == 0


def test_the_link_still_works_on_day_29(client, monkeypatch):
    token = token_from_days_ago(undangan(), 29, monkeypatch)
    assert client.get(reverse("skm:survei", args=[token])).status_code == 200


def test_a_forged_link_is_not_found(client):
    assert client.get(reverse("skm:survei", args=["bukan-token"])).status_code == 404
