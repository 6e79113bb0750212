"""Protokol's note on a confirmation reaches the resident: on their audiensi page, and once in the email."""

import pytest
from django.core import mail
from django.urls import reverse

from audiensi import services
from tests.factories import UserFactory, staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db

NOTE = "Bawa proposal tercetak dua rangkap."


def _confirm_with_note(warga, capture):
    audiensi = request_audiensi(open_availability(), user=warga)
    with capture(execute=True):
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"), note=NOTE)
    return audiensi


def test_the_confirmed_audiensi_page_shows_protokols_note(client, django_capture_on_commit_callbacks):
    warga = UserFactory()
    audiensi = _confirm_with_note(warga, django_capture_on_commit_callbacks)
    client.force_login(warga)
    page = client.get(reverse("audiensi:mine_detail", args=[audiensi.pk])).content.decode()
    assert "Catatan dari protokol" in page
    assert page.count(NOTE) == 1


def test_the_confirmation_email_carries_the_note_once(django_capture_on_commit_callbacks):
    warga = UserFactory()
    _confirm_with_note(warga, django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if warga.email in m.to]
    assert email.body.count(NOTE) == 1


def test_without_a_note_the_page_has_no_note_heading(client):
    warga = UserFactory()
    audiensi = request_audiensi(open_availability(), user=warga)
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    client.force_login(warga)
    page = client.get(reverse("audiensi:mine_detail", args=[audiensi.pk])).content.decode()
    assert "Catatan dari protokol" not in page
