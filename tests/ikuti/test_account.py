import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.ikuti.models import LanggananWilayah
from portal.kasus import services
from portal.kasus.models import Pengikut
from tests.factories import KategoriFactory, UserFactory, desa

from .factories import public_case, subscription

pytestmark = pytest.mark.django_db


def follow_things(user, n: int) -> None:
    for _ in range(n):
        services.pengikut_add(kasus=public_case(), user=user)
        subscription(user=user, email="", wilayah=desa(), kategori=KategoriFactory())


def test_the_account_page_lists_what_the_resident_follows(client):
    user = UserFactory()
    kasus = public_case(title="Jembatan retak")
    services.pengikut_add(kasus=kasus, user=user)
    subscription(user=user, email="", wilayah=desa(), frekuensi="harian")
    client.force_login(user)
    html = client.get(reverse("akun_profile")).content.decode()
    assert kasus.reference in html and "Jembatan retak" in html
    assert desa().nama in html and reverse("ikuti:place_remove", args=[LanggananWilayah.objects.get().pk]) in html


def test_a_resident_changes_the_frequency_and_unfollows(client):
    user = UserFactory()
    kasus = public_case()
    services.pengikut_add(kasus=kasus, user=user)
    row = subscription(user=user, email="", frekuensi="mingguan")
    client.force_login(user)
    client.post(reverse("ikuti:place_frequency", args=[row.pk]), {"frekuensi": "harian"})
    row.refresh_from_db()
    assert row.frekuensi == "harian"
    client.post(reverse("ikuti:place_remove", args=[row.pk]))
    client.post(reverse("ikuti:kasus_remove", args=[kasus.pk]))
    assert not LanggananWilayah.objects.exists()
    assert not Pengikut.objects.filter(user=user).exists()


def test_a_resident_cannot_change_what_someone_else_follows(client):
    owner, other = UserFactory(), UserFactory()
    row = subscription(user=owner, email="", frekuensi="mingguan")
    client.force_login(other)
    client.post(reverse("ikuti:place_frequency", args=[row.pk]), {"frekuensi": "harian"})
    client.post(reverse("ikuti:place_remove", args=[row.pk]))
    row.refresh_from_db()
    assert row.frekuensi == "mingguan"


def test_a_reporter_keeps_following_their_own_case(client):
    kasus = public_case()
    client.force_login(kasus.reporter)
    client.post(reverse("ikuti:kasus_remove", args=[kasus.pk]))
    assert Pengikut.objects.filter(kasus=kasus, user=kasus.reporter, reason="reporter").exists()


def test_an_invalid_frequency_changes_nothing(client):
    user = UserFactory()
    row = subscription(user=user, email="", frekuensi="mingguan")
    client.force_login(user)
    assert client.post(reverse("ikuti:place_frequency", args=[row.pk]), {"frekuensi": "tiap-jam"}).status_code == 302
    row.refresh_from_db()
    assert row.frekuensi == "mingguan"


def test_the_account_page_runs_the_same_queries_whatever_is_followed(client, django_assert_num_queries):
    user = UserFactory()
    follow_things(user, 1)
    client.force_login(user)
    client.get(reverse("akun_profile"))  # warm the per-session caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("akun_profile"))
    follow_things(user, 4)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("akun_profile"))
