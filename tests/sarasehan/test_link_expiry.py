"""Registration links stop working the day after their sarasehan ends, with a clear page."""

import datetime as dt
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from sarasehan import selectors
from sarasehan.models import PendaftaranSarasehan

from .factories import move, register, sarasehan

pytestmark = pytest.mark.django_db


def links(reg):
    token = selectors.registration_token(reg)
    return {
        "get": reverse("sarasehan:registration", args=[token]),
        "confirm": reverse("sarasehan:registration_confirm", args=[token]),
        "cancel": reverse("sarasehan:registration_cancel", args=[token]),
    }


def end(s, ago: dt.timedelta):
    ends_at = timezone.now() - ago
    return move(s, starts_at=ends_at - dt.timedelta(hours=3), ends_at=ends_at)


def test_a_registration_link_still_works_on_the_day_after_the_sarasehan(client):
    s = sarasehan()
    reg = register(s)
    end(s, dt.timedelta(hours=20))
    assert client.get(links(reg)["get"]).status_code == 200


def test_a_registration_link_is_refused_with_a_clear_page_after_the_grace_day(client):
    s = sarasehan()
    reg = register(s, confirm=False)
    urls = links(reg)
    end(s, dt.timedelta(days=1, hours=1))
    for response in (client.get(urls["get"]), client.post(urls["confirm"]), client.post(urls["cancel"])):
        body = response.content.decode()
        assert response.status_code == 410 and "Tautan sudah kedaluwarsa" in body
    assert PendaftaranSarasehan.objects.get().status == PendaftaranSarasehan.Status.MENUNGGU_KONFIRMASI


def test_moving_the_sarasehan_later_moves_the_expiry(client):
    s = sarasehan()
    reg = register(s)
    end(s, dt.timedelta(days=3))
    assert client.get(links(reg)["get"]).status_code == 410
    move(s, starts_at=timezone.now() + dt.timedelta(days=2), ends_at=timezone.now() + dt.timedelta(days=2, hours=3))
    assert client.get(links(reg)["get"]).status_code == 200


def test_a_signature_older_than_the_maximum_age_is_refused(client, monkeypatch):
    reg = register(sarasehan())
    real_time = time.time
    too_old = selectors.LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - too_old)
    old = selectors.registration_token(reg)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(reverse("sarasehan:registration", args=[old]))
    assert response.status_code == 410 and "Tautan sudah kedaluwarsa" in response.content.decode()
