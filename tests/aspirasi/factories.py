"""Files and submissions for the aspirasi tests."""

import io
import struct
import uuid
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aspirasi import services
from aspirasi.files import clean_upload
from tests.factories import desa


def jpeg_bytes(size=(64, 48), *, gps: bool = False, color=(200, 30, 30)) -> bytes:
    im = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraUji"  # Make
        exif[0x8825] = {1: "S", 2: (7.0, 49.0, 0.0), 3: "E", 4: (110.0, 55.0, 0.0)}  # GPSInfo
        im.save(out, "JPEG", exif=exif)
    else:
        im.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 120, 60, 255)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" + extra + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims billions of pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**overrides) -> dict:
    """A valid POST for /aspirasi/kirim/ by a guest who gives a name and an email."""
    place = desa()
    data = {
        "jenis": "pengaduan",
        "title": "Lampu jalan mati di Jalan Pemuda",
        "description": "Sudah dua minggu lampu jalan di depan pasar mati, jalan gelap dan rawan.",
        "kategori": "",
        "kecamatan": str(place.parent_id),
        "desa": str(place.pk),
        "address_detail": "Depan pasar, RT 02/RW 03",
        "reporter_name": "Siti Rahayu",
        "reporter_email": "siti.rahayu@example.org",
        "reporter_phone": "081234567890",
        "consent": "on",
        "idempotency_key": uuid.uuid4().hex,
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(*, reporter=None, photos: int = 0, **kwargs):
    """A submission through the service, confirmed unless a guest gives an email."""
    defaults = {
        "jenis": "pengaduan",
        "title": "Jalan rusak di Dusun Krajan",
        "description": "Aspal mengelupas sepanjang 200 meter, banyak lubang.",
        "wilayah": desa(),
        "reporter": reporter,
        "files": [clean_upload(upload(f"foto{i}.jpg", jpeg_bytes())) for i in range(photos)],
    }
    if reporter is None and "reporter_email" not in kwargs:
        defaults.update(reporter_name="Budi Santoso", reporter_email="")
    defaults.update(kwargs)
    return services.aspirasi_submit(**defaults)
