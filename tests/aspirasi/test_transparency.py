import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.selectors import monthly_stats
from portal.kasus import services
from portal.kasus.models import Kasus, Riwayat
from tests.factories import KategoriFactory, OpdFactory, UserFactory

from .factories import submit

pytestmark = pytest.mark.django_db


def walk(kasus, opd, *, answer_after_days: int | None = None):
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    if answer_after_days is not None:
        services.kasus_start(kasus_id=kasus.pk, actor=None)
        services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Jawaban.")
        kasus.refresh_from_db()
        disposed_at = kasus.answered_at - dt.timedelta(days=answer_after_days, seconds=1)
        Riwayat.objects.filter(kasus=kasus, kind="kasus.disposed").update(created_at=disposed_at)


def test_it_counts_this_month_and_the_share_answered_on_time():
    opd, kategori = OpdFactory(nama="Dinas Pekerjaan Umum"), KategoriFactory(nama="Infrastruktur")
    quick = submit(reporter=UserFactory(), kategori=kategori).kasus
    slow = submit(reporter=UserFactory(), kategori=kategori).kasus
    waiting = submit(reporter=UserFactory()).kasus
    walk(quick, opd, answer_after_days=0)
    walk(slow, opd, answer_after_days=30)
    walk(waiting, opd)
    stats = monthly_stats()
    assert stats["total"] == 3
    assert ("Infrastruktur", 2) in stats["per_kategori"] and ("", 1) in stats["per_kategori"]
    assert stats["per_opd"] == [("Dinas Pekerjaan Umum", 3)]
    assert stats["answered"] == 2 and stats["answered_on_time"] == 1 and stats["on_time_percent"] == 50


def test_it_shows_verified_public_cases_without_personal_data(client):
    opd = OpdFactory()
    named = submit(reporter=UserFactory(full_name="Sutrisno Adi"), title="Jembatan retak").kasus
    walk(named, opd)
    unverified = submit(reporter=UserFactory(), title="Belum diverifikasi").kasus
    rejected = submit(reporter=UserFactory(), title="Iklan obat").kasus
    services.kasus_reject(kasus_id=rejected.pk, actor=None, reason="Spam")
    html = client.get(reverse("dasbor:transparansi")).content.decode()
    assert "Jembatan retak" in html and named.reference in html
    assert unverified.title not in html and "Iklan obat" not in html
    assert "Sutrisno" not in html and named.reporter.email not in html and named.summary not in html
    assert named.wilayah.nama not in html  # only the kecamatan, never the desa
    csv = client.get(reverse("aspirasi:transparency_csv")).content.decode()
    assert "Jembatan retak" in csv and "Sutrisno" not in csv and "Iklan obat" not in csv


def test_it_neutralises_spreadsheet_formulas_in_the_csv(client):
    kasus = submit(reporter=UserFactory(), title='=HYPERLINK("http://x")').kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    csv = client.get(reverse("aspirasi:transparency_csv")).content.decode()
    assert "'=HYPERLINK" in csv


def test_it_caches_the_monthly_figures(django_assert_max_num_queries):
    submit(reporter=UserFactory())
    monthly_stats()
    with django_assert_max_num_queries(0):
        monthly_stats()
    assert Kasus.objects.count() == 1
