"""A guest's cases follow them into an account once the address is proven on both sides."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse

from aspirasi import services as aspirasi_services
from portal.kasus import services
from portal.kasus.models import Channel, Kasus, Pengikut
from portal.kasus.selectors import resident_cases
from tests.aspirasi.factories import submit
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db

EMAIL = "tamu.warga@example.org"


def guest_case(*, confirm: bool = True) -> Kasus:
    result = submit(reporter_name="Tamu Warga", reporter_email=EMAIL)
    if confirm:
        aspirasi_services.aspirasi_confirm(token=aspirasi_services.confirm_token(result.aspirasi))
    return Kasus.objects.get(pk=result.kasus.pk)


def account_with_unverified(email: str = EMAIL):
    user = UserFactory(email=email, verified=False)
    return user, EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)


def verify_by_link(client, address: EmailAddress) -> None:
    key = EmailConfirmationHMAC(address).key
    client.post(reverse("account_confirm_email", args=[key]))
    address.refresh_from_db()
    assert address.verified


def test_it_lists_a_confirmed_guest_case_in_my_cases_once_the_account_verifies_the_address(client):
    kasus = guest_case()
    user, address = account_with_unverified()
    verify_by_link(client, address)
    kasus.refresh_from_db()
    assert kasus.reporter == user
    entry = kasus.riwayat.get(kind="kasus.linked_account")
    assert entry.visibility == "pelapor" and entry.actor == user
    assert Pengikut.objects.get(kasus=kasus, reason=Pengikut.Reason.REPORTER).user == user
    client.force_login(user)
    assert kasus.reference in client.get(reverse("kasus:mine")).content.decode()


def test_it_never_links_a_guest_case_whose_email_was_not_confirmed(client):
    kasus = guest_case(confirm=False)
    _user, address = account_with_unverified()
    verify_by_link(client, address)
    kasus.refresh_from_db()
    assert kasus.reporter is None and not kasus.riwayat.filter(kind="kasus.linked_account").exists()


def test_it_never_links_a_case_staff_recorded_with_that_address(client):
    recorded = aspirasi_services.aspirasi_submit(
        jenis="pengaduan",
        title="Dicatat dari WhatsApp",
        description="Alamat email ini tidak pernah dibuktikan oleh pemiliknya.",
        reporter_name="Tamu Warga",
        reporter_email=EMAIL,
        channel=Channel.WHATSAPP,
        recorded_by=staff("petugas"),
    ).kasus
    assert recorded.confirmed_at is not None
    _user, address = account_with_unverified()
    verify_by_link(client, address)
    recorded.refresh_from_db()
    assert recorded.reporter is None


def test_it_never_links_to_an_account_whose_address_is_unverified():
    kasus = guest_case()
    user, _address = account_with_unverified()
    assert services.kasus_link_guest_cases(user=user, email=EMAIL) == []
    kasus.refresh_from_db()
    assert kasus.reporter is None


def test_it_links_each_case_once():
    kasus = guest_case()
    user = UserFactory(email=EMAIL)
    assert services.kasus_link_guest_cases(user=user, email=EMAIL) == [kasus]
    assert services.kasus_link_guest_cases(user=user, email=EMAIL) == []
    assert kasus.riwayat.filter(kind="kasus.linked_account").count() == 1


def test_a_linked_guest_case_merged_elsewhere_shows_as_its_survivor():
    kasus = guest_case()
    survivor = submit(reporter=UserFactory()).kasus
    services.kasus_merge(kasus_id=kasus.pk, into_id=survivor.pk, actor=None)
    user = UserFactory(email=EMAIL)
    services.kasus_link_guest_cases(user=user, email=EMAIL)
    row = Pengikut.objects.get(kasus=survivor, reported_kasus=kasus)
    assert (row.user, row.email) == (user, "")
    assert list(resident_cases(user)) == [survivor]


def test_a_guest_case_confirmed_from_an_address_an_account_already_verified_joins_that_account():
    user = UserFactory(email=EMAIL)
    kasus = guest_case()
    assert kasus.reporter == user
    assert kasus.riwayat.filter(kind="kasus.linked_account").count() == 1
