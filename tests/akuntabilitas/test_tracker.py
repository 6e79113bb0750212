"""The public commitments tracker: every tindak lanjut of a public case, its lateness, no personal data."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal import page_cache
from portal.kasus import services
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import OpdFactory, PejabatFactory, kasus_at, kecamatan, staff
from tests.sarasehan.factories import sarasehan

pytestmark = pytest.mark.django_db

REPORTER = {"reporter_name": "Siti Rahayu Pelapor", "reporter_email": "siti.pelapor@example.org"}
PHONE = "081234567890"


def promise(kasus, *, days: int, opd=None, done: bool = False, description: str = "Perbaikan jalan", **kwargs):
    today = timezone.localdate()
    item = services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description=description,
        opd=opd or kasus.opd,
        due_date=today + dt.timedelta(days=days),
        **kwargs,
    )
    if done:
        item = services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Foto jalan selesai")
    return item


def public_case(**kwargs):
    return kasus_at("didisposisikan", reporter_phone=PHONE, **REPORTER, **kwargs)


def page_text(client, **params) -> str:
    response = client.get(reverse("akuntabilitas:janji"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_public_commitments_and_hides_confidential_and_unverified_cases(client):
    promise(public_case(), days=3, description="Janji publik")
    promise(kasus_at("didisposisikan", is_confidential=True), days=3, description="Janji rahasia")
    unverified = kasus_at("menunggu_informasi")
    promise(unverified, days=3, opd=OpdFactory(), description="Janji belum diverifikasi")
    text = page_text(client)
    assert "Janji publik" in text
    assert "Janji rahasia" not in text
    assert "Janji belum diverifikasi" in text  # waiting for information after verification is still public
    assert reverse("akuntabilitas:kasus", args=[unverified.reference]) in text


def test_the_share_kept_on_time_counts_late_done_and_late_open_as_late(client):
    kasus = public_case()
    promise(kasus, days=2, done=True)  # kept
    promise(kasus, days=-2, done=True)  # done late
    promise(kasus, days=-1)  # late, still open
    promise(kasus, days=5)  # not due yet
    response = client.get(reverse("akuntabilitas:janji"))
    share = response.context["share"]
    assert (share.kept, share.late, share.open, share.percent) == (1, 2, 1, 33)
    statuses = [item.public_status for item in response.context["items"]]
    assert statuses == ["selesai_terlambat", "terlambat", "selesai", "terbuka"]


def test_it_filters_by_opd_kecamatan_and_status(client):
    dinas = OpdFactory(nama="Dinas Pekerjaan Umum")
    here = public_case(opd=dinas)
    promise(here, days=-1, description="Janji terlambat PU")
    promise(here, days=4, description="Janji berjalan PU")
    promise(public_case(), days=-1, description="Janji OPD lain")
    text = page_text(client, opd=dinas.pk, status="terlambat", kecamatan=here.kecamatan_id)
    assert "Janji terlambat PU" in text
    assert "Janji berjalan PU" not in text
    assert "Janji OPD lain" not in text
    other = kecamatan("Pracimantoro") if here.kecamatan.nama != "Pracimantoro" else kecamatan("Wonogiri")
    assert "Janji terlambat PU" not in page_text(client, kecamatan=other.pk)


def test_bad_filter_values_show_everything_instead_of_failing(client):
    promise(public_case(), days=1, description="Janji apa saja")
    text = page_text(client, opd="abc", kecamatan="999999", status="x", page="zz")
    assert "Janji apa saja" in text


def test_it_names_the_audiensi_and_pejabat_the_promise_was_made_at(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    kasus = audiensi.kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=staff())
    promise(kasus, days=3, opd=OpdFactory(), source_kind="audiensi", source_id=audiensi.pk)
    assert f"Audiensi dengan {pejabat.jabatan}" in page_text(client)


def test_the_tracker_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    kasus = public_case()
    promise(kasus, days=1)
    client.get(reverse("akuntabilitas:janji"))  # warm the session and caches
    page_cache.bump()  # the page itself is rendered, not taken from the page cache
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("akuntabilitas:janji"))
    for days in range(6):
        promise(public_case(), days=days - 3, done=days % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("akuntabilitas:janji"))


def test_the_downloads_hold_the_same_rows_without_personal_data(client):
    kasus = public_case()
    promise(kasus, days=2, done=True, description="=HYPERLINK(jahat)")
    promise(kasus, days=-3, description="Bangun jembatan")
    csv_response = client.get(reverse("akuntabilitas:janji_csv"))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert len(rows) == 3
    assert [row[2] for row in rows[1:]] == ["Bangun jembatan", "'=HYPERLINK(jahat)"]  # earliest deadline first
    assert [row[0] for row in rows[1:]] == [kasus.reference, kasus.reference]
    xlsx = client.get(reverse("akuntabilitas:janji_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert values == rows
    everything = csv_response.content.decode() + str(values) + page_text(client)
    for personal in (REPORTER["reporter_name"], REPORTER["reporter_email"], PHONE):
        assert personal not in everything


def test_the_share_kept_ignores_the_status_shown(client):
    kasus = public_case()
    promise(kasus, days=2, done=True)
    promise(kasus, days=-1)
    share = client.get(reverse("akuntabilitas:janji"), {"status": "terlambat"}).context["share"]
    assert (share.kept, share.late, share.percent) == (1, 1, 50)


def test_it_names_the_sarasehan_and_its_pejabat_the_promise_was_made_at(client):
    forum = sarasehan(title="Sarasehan Air Bersih")
    forum.pejabat.add(PejabatFactory(jabatan="Wakil Bupati Uji"))
    promise(public_case(), days=3, source_kind="sarasehan", source_id=forum.pk)
    assert "Sarasehan Air Bersih" in page_text(client)
    assert "(Wakil Bupati Uji)" in page_text(client)


def test_the_next_page_link_keeps_the_filters_chosen(client, monkeypatch):
    monkeypatch.setattr("akuntabilitas.views.PAGE_SIZE", 1)
    dinas = OpdFactory(nama="Dinas Pekerjaan Umum")
    here = public_case(opd=dinas)
    promise(here, days=4, description="Janji pertama")
    promise(here, days=5, description="Janji kedua")
    text = page_text(client, opd=dinas.pk)
    assert f'href="?opd={dinas.pk}&amp;page=2"' in text
    assert "Janji kedua" in page_text(client, opd=dinas.pk, page=2)
