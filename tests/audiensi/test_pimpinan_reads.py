"""Pimpinan read every audiensi staff page; the actions stay with protokol."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audiensi import services
from audiensi.models import AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian
from portal.kasus.models import Riwayat
from tests.factories import OpdFactory, staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def action_forms(body: str) -> list[str]:
    """The page's POST forms other than the header's sign-out and language switch."""
    chrome = (reverse("account_logout"), reverse("set_language"))
    return [
        tag for tag in re.findall(r"<form[^>]*>", body) if 'method="post"' in tag and not any(u in tag for u in chrome)
    ]


@pytest.fixture
def pending():
    return request_audiensi(open_availability())


@pytest.fixture
def confirmed():
    audiensi = request_audiensi(open_availability())
    return services.audiensi_confirm(audiensi_id=audiensi.pk, actor=None, note="")


def staff_pages(audiensi: Audiensi) -> list[str]:
    day = timezone.localtime(audiensi.starts_at).date()
    return [
        reverse("audiensi:staff_list"),
        reverse("audiensi:staff_list") + "?status=dikonfirmasi",
        reverse("audiensi:staff_day") + f"?tanggal={day:%Y-%m-%d}",
        reverse("audiensi:staff_week") + f"?tanggal={day:%Y-%m-%d}",
        reverse("audiensi:staff_month") + f"?tanggal={day:%Y-%m-%d}",
        reverse("audiensi:staff_day_sheet") + f"?tanggal={day:%Y-%m-%d}",
        reverse("audiensi:staff_detail", args=[audiensi.pk]),
        reverse("audiensi:availability_list"),
        reverse("audiensi:availability", args=[audiensi.pejabat.slug]),
    ]


@pytest.mark.parametrize("which", ["pending", "confirmed"])
def test_pimpinan_open_every_audiensi_staff_page_without_action_forms(client, request, which):
    audiensi = request.getfixturevalue(which)
    client.force_login(staff("pimpinan"))
    for url in staff_pages(audiensi):
        response = client.get(url)
        assert response.status_code == 200, url
        assert action_forms(response.content.decode()) == [], url


def test_protokol_still_sees_the_action_forms(client, pending):
    client.force_login(staff("protokol"))
    assert action_forms(client.get(reverse("audiensi:staff_detail", args=[pending.pk])).content.decode())
    page = client.get(reverse("audiensi:availability", args=[pending.pejabat.slug])).content.decode()
    assert action_forms(page)


ACTIONS = ["konfirmasi", "usulkan", "alihkan-pejabat", "alihkan-opd", "tolak", "kehadiran", "notulen", "tindak-lanjut"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_pimpinan_post_to_an_audiensi_action_is_refused_and_changes_nothing(client, pending, action):
    other_slot = slots_of(pending.pejabat)[0]
    data = {
        f"{action}-reason": "Atas arahan pimpinan",
        f"{action}-slot": other_slot.value,
        f"{action}-opd": OpdFactory().pk,
        f"{action}-hadir": "1",
        f"{action}-notulen": "Notulen",
        f"{action}-description": "Perbaiki jembatan",
        f"{action}-due_date": "2030-01-01",
    }
    before = (pending.status, pending.starts_at, Riwayat.objects.filter(kasus=pending.kasus).count())
    client.force_login(staff("pimpinan"))
    assert client.post(reverse("audiensi:staff_action", args=[pending.pk, action]), data).status_code == 403
    pending.refresh_from_db()
    assert (pending.status, pending.starts_at, Riwayat.objects.filter(kasus=pending.kasus).count()) == before


@pytest.mark.parametrize(
    "data",
    [
        {"op": "rule", "weekday": 1, "start_time": "13:00", "end_time": "15:00", "slot_minutes": 30},
        {"op": "rule-delete", "id": "RULE"},
        {"op": "exception", "date": "2030-01-02", "reason": "Kunjungan kerja"},
        {"op": "settings", "min_hari_kerja": 1, "max_hari": 5, "batas_permohonan_terbuka": 1},
    ],
    ids=lambda d: d["op"],
)
def test_a_pimpinan_post_to_availability_is_refused_and_changes_nothing(client, data):
    pejabat = open_availability()
    rule = AturanMingguan.objects.filter(pejabat=pejabat).first()
    data = {k: (str(rule.pk) if v == "RULE" else v) for k, v in data.items()}
    before = (
        list(AturanMingguan.objects.filter(pejabat=pejabat).values_list("pk", "start_time")),
        Pengecualian.objects.count(),
        list(PengaturanAudiensi.objects.filter(pejabat=pejabat).values_list("max_hari", flat=True)),
    )
    client.force_login(staff("pimpinan"))
    response = client.post(reverse("audiensi:availability", args=[pejabat.slug]), data)
    assert response.status_code == 403
    after = (
        list(AturanMingguan.objects.filter(pejabat=pejabat).values_list("pk", "start_time")),
        Pengecualian.objects.count(),
        list(PengaturanAudiensi.objects.filter(pejabat=pejabat).values_list("max_hari", flat=True)),
    )
    assert after == before
