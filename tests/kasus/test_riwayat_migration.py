"""Entries written before templates: rebuilt where their data allows, their stored text kept otherwise."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from portal.kasus.models import Riwayat
from portal.wilayah.models import Opd
from tests.factories import UserFactory, open_kasus

pytestmark = pytest.mark.django_db

migration = importlib.import_module("portal.kasus.migrations.0008_riwayat_params_from_messages")


def legacy(kasus, kind: str, message: str, **fields) -> Riwayat:
    return Riwayat.objects.create(kasus=kasus, kind=kind, visibility="publik", message=message, **fields)


def test_it_migrates_old_entries_keeping_their_text_where_it_cannot_be_rebuilt():
    reporter = UserFactory()
    kasus = open_kasus(reporter=reporter)
    health = Opd.objects.get(nama="Dinas Kesehatan")
    disposed = legacy(
        kasus,
        "kasus.disposed",
        "Kasus diteruskan ke Dinas Kesehatan untuk ditindaklanjuti.",
        data={"opd": health.pk, "opd_nama": health.nama},
    )
    confirmed = legacy(kasus, "kasus.confirmed", "Email pelapor dikonfirmasi.")
    closed = legacy(kasus, "kasus.autoclosed", "Kasus ditutup otomatis karena tidak ada tanggapan.")
    disputed = legacy(kasus, "kasus.disputed", "Masih rusak.", actor=reporter)

    migration.forwards(apps, None)

    with translation.override("en"):
        texts = {e.kind: e.text for e in Riwayat.objects.filter(pk__in=[disposed.pk, confirmed.pk, closed.pk])}
    assert texts["kasus.disposed"] == "Case forwarded to Health Office for follow-up."
    assert texts["kasus.confirmed"] != "Email pelapor dikonfirmasi."
    assert texts["kasus.autoclosed"] == "Kasus ditutup otomatis karena tidak ada tanggapan."  # the stored fallback
    disputed.refresh_from_db()
    assert disputed.by_reporter and disputed.message == "Masih rusak."
