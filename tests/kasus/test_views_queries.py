"""Staff pages run a fixed number of SQL queries, whatever the number of cases or timeline entries."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.kasus import services
from tests.factories import KategoriFactory, OpdFactory, UserFactory, kasus_at, open_kasus, staff

pytestmark = pytest.mark.django_db
MAX_QUERIES = 16  # one of them the reply templates the answer and request-info forms offer


def count_queries(client, url: str) -> int:
    cache.clear()  # measure the cold page: cached filter lists would hide queries on the second call
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def identity_views() -> int:
    return AuditEntry.objects.filter(action=services.IDENTITY_VIEWED).count()


def fill_queue(n: int, opd) -> None:
    kategori = KategoriFactory()
    for i in range(n):
        reporter = UserFactory() if i % 2 else None
        kasus = kasus_at("didisposisikan", opd=opd, reporter=reporter, kategori=kategori, is_anonymous=i % 3 == 0)
        if i % 4 == 0:
            kasus.__class__.objects.filter(pk=kasus.pk).update(due_at=kasus.created_at - dt.timedelta(days=3))


def fill_timeline(kasus, n: int, actors) -> None:
    for i in range(n):
        services.kasus_log(
            kasus=kasus, kind="note.internal", visibility="internal", message=f"Catatan {i}", actor=actors[i % 3]
        )
    if n > 10:
        for i in range(5):
            services.tindak_lanjut_add(
                kasus_id=kasus.pk, actor=None, description=f"Janji {i}", opd=kasus.opd, due_date=dt.date(2030, 1, 1)
            )


@pytest.mark.parametrize("role", ["petugas", "opd", "pimpinan"])
def test_it_shows_the_queue_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, role):
    opd = OpdFactory()
    user = staff(role, opd=opd) if role == "opd" else staff(role)
    client.force_login(user)
    fill_queue(5, opd)
    few = count_queries(client, reverse("kasus:queue"))
    fill_queue(25, opd)
    many = count_queries(client, reverse("kasus:queue"))
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("kasus:queue"), {"status": "didisposisikan", "overdue": "on", "q": "jalan"})


@pytest.mark.parametrize("role", ["petugas", "opd", "pimpinan"])
def test_it_shows_a_case_in_a_fixed_number_of_queries(client, django_assert_max_num_queries, role):
    opd = OpdFactory()
    user = staff(role, opd=opd) if role == "opd" else staff(role)
    reporter = UserFactory()
    actors = [user, reporter, staff("petugas")]
    small = kasus_at("ditindaklanjuti", opd=opd, reporter=reporter)
    large = kasus_at("ditindaklanjuti", opd=opd, reporter=reporter, is_anonymous=True)
    fill_timeline(small, 5, actors)
    fill_timeline(large, 50, actors)
    client.force_login(user)
    client.get(reverse("kasus:detail", args=[small.reference]))  # fills the cached choice lists
    few = count_queries(client, reverse("kasus:detail", args=[small.reference]))
    audited = identity_views()
    many = count_queries(client, reverse("kasus:detail", args=[large.reference]))
    # A petugas seeing the anonymous reporter writes one audit entry: a write, not a per-entry read.
    many -= identity_views() - audited
    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("kasus:detail", args=[large.reference]))


def test_it_shows_a_new_case_with_every_petugas_form_within_the_limit(client, django_assert_max_num_queries):
    """Cold cache: the choice lists are read from the database too."""
    kasus = open_kasus()
    client.force_login(staff("petugas"))
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("kasus:detail", args=[kasus.reference]))
    assert 'id="aksi-verifikasi"' in response.content.decode()


def test_it_shows_the_tracking_page_in_a_fixed_number_of_queries(client):
    reporter = UserFactory()
    opd = OpdFactory()
    officer = staff("opd", opd=opd)
    small = kasus_at("ditindaklanjuti", opd=opd, reporter=reporter)
    large = kasus_at("ditindaklanjuti", opd=opd, reporter=reporter)
    for kasus, n in ((small, 5), (large, 50)):
        for i in range(n):
            services.kasus_log(
                kasus=kasus,
                kind="kasus.info_received",
                visibility="publik",
                message=str(i),
                actor=[officer, reporter][i % 2],
            )
    few = count_queries(client, reverse("kasus:track_detail", args=[small.tracking_token]))
    many = count_queries(client, reverse("kasus:track_detail", args=[large.tracking_token]))
    assert few == many <= MAX_QUERIES
