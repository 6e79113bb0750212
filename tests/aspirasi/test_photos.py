"""Photos you can see: thumbnails made at upload, served inline only for images and only to those allowed."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from aspirasi.files import THUMBNAIL_PX, clean_upload
from aspirasi.models import Lampiran
from aspirasi.services import aspirasi_submit
from portal.kasus import services
from tests.factories import UserFactory, desa, staff

from .factories import jpeg_bytes, pdf_bytes, png_bytes, submit, upload

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_uploaded_photo_gets_a_small_jpeg_thumbnail_without_metadata():
    clean = clean_upload(upload("jalan.jpg", jpeg_bytes((1600, 1200), gps=True)))
    with Image.open(io.BytesIO(clean.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == THUMBNAIL_PX
        assert not thumb.getexif()


def test_a_photo_taken_sideways_is_stored_upright_and_so_is_its_thumbnail():
    # A phone held upright writes a landscape picture with EXIF Orientation 6 (turn 90 degrees clockwise):
    # the left half red, the right half blue. Upright, red is on top.
    picture = Image.new("RGB", (1600, 1200), (220, 20, 20))
    picture.paste((20, 20, 220), (800, 0, 1600, 1200))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    clean = clean_upload(upload("tegak.jpg", out.getvalue()))
    for data in (clean.content, clean.thumbnail):
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            assert height > width and not im.getexif().get(0x0112)
            top, bottom = im.getpixel((width // 2, height // 8)), im.getpixel((width // 2, height * 7 // 8))
            assert top[0] > 180 > top[2] and bottom[2] > 180 > bottom[0]


def test_a_transparent_png_gets_a_jpeg_thumbnail():
    clean = clean_upload(upload("peta.png", png_bytes((640, 640)), "image/png"))
    with Image.open(io.BytesIO(clean.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (THUMBNAIL_PX, THUMBNAIL_PX)


def test_a_pdf_gets_no_thumbnail():
    assert clean_upload(upload("surat.pdf", pdf_bytes(), "application/pdf")).thumbnail == b""


def test_the_thumbnail_is_stored_beside_the_file():
    kasus = submit(reporter=UserFactory(), photos=1).kasus
    item = Lampiran.objects.get(kasus=kasus)
    assert item.thumbnail_name.startswith(item.file.name)
    assert item.file.storage.exists(item.thumbnail_name)


def test_the_reporter_sees_the_thumbnail_and_the_photo_inline(client):
    warga = UserFactory()
    item = Lampiran.objects.get(kasus=submit(reporter=warga, photos=1).kasus)
    client.force_login(warga)
    thumb = client.get(reverse("aspirasi:lampiran_kecil", args=[item.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb["Content-Disposition"].startswith("inline") and thumb["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body(thumb))) as im:
        assert max(im.size) <= THUMBNAIL_PX
    full = client.get(reverse("aspirasi:lampiran_tampil", args=[item.pk]))
    assert full.status_code == 200 and full["Content-Disposition"].startswith("inline")
    assert body(full) == item.file.open("rb").read()


def test_a_png_is_shown_inline_with_its_own_content_type(client):
    warga = UserFactory()
    png = clean_upload(upload("denah.png", png_bytes(), "image/png"))
    kasus = aspirasi_submit(
        jenis="pengaduan", title="Denah", description="Denah lokasi.", wilayah=desa(), reporter=warga, files=[png]
    ).kasus
    client.force_login(warga)
    response = client.get(reverse("aspirasi:lampiran_tampil", args=[Lampiran.objects.get(kasus=kasus).pk]))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")


def test_a_pdf_is_never_served_inline(client):
    warga = UserFactory()
    pdf = clean_upload(upload("surat.pdf", pdf_bytes(), "application/pdf"))
    kasus = submit(reporter=warga, files=[pdf]).kasus
    item = Lampiran.objects.get(kasus=kasus)
    client.force_login(warga)
    assert client.get(reverse("aspirasi:lampiran_tampil", args=[item.pk])).status_code == 404
    assert client.get(reverse("aspirasi:lampiran_kecil", args=[item.pk])).status_code == 404
    download = client.get(reverse("aspirasi:lampiran", args=[item.pk]))
    assert download["Content-Disposition"].startswith("attachment")


def test_another_resident_gets_404_for_the_thumbnail_and_the_photo(client):
    item = Lampiran.objects.get(kasus=submit(reporter=UserFactory(), photos=1).kasus)
    for name in ("aspirasi:lampiran_kecil", "aspirasi:lampiran_tampil"):
        url = reverse(name, args=[item.pk])
        assert client.get(url).status_code == 404
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404
        client.logout()
    forged = reverse("aspirasi:lampiran_token_kecil", args=[item.pk, "x" * 32])
    assert client.get(forged).status_code == 404


def test_the_tracking_page_shows_thumbnails_for_photos_and_links_for_pdfs(client):
    pdf = clean_upload(upload("surat.pdf", pdf_bytes(), "application/pdf"))
    photo = clean_upload(upload("jalan.jpg", jpeg_bytes()))
    kasus = submit(reporter=UserFactory(), files=[photo, pdf]).kasus
    image, document = Lampiran.objects.filter(kasus=kasus).order_by("pk")
    html = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    token = kasus.tracking_token
    assert reverse("aspirasi:lampiran_token_kecil", args=[image.pk, token]) in html
    assert reverse("aspirasi:lampiran_token_tampil", args=[image.pk, token]) in html
    assert reverse("aspirasi:lampiran_token", args=[document.pk, token]) in html
    assert reverse("aspirasi:lampiran_token_kecil", args=[document.pk, token]) not in html
    response = client.get(reverse("aspirasi:lampiran_token_kecil", args=[image.pk, token]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")


def test_the_staff_case_page_shows_the_thumbnail(client):
    kasus = submit(reporter=UserFactory(), photos=1).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    item = Lampiran.objects.get(kasus=kasus)
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert reverse("aspirasi:lampiran_kecil", args=[item.pk]) in html
    assert client.get(reverse("aspirasi:lampiran_kecil", args=[item.pk])).status_code == 200


def test_a_photo_stored_before_thumbnails_existed_is_shown_whole(client):
    warga = UserFactory()
    item = Lampiran.objects.get(kasus=submit(reporter=warga, photos=1).kasus)
    item.file.storage.delete(item.thumbnail_name)
    client.force_login(warga)
    response = client.get(reverse("aspirasi:lampiran_kecil", args=[item.pk]))
    assert response.status_code == 200 and body(response) == item.file.open("rb").read()
