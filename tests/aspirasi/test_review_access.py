"""Security review: attachments are case files, so reading them needs what every staff page needs (TOTP)."""

import pytest
from django.urls import reverse

from portal.kasus import services
from tests.factories import OpdFactory, UserFactory, staff

from .factories import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["petugas", "pimpinan", "protokol"])
def test_it_refuses_an_attachment_to_staff_without_mfa(client, role):
    item = submit(photos=1).kasus.lampiran.get()
    url = reverse("aspirasi:lampiran", args=[item.pk])
    client.force_login(staff(role, mfa=False))
    assert client.get(url).status_code == 404
    client.force_login(staff(role))
    assert client.get(url).status_code == 200


def test_it_refuses_an_attachment_to_an_opd_officer_without_mfa(client):
    opd = OpdFactory()
    kasus = submit(photos=1).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    url = reverse("aspirasi:lampiran", args=[kasus.lampiran.get().pk])
    client.force_login(staff("opd", opd=opd, mfa=False))
    assert client.get(url).status_code == 404
    client.force_login(staff("opd", opd=opd))
    assert client.get(url).status_code == 200


def test_it_keeps_a_confidential_title_off_the_resident_action_page_for_a_link_holder(client):
    kasus = submit(title="Dugaan pelecehan oleh perangkat desa", is_confidential=True).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Kapan kejadiannya?")
    url = reverse("aspirasi:add_info", args=[kasus.tracking_token])
    body = client.get(url, follow=True).content.decode()  # on to the one-time code page
    assert "Dugaan pelecehan" not in body and "Kasus rahasia" in body
    client.force_login(UserFactory())  # signed in, but not the reporter: the link alone still proves nothing
    assert "Dugaan pelecehan" not in client.get(url, follow=True).content.decode()


def test_it_shows_a_confidential_title_on_the_resident_action_page_to_the_reporter(client):
    reporter = UserFactory()
    kasus = submit(reporter=reporter, title="Dugaan pelecehan oleh perangkat desa", is_confidential=True).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Kapan kejadiannya?")
    client.force_login(reporter)
    assert "Dugaan pelecehan" in client.get(reverse("aspirasi:add_info", args=[kasus.tracking_token])).content.decode()
