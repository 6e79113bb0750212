"""Merging keeps each reporter's files their own: own files and answers' files, never another reporter's."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from aspirasi import services as aspirasi_services
from aspirasi.files import clean_upload
from aspirasi.models import Aspirasi, Lampiran
from portal.kasus import services
from tests.factories import OpdFactory, UserFactory, staff

from .factories import jpeg_bytes, pdf_bytes, submit, upload

pytestmark = pytest.mark.django_db


def photo(name):
    return clean_upload(upload(name, jpeg_bytes()))


@pytest.fixture
def merged():
    """Two reporters' cases merged, then answered with a file by the OPD."""
    opd = OpdFactory()
    survivor_reporter, merged_reporter = UserFactory(), UserFactory()
    survivor = submit(reporter=survivor_reporter, files=[photo("milik-penerima.jpg")]).kasus
    source = submit(reporter=merged_reporter, files=[photo("milik-digabung.jpg")]).kasus
    services.kasus_verify(kasus_id=survivor.pk, actor=None)
    services.kasus_merge(kasus_id=source.pk, into_id=survivor.pk, actor=None)
    services.kasus_dispose(kasus_id=survivor.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=survivor.pk, actor=None)
    officer = staff("opd", opd=opd)
    aspirasi_services.aspirasi_answer(
        kasus_id=survivor.pk,
        actor=officer,
        answer="Sudah diperbaiki.",
        files=[clean_upload(upload("jawaban.pdf", pdf_bytes(), "application/pdf"))],
    )
    survivor.refresh_from_db()
    source.refresh_from_db()
    files = {f.original_name: f for f in Lampiran.objects.all()}
    return {
        "survivor": survivor,
        "source": source,
        "survivor_reporter": survivor_reporter,
        "merged_reporter": merged_reporter,
        "own": files["milik-penerima.jpg"],
        "theirs": files["milik-digabung.jpg"],
        "answer": files["jawaban.pdf"],
    }


def download(client, lampiran, token=None):
    args = [lampiran.pk, token] if token else [lampiran.pk]
    return client.get(reverse("aspirasi:lampiran_token" if token else "aspirasi:lampiran", args=args))


def test_each_file_records_the_case_it_came_from_through_a_merge(merged):
    assert merged["theirs"].kasus == merged["survivor"] and merged["theirs"].origin_kasus == merged["source"]
    assert merged["own"].origin_kasus == merged["survivor"]
    assert Aspirasi.objects.get(pk=merged["theirs"].aspirasi_id).origin_kasus == merged["source"]


def test_the_merged_reporter_keeps_their_own_file_and_the_answer_through_their_link(client, merged):
    token = merged["source"].tracking_token
    assert download(client, merged["theirs"], token).status_code == 200
    assert download(client, merged["answer"], token).status_code == 200
    assert download(client, merged["own"], token).status_code == 404


def test_the_survivors_reporter_never_gets_the_merged_reporters_file(client, merged):
    token = merged["survivor"].tracking_token
    assert download(client, merged["theirs"], token).status_code == 404
    assert download(client, merged["own"], token).status_code == 200
    client.force_login(merged["survivor_reporter"])
    assert download(client, merged["theirs"]).status_code == 404
    page = client.get(reverse("kasus:track_detail", args=[token])).content.decode()
    assert "milik-penerima.jpg" in page and "jawaban.pdf" in page and "milik-digabung.jpg" not in page


def test_the_signed_in_merged_reporter_sees_their_file_and_the_answer_on_the_survivor(client, merged):
    client.force_login(merged["merged_reporter"])
    assert download(client, merged["theirs"]).status_code == 200
    assert download(client, merged["answer"]).status_code == 200
    assert download(client, merged["own"]).status_code == 404
    page = client.get(reverse("kasus:mine_detail", args=[merged["survivor"].reference])).content.decode()
    assert "milik-digabung.jpg" in page and "jawaban.pdf" in page and "milik-penerima.jpg" not in page
    # Links carry no tracking token: the survivor's would let this resident act as its reporter.
    assert merged["survivor"].tracking_token not in page


def test_the_merged_case_tracking_page_lists_its_reporters_files(client, merged):
    token = merged["source"].tracking_token
    page = client.get(reverse("kasus:track_detail", args=[token])).content.decode()
    assert reverse("aspirasi:lampiran_token", args=[merged["theirs"].pk, token]) in page
    assert "jawaban.pdf" in page and "milik-penerima.jpg" not in page


def test_staff_still_open_every_file_of_the_survivor(client, merged):
    client.force_login(staff("petugas"))
    for name in ("own", "theirs", "answer"):
        assert download(client, merged[name]).status_code == 200


def test_the_migration_backfills_where_reports_and_files_came_from(merged):
    info = aspirasi_services.lampiran_store(
        kasus=merged["source"], aspirasi=None, files=[photo("info.jpg")], role=Lampiran.Role.INFO, actor=None
    )[0]
    services.kasus_log(
        kasus=merged["source"],
        kind="kasus.info_received",
        visibility=services.Visibility.PELAPOR,
        actor=None,
        data={"lampiran": [info.pk]},
    )
    Lampiran.objects.filter(pk=info.pk).update(kasus=merged["survivor"])
    Aspirasi.objects.update(origin_kasus=None)
    Lampiran.objects.update(origin_kasus=None)
    migration = importlib.import_module("aspirasi.migrations.0002_origin_kasus")
    migration.backfill_origin(apps, None)
    origins = dict(Lampiran.objects.values_list("original_name", "origin_kasus"))
    assert origins == {
        "milik-penerima.jpg": merged["survivor"].pk,
        "milik-digabung.jpg": merged["source"].pk,
        "jawaban.pdf": merged["survivor"].pk,
        "info.jpg": merged["source"].pk,
    }


def test_the_staff_page_names_each_report_with_its_own_case_and_reporter(client, merged):
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:detail", args=[merged["survivor"].reference])).content.decode()
    assert f"(kasus {merged['survivor'].reference})" in html and f"(kasus {merged['source'].reference})" in html
    assert merged["survivor_reporter"].full_name in html and merged["merged_reporter"].full_name in html
