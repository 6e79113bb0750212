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


def raw_pdf(*, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF written byte by byte, so a test decides how every name is spelled.

    Objects 1-4 are the catalog, the page tree, the page and its content; `objects` are numbered from 5.
    """
    content = b"BT /F1 12 Tf 20 100 Td (Berita acara) Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R " + page + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def pdf_bytes() -> bytes:
    return raw_pdf()


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
    """A valid POST for /aspirasi/kirim/ by a guest who gives a name and an email, sent from the check page."""
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
        "kirim": "1",
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
