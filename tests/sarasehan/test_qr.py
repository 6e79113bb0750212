"""The QR reaches every mail client as a PNG, next to the code in text; the page shows the case raised."""

import io

import pytest
from django.core import mail
from PIL import Image

from sarasehan import selectors, services

from .factories import register, sarasehan

pytestmark = pytest.mark.django_db


def test_the_registration_email_carries_the_qr_as_png_and_the_code_in_text(django_capture_on_commit_callbacks):
    s = sarasehan()
    with django_capture_on_commit_callbacks(execute=True):
        reg = register(s)
    (sent,) = [m for m in mail.outbox if m.to == [reg.email] and reg.code in m.body]
    (name, content, mimetype) = sent.attachments[0]
    assert (name, mimetype) == ("qr.png", "image/png")
    image = Image.open(io.BytesIO(content))
    assert image.format == "PNG" and image.width == image.height >= 200


def test_the_qr_png_holds_the_check_in_link():
    s = sarasehan()
    reg = register(s)
    expected = selectors.qr_for(s, reg.code)
    png = Image.open(io.BytesIO(selectors.qr_png_bytes(s, reg.code))).convert("1")
    # 8 pixels per module and a 4-module border: sample the middle of each module.
    modules = [
        [png.getpixel((8 * (4 + x) + 4, 8 * (4 + y) + 4)) == 0 for x in range(len(expected.matrix))]
        for y in range(len(expected.matrix))
    ]
    assert modules == [[bool(v) for v in row] for row in expected.matrix]
    assert selectors.checkin_url(s, reg.code).endswith(f"?kode={reg.code}")


def test_the_registration_page_shows_the_case_reference_of_the_matter_raised(client):
    s = sarasehan()
    reg = services.pendaftaran_create(sarasehan_id=s.pk, name="Wati", email="wati@example.org", topic="Irigasi")
    body = client.get(selectors.registration_url(reg, absolute=False)).content.decode()
    assert reg.kasus.reference in body and "Nomor kasus" in body
    plain = register(s, prefix="tanpa")
    assert "Nomor kasus" not in client.get(selectors.registration_url(plain, absolute=False)).content.decode()
