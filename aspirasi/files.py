"""Attachment checks: the type comes from the content, images are re-encoded without metadata."""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# 40 megapixels is more than any phone camera; anything larger is refused before it is decoded.
MAX_PIXELS = 40_000_000
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# Active PDF content has no place in a complaint; refuse it rather than serve it.
PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


class FileRefused(ValueError):
    """The file cannot be accepted; the message is translated and names the file."""


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: bytes
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes, or None when it is not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_name(filename: str, content_type: str) -> str:
    """A display name safe for any header or file system, with the extension of the detected type."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:80] or "lampiran"
    return f"{stem}.{ALLOWED[content_type]}"


def _max_pixels() -> int:
    return getattr(settings, "ASPIRASI_MAX_IMAGE_PIXELS", MAX_PIXELS)


def _reencode_image(data: bytes, content_type: str, label: str) -> bytes:
    expected = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) on decompression bombs; treat both as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                if im.format != expected:
                    raise FileRefused(_("%(name)s: isi berkas tidak cocok dengan jenis gambarnya.") % {"name": label})
                width, height = im.size
                if width * height > _max_pixels():
                    raise FileRefused(
                        _("%(name)s: gambar terlalu besar (%(w)s×%(h)s piksel). Maksimal %(mp)s megapiksel.")
                        % {"name": label, "w": width, "h": height, "mp": _max_pixels() // 1_000_000}
                    )
                im.load()
                # Apply the camera's rotation before the EXIF block (with GPS) is dropped.
                im = ImageOps.exif_transpose(im)
                if expected == "JPEG" and im.mode not in ("RGB", "L"):
                    im = im.convert("RGB")
                elif expected == "PNG" and im.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    im = im.convert("RGBA")
                # Pillow writes some of im.info back (JPEG comments, EXIF): keep only the palette transparency.
                transparency = im.info.get("transparency") if expected == "PNG" else None
                im.info = {}
                out = io.BytesIO()
                if expected == "JPEG":
                    im.save(out, "JPEG", quality=85)
                elif transparency is not None:
                    im.save(out, "PNG", transparency=transparency)
                else:
                    im.save(out, "PNG")
                return out.getvalue()
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(
            _("%(name)s: gambar ditolak karena ukurannya setelah dibuka terlalu besar (bom dekompresi).")
            % {"name": label}
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise FileRefused(_("%(name)s: gambar rusak atau tidak dapat dibaca.") % {"name": label})


def _check_pdf(data: bytes, label: str) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise FileRefused(_("%(name)s: berkas PDF tidak lengkap atau rusak.") % {"name": label})
    if any(marker in data for marker in PDF_ACTIVE):
        raise FileRefused(
            _("%(name)s: PDF berisi skrip atau berkas sisipan sehingga tidak dapat diterima.") % {"name": label}
        )


def clean_upload(upload) -> CleanFile:
    """Check one uploaded file and return what will be stored, or raise FileRefused."""
    label = PurePosixPath((upload.name or "").replace("\\", "/")).name[:80] or _("berkas")
    if upload.size > MAX_BYTES:
        raise FileRefused(_("%(name)s: ukuran lebih dari 10 MB.") % {"name": label})
    if upload.size == 0:
        raise FileRefused(_("%(name)s: berkas kosong.") % {"name": label})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(_("%(name)s: ukuran lebih dari 10 MB.") % {"name": label})
    content_type = sniff(data[:16])
    if content_type is None:
        raise FileRefused(
            _("%(name)s: jenis berkas tidak diterima. Hanya foto JPEG, PNG, atau dokumen PDF.") % {"name": label}
        )
    if content_type == "application/pdf":
        _check_pdf(data, label)
    else:
        data = _reencode_image(data, content_type, label)
    return CleanFile(name=safe_name(label, content_type), content=data, content_type=content_type)


def clean_uploads(uploads) -> tuple[list[CleanFile], list[str]]:
    """Every file checked; returns the accepted ones and one message per refused file."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        return [], [_("Paling banyak %(n)s lampiran.") % {"n": MAX_FILES}]
    accepted, errors = [], []
    for upload in uploads:
        try:
            accepted.append(clean_upload(upload))
        except FileRefused as exc:
            errors.append(str(exc))
    return accepted, errors
