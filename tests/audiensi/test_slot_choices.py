"""Moving a request offers other slots, never the one it holds now."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audiensi import services
from audiensi.models import Status
from audiensi.selectors import SLOT_FORMAT
from tests.factories import staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def current_value(audiensi) -> str:
    return f"{audiensi.pejabat.slug}@{timezone.localtime(audiensi.starts_at).strftime(SLOT_FORMAT)}"


def test_protokols_propose_list_leaves_out_the_current_slot(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    other = slots_of(pejabat)[0]
    client.force_login(staff("protokol"))
    body = client.get(reverse("audiensi:staff_detail", args=[audiensi.pk])).content.decode()
    assert f'value="{other.value}"' in body
    assert f'value="{current_value(audiensi)}"' not in body


def test_protokol_cannot_propose_the_current_slot(client):
    audiensi = request_audiensi(open_availability())
    client.force_login(staff("protokol"))
    url = reverse("audiensi:staff_action", args=[audiensi.pk, "usulkan"])
    response = client.post(url, {"usulkan-slot": current_value(audiensi), "usulkan-reason": "Agenda bentrok"})
    assert response.status_code == 400
    audiensi.refresh_from_db()
    assert audiensi.status == Status.MENUNGGU
    assert not audiensi.kasus.riwayat.filter(kind="audiensi.proposed").exists()


def test_the_residents_reschedule_list_leaves_out_the_current_slot(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    other = slots_of(pejabat)[0]
    body = client.get(reverse("audiensi:link", args=[services.link_token(audiensi, "jadwal-ulang")])).content.decode()
    assert f'value="{other.value}"' in body
    assert f'value="{current_value(audiensi)}"' not in body


def test_the_resident_cannot_reschedule_to_the_current_slot(client):
    audiensi = request_audiensi(open_availability())
    url = reverse("audiensi:link", args=[services.link_token(audiensi, "jadwal-ulang")])
    assert client.post(url, {"slot": current_value(audiensi), "reason": ""}).status_code == 200
    assert not audiensi.kasus.riwayat.filter(kind="audiensi.reschedule_requested").exists()


@pytest.mark.parametrize("move", ["reschedule", "propose"])
def test_the_services_refuse_the_slot_the_request_already_holds(move):
    audiensi = request_audiensi(open_availability())
    with pytest.raises(services.AudiensiError, match="berbeda dari jadwal sekarang"):
        if move == "reschedule":
            services.audiensi_reschedule(audiensi_id=audiensi.pk, actor=audiensi.pemohon, start=audiensi.starts_at)
        else:
            services.audiensi_propose(audiensi_id=audiensi.pk, actor=None, start=audiensi.starts_at, reason="x")
