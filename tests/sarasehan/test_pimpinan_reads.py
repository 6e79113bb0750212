"""Pimpinan read every sarasehan staff page; the actions stay with protokol and the door staff."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sarasehan.models import PendaftaranSarasehan, PoinSarasehan, Sarasehan
from tests.factories import kecamatan, open_kasus, staff

from .factories import register, sarasehan

pytestmark = pytest.mark.django_db


def action_forms(body: str) -> list[str]:
    """The page's POST forms other than the header's sign-out and language switch."""
    chrome = (reverse("account_logout"), reverse("set_language"))
    return [
        tag for tag in re.findall(r"<form[^>]*>", body) if 'method="post"' in tag and not any(u in tag for u in chrome)
    ]


def state(s: Sarasehan) -> tuple:
    s.refresh_from_db()
    regs = PendaftaranSarasehan.objects.filter(sarasehan=s)
    return (
        s.status,
        s.venue,
        s.notulen,
        s.agenda_items.count(),
        list(regs.values_list("pk", "status", "checked_in_at")),
        PoinSarasehan.objects.filter(sarasehan=s).count(),
        Sarasehan.objects.count(),
    )


@pytest.mark.parametrize("name", ["staff_list", "staff_detail", "checkin", "points"])
@pytest.mark.parametrize("published", [True, False], ids=["terbit", "draf"])
def test_pimpinan_open_every_sarasehan_staff_page_without_action_forms(client, name, published):
    s = sarasehan(publish=published)
    if published:
        register(s)
    client.force_login(staff("pimpinan"))
    url = reverse(f"sarasehan:{name}", args=[] if name == "staff_list" else [s.slug])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert action_forms(body) == []
    assert reverse("sarasehan:staff_create") not in body and reverse("sarasehan:staff_edit", args=[s.slug]) not in body


def test_door_staff_still_see_the_check_in_and_point_forms_once_the_door_opens(client):
    s = sarasehan(starts_in=dt.timedelta(hours=1))
    client.force_login(staff("petugas"))
    assert action_forms(client.get(reverse("sarasehan:checkin", args=[s.slug])).content.decode())
    assert action_forms(client.get(reverse("sarasehan:points", args=[s.slug])).content.decode())


@pytest.mark.parametrize(
    "name, data",
    [
        ("staff_publish", {}),
        ("staff_cancel", {"reason": "Cuaca buruk"}),
        ("staff_notulen", {"notulen": "Notulen sarasehan"}),
        ("staff_agenda", {"kasus": "KASUS"}),
        ("staff_edit", {"title": "Judul lain", "venue": "Aula Baru"}),
        ("checkin", {"code": "REG"}),
        ("walk_in", {"name": "Mbah Darmo"}),
        ("points", {"content": "Jalan rusak", "speaker_name": "Pak Karto"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_pimpinan_post_to_a_sarasehan_action_is_refused_and_changes_nothing(client, name, data):
    s = sarasehan(publish=name != "staff_publish", kecamatan=kecamatan())
    code = register(s).code if s.status == "terbit" else ""
    kasus = open_kasus()
    data = {k: {"KASUS": str(kasus.pk), "REG": code}.get(v, v) for k, v in data.items()}
    before = state(s)
    client.force_login(staff("pimpinan"))
    assert client.post(reverse(f"sarasehan:{name}", args=[s.slug]), data).status_code == 403
    assert state(s) == before


def test_a_pimpinan_cannot_create_a_sarasehan(client):
    client.force_login(staff("pimpinan"))
    assert client.post(reverse("sarasehan:staff_create"), {"title": "Baru"}).status_code == 403
    assert not Sarasehan.objects.exists()
