"""Attachments are case files: reading one needs what every staff page needs (TOTP)."""

import pytest
from django.urls import reverse

from portal.kasus import services
from tests.factories import OpdFactory, staff

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
