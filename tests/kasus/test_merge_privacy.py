"""Merging moves one reporter's files, audiensi and points onto another case: privacy survives the move."""

import pytest
from django.urls import reverse

from aspirasi import selectors as aspirasi_selectors
from aspirasi import services as aspirasi_services
from aspirasi.files import clean_upload
from portal.kasus import services
from tests.aspirasi.factories import jpeg_bytes, upload
from tests.factories import OpdFactory, UserFactory, kasus_at, staff

pytestmark = pytest.mark.django_db


def private_aspirasi(**flags):
    kasus = aspirasi_services.aspirasi_submit(
        jenis="pengaduan",
        title="Pungutan liar di kantor desa",
        description="Diminta uang tanpa kuitansi.",
        reporter_name="Rahasia Wibowo",
        reporter_email="",
        files=[clean_upload(upload("Rahasia Wibowo KTP.jpg", jpeg_bytes()))],
        **flags,
    ).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    return kasus


def test_it_keeps_an_anonymous_reporter_hidden_from_the_opd_after_a_merge(client):
    opd = OpdFactory()
    target = kasus_at("didisposisikan", opd=opd, reporter=UserFactory())
    source = private_aspirasi(is_anonymous=True)
    services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None)
    target.refresh_from_db()
    assert target.is_anonymous
    client.force_login(staff("opd", opd=opd))
    body = client.get(reverse("kasus:detail", args=[target.reference])).content.decode()
    assert "Rahasia-Wibowo" not in body and "Rahasia Wibowo" not in body


def test_it_keeps_confidential_content_off_public_pages_after_a_merge(client):
    target = kasus_at("didisposisikan")
    source = private_aspirasi(is_confidential=True)
    services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None)
    target.refresh_from_db()
    assert target.is_confidential
    assert target.reference not in {row["reference"] for row in aspirasi_selectors.recent_public_cases()}
    assert target.reference not in client.get(reverse("aspirasi:transparency_csv")).content.decode()
