import io

import pytest
from django.urls import reverse
from PIL import Image

from aspirasi.files import MAX_PHOTO_SIDE, FileRefused, clean_upload
from aspirasi.models import Aspirasi, Lampiran
from portal.kasus.models import Kasus

from .factories import bomb_png, form_data, jpeg_bytes, pdf_bytes, png_bytes, upload


def test_it_strips_location_and_camera_metadata_from_photos():
    raw = jpeg_bytes(gps=True)
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)
    clean = clean_upload(upload("IMG_2031.JPG", raw))
    assert clean.content_type == "image/jpeg" and clean.name == "IMG_2031.jpg"
    im = Image.open(io.BytesIO(clean.content))
    assert not im.getexif() and "exif" not in im.info


def test_it_drops_comments_and_text_chunks_that_may_name_the_reporter():
    from PIL import PngImagePlugin

    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "JPEG", comment=b"Foto oleh Budi Santoso")
    assert b"Budi" not in clean_upload(upload("a.jpg", out.getvalue())).content
    meta = PngImagePlugin.PngInfo()
    meta.add_text("Author", "Budi Santoso")
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, "PNG", pnginfo=meta, transparency=0)
    clean = clean_upload(upload("b.png", out.getvalue())).content
    assert b"Budi" not in clean and Image.open(io.BytesIO(clean)).info.get("transparency") == 0


def test_it_stores_a_multi_picture_jpeg_as_a_plain_jpeg_of_the_first_picture():
    out = io.BytesIO()
    first, second = Image.new("RGB", (40, 30), (220, 20, 20)), Image.new("RGB", (40, 30), (20, 20, 220))
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    clean = clean_upload(upload("IMG_0042.JPG", out.getvalue()))
    assert clean.content_type == "image/jpeg" and clean.name == "IMG_0042.jpg"
    im = Image.open(io.BytesIO(clean.content))
    assert im.format == "JPEG" and getattr(im, "n_frames", 1) == 1 and b"MPF" not in clean.content
    red, _green, blue = im.getpixel((20, 15))
    assert red > 180 and blue < 60


def test_it_decides_the_type_from_the_content_not_the_name():
    clean = clean_upload(upload("foto.pdf", png_bytes(), "application/pdf"))
    assert clean.content_type == "image/png" and clean.name == "foto.png"
    assert clean_upload(upload("surat.bin", pdf_bytes(), "text/plain")).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>", "jenis berkas tidak diterima"),
        ("halaman.html", b"<!doctype html><script>alert(1)</script>", "jenis berkas tidak diterima"),
        ("surat.pdf", b"%PDX-1.4\n" + pdf_bytes()[9:], "jenis berkas tidak diterima"),
        ("tidak-lengkap.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n", "PDF tidak lengkap"),
        ("bom.png", bomb_png(), "bom dekompresi"),
        ("rusak.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "rusak"),
        ("kosong.jpg", b"", "kosong"),
    ],
)
def test_it_refuses_dangerous_or_broken_files(name, content, expected):
    with pytest.raises(FileRefused, match=expected) as exc:
        clean_upload(upload(name, content))
    assert str(exc.value).startswith(name)


def test_it_refuses_an_image_over_the_pixel_limit(settings):
    settings.ASPIRASI_MAX_IMAGE_PIXELS = 1_000_000
    with pytest.raises(FileRefused, match="terlalu besar"):
        clean_upload(upload("besar.png", png_bytes((1200, 1000))))


def test_it_refuses_a_file_over_10_mb():
    big = upload("video.jpg", b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(FileRefused, match="10 MB"):
        clean_upload(big)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shell.jpg", b"<?php echo 1; ?>"),
        ("index.html", b"<html><body>hi</body></html>"),
        ("surat.pdf", b"%PDX-1.7 not a pdf\n%%EOF"),
        ("bom.png", bomb_png()),
    ],
)
def test_it_saves_nothing_and_keeps_the_form_when_a_file_is_refused(client, settings, name, content):
    data = form_data()
    data["lampiran"] = [upload("baik.jpg", jpeg_bytes()), upload(name, content)]
    response = client.post(reverse("aspirasi:submit"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert name in html and "tidak" in html
    assert data["title"] in html and data["address_detail"] in html and data["reporter_email"] in html
    assert not Kasus.objects.exists() and not Aspirasi.objects.exists() and not Lampiran.objects.exists()
    assert not (settings.MEDIA_ROOT / "lampiran").exists()


@pytest.mark.django_db
def test_it_refuses_more_than_five_files(client):
    data = form_data()
    data["lampiran"] = [upload(f"f{i}.jpg", jpeg_bytes()) for i in range(6)]
    response = client.post(reverse("aspirasi:submit"), data)
    assert "Paling banyak 5 lampiran" in response.content.decode()
    assert not Kasus.objects.exists()


@pytest.mark.django_db
def test_it_stores_files_under_random_names_outside_static(client, settings):
    data = form_data(reporter_name="Ani", reporter_email="ani@example.org")
    data["lampiran"] = [upload("rumah Ani di Jl. Mawar.jpg", jpeg_bytes(gps=True)), upload("surat.pdf", pdf_bytes())]
    client.post(reverse("aspirasi:submit"), data)
    files = list(Lampiran.objects.order_by("pk"))
    assert [f.content_type for f in files] == ["image/jpeg", "application/pdf"]
    assert files[0].original_name == "rumah-Ani-di-Jl.-Mawar.jpg"
    for f in files:
        assert "Ani" not in f.file.name and f.file.name.startswith("lampiran/")
        assert (settings.MEDIA_ROOT / f.file.name).exists()
        assert len(f.sha256) == 64 and f.size > 0
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))


@pytest.mark.django_db
def test_it_refuses_a_request_body_larger_than_five_full_files(client):
    response = client.post(
        reverse("aspirasi:submit"), data=b"x", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=60_000_000
    )
    assert response.status_code == 413 and "terlalu besar" in response.content.decode()
    assert not Kasus.objects.exists()


def test_it_downsamples_a_large_photo_to_the_cap_and_still_strips_its_metadata():
    raw = jpeg_bytes((2048, 1536), gps=True)
    clean = clean_upload(upload("IMG_4000.JPG", raw))
    im = Image.open(io.BytesIO(clean.content))
    assert im.format == "JPEG" and im.size == (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE * 3 // 4)
    assert not im.getexif() and "exif" not in im.info


def test_it_resizes_past_the_draft_scale_to_the_configured_cap(settings):
    settings.ASPIRASI_MAX_PHOTO_SIDE = 300
    clean = clean_upload(upload("IMG_4001.JPG", jpeg_bytes((1000, 500))))
    assert Image.open(io.BytesIO(clean.content)).size == (300, 150)


def test_it_keeps_a_photo_within_the_cap_at_its_size():
    clean = clean_upload(upload("IMG_4002.JPG", jpeg_bytes((800, 600))))
    assert Image.open(io.BytesIO(clean.content)).size == (800, 600)


def test_it_keeps_a_large_png_at_its_size():
    clean = clean_upload(upload("peta.png", png_bytes((1500, 1000)), "image/png"))
    assert Image.open(io.BytesIO(clean.content)).size == (1500, 1000)
