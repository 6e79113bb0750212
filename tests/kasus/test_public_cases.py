"""One rule decides which cases the public may see (portal.kasus.selectors.public_cases)."""

import pytest

from portal.kasus import services
from portal.kasus.models import Kasus
from portal.kasus.selectors import public_cases
from tests.factories import kasus_at, open_kasus

pytestmark = pytest.mark.django_db


def is_public(kasus: Kasus) -> bool:
    return public_cases().filter(pk=kasus.pk).exists()


def test_a_verified_case_is_public():
    assert is_public(kasus_at("diverifikasi"))


def test_a_case_in_progress_is_public():
    assert is_public(kasus_at("ditindaklanjuti"))


@pytest.mark.parametrize("status", ["baru", "ditolak", "menunggu_informasi"])
def test_a_new_rejected_or_waiting_case_is_not_public(status):
    assert not is_public(kasus_at(status))


def test_a_confidential_case_is_not_public():
    assert not is_public(kasus_at("diverifikasi", is_confidential=True))


def test_a_merged_case_is_not_public_but_its_survivor_is():
    merged, survivor = kasus_at("diverifikasi"), kasus_at("diverifikasi")
    services.kasus_merge(kasus_id=merged.pk, into_id=survivor.pk, actor=None)
    assert not is_public(merged)
    assert is_public(survivor)


def test_an_unconfirmed_case_is_not_public():
    kasus = open_kasus()
    Kasus.objects.filter(pk=kasus.pk).update(confirmed_at=None, status="diverifikasi")
    assert not is_public(kasus)
