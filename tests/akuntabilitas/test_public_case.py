"""The public page of a verified, non-confidential case: public timeline only, actors as the public sees them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import Riwayat
from portal.kasus.services import kasus_log
from tests.factories import OpdFactory, kasus_at, open_kasus, staff

pytestmark = pytest.mark.django_db

PERSONAL = ("Budi Santoso Pelapor", "budi.pelapor@example.org", "081298765432")


def reported(status: str, **kwargs):
    return kasus_at(status, reporter_name=PERSONAL[0], reporter_email=PERSONAL[1], reporter_phone=PERSONAL[2], **kwargs)


def test_it_shows_public_entries_without_personal_data_or_staff_names(client):
    petugas = staff("petugas", full_name="Rina Petugas Humas")
    opd = OpdFactory(nama="Dinas Pekerjaan Umum")
    kasus = reported("dijawab", opd=opd, actor=petugas)
    kasus_log(
        kasus=kasus,
        kind="note.internal",
        visibility=Riwayat.Visibility.INTERNAL,
        actor=None,
        message="Catatan rahasia staf",
    )
    response = client.get(reverse("akuntabilitas:kasus", args=[kasus.reference]))
    assert response.status_code == 200
    text = response.content.decode()
    assert kasus.title in text
    assert "Sudah diperbaiki." in text  # the public answer
    assert "Catatan rahasia staf" not in text
    assert "Rina Petugas Humas" not in text
    for value in PERSONAL:
        assert value not in text


@pytest.mark.parametrize("status", ["baru", "ditolak"])
def test_unverified_and_rejected_cases_have_no_public_page(client, status):
    kasus = reported(status)
    assert client.get(reverse("akuntabilitas:kasus", args=[kasus.reference])).status_code == 404


def test_a_confidential_case_has_no_public_page(client):
    kasus = reported("didisposisikan", is_confidential=True)
    assert client.get(reverse("akuntabilitas:kasus", args=[kasus.reference])).status_code == 404


def test_an_unconfirmed_submission_has_no_public_page(client):
    kasus = open_kasus(confirmed=False)
    assert client.get(reverse("akuntabilitas:kasus", args=[kasus.reference])).status_code == 404


def test_an_unknown_or_odd_reference_is_not_found(client):
    assert client.get(reverse("akuntabilitas:kasus", args=["X" * 300])).status_code == 404


def test_it_shows_the_case_commitments_and_links_back_to_the_tracker(client):
    kasus = reported("didisposisikan")
    services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description="Tambal jalan desa",
        opd=kasus.opd,
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    text = client.get(reverse("akuntabilitas:kasus", args=[kasus.reference])).content.decode()
    assert "Tambal jalan desa" in text
    assert "Terlambat" in text
    assert reverse("akuntabilitas:janji") in text


def test_the_public_case_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    petugas = staff("petugas")
    short = reported("didisposisikan", actor=petugas)
    long = reported("ditutup", actor=petugas)
    for kasus in (short, long):
        client.get(reverse("akuntabilitas:kasus", args=[kasus.reference]))  # warm the session
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("akuntabilitas:kasus", args=[short.reference]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("akuntabilitas:kasus", args=[long.reference]))


def test_a_merged_case_links_to_the_public_case_it_joined(client):
    survivor = reported("didisposisikan")
    merged = reported("diverifikasi")
    services.kasus_merge(kasus_id=merged.pk, into_id=survivor.pk, actor=staff())
    text = client.get(reverse("akuntabilitas:kasus", args=[merged.reference])).content.decode()
    assert reverse("akuntabilitas:kasus", args=[survivor.reference]) in text


def test_a_merged_case_does_not_link_to_a_confidential_survivor(client):
    survivor = reported("didisposisikan", is_confidential=True)
    merged = reported("diverifikasi")
    services.kasus_merge(kasus_id=merged.pk, into_id=survivor.pk, actor=staff())
    text = client.get(reverse("akuntabilitas:kasus", args=[merged.reference])).content.decode()
    assert reverse("akuntabilitas:kasus", args=[survivor.reference]) not in text
