"""Attachment checks: the type comes from the content; images are re-encoded and PDFs rewritten without
active content or metadata, so what is stored is what was checked."""

import hashlib
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import SupportsFloat

import pikepdf
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILES = 5
# The longer side of the thumbnail shown on the tracking and staff pages.
THUMBNAIL_PX = 320
MAX_BYTES = 10 * 1024 * 1024
# 40 megapixels is more than any phone camera; anything larger is refused before it is decoded.
MAX_PIXELS = 40_000_000
# The longer side of a stored JPEG photo: half of a common 2048x1536 phone photo, enough to see the pothole.
# Decoding at half size (draft mode) skips three quarters of the inverse DCT, about a fifth of the decode; reading
# every coefficient, the rest, costs the same at any scale. Even so the photo is most of a submission's CPU in the
# web worker (bench_aspirasi.py prints each part; benchmarks/README.md).
MAX_PHOTO_SIDE = 1024
# Every object is checked in Python: a few thousand in an ordinary document, so 100,000 leaves room for a long
# scan and bounds the time a crafted file of tiny objects can take.
MAX_PDF_OBJECTS = 100_000
ALLOWED = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
# Pillow's names for what may arrive as image/jpeg: phones write multi-picture JPEGs (MPO).
IMAGE_FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}}
# Dictionary keys that carry scripts, actions, attached files, form scripts (XFA) or metadata, wherever they sit.
# The parser has already decoded escaped names (/J#61vaScript) and unpacked object streams.
PDF_STRIP_KEYS = frozenset(
    {
        "/OpenAction",
        "/AA",
        "/JS",
        "/JavaScript",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/URI",
        "/PA",
        "/Collection",
        "/Metadata",
        "/PieceInfo",
    }
)
# Action types that run, open or send something. An action left where no action belongs (a damaged file) loses its
# /S, without which no viewer runs it.
PDF_ACTIVE_ACTIONS = {
    b"/JavaScript",
    b"/Launch",
    b"/URI",
    b"/SubmitForm",
    b"/ImportData",
    b"/GoToR",
    b"/GoToE",
    b"/Rendition",
    b"/RichMediaExecute",
    b"/Movie",
    b"/Sound",
}
# Annotations that exist to play, open or carry a file.
PDF_STRIP_ANNOTS = {b"/FileAttachment", b"/RichMedia", b"/Screen", b"/Movie", b"/Sound", b"/3D"}


class FileRefused(ValueError):
    """The file cannot be accepted; the message is translated and names the file."""


@dataclass(frozen=True)
class CleanFile:
    name: str
    content: bytes
    content_type: str
    # A small JPEG of an image, stored beside it; empty for a PDF.
    thumbnail: bytes = b""
    # Where the photo was taken (lat, lng) per its EXIF GPS block, read before re-encoding drops it: offered to
    # the resident as the pin, never stored with the file.
    gps: tuple[float, float] | None = None

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


def _max_photo_side() -> int:
    return getattr(settings, "ASPIRASI_MAX_PHOTO_SIDE", MAX_PHOTO_SIDE)


def _downsample_jpeg(im: Image.Image) -> None:
    """Ask the JPEG decoder for the smallest DCT scale still covering the cap, before anything is decoded."""
    side = _max_photo_side()
    width, height = im.size
    if max(width, height) > side:
        ratio = side / max(width, height)
        im.draft("RGB", (max(1, round(width * ratio)), max(1, round(height * ratio))))


def _gps_degrees(value: Iterable[SupportsFloat], ref: str) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    return -result if ref in ("S", "W") else result


def read_gps(data: bytes) -> tuple[float, float] | None:
    """The EXIF GPS position of a JPEG as (lat, lng), or None when it has none or it cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            gps = im.getexif().get_ifd(0x8825)  # GPSInfo
        if not all(key in gps for key in (1, 2, 3, 4)):
            return None
        lat, lng = _gps_degrees(gps[2], gps[1]), _gps_degrees(gps[4], gps[3])
    except (OSError, ValueError, TypeError, ZeroDivisionError, SyntaxError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return lat, lng


def _reencode_image(data: bytes, content_type: str, label: str) -> tuple[bytes, bytes]:
    """The image decoded, rotated upright and written again without its metadata; and its thumbnail.

    The thumbnail is made from the picture already in memory: decoding the stored copy again cost as much as
    the first decode.
    """
    expected = "JPEG" if content_type == "image/jpeg" else "PNG"
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) on decompression bombs; treat both as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                # Rebound below to the rotated and converted copies; the with block closes the file opened.
                im: Image.Image = opened
                if im.format not in IMAGE_FORMATS[content_type]:
                    raise FileRefused(_("%(name)s: isi berkas tidak cocok dengan jenis gambarnya.") % {"name": label})
                width, height = im.size
                if width * height > _max_pixels():
                    raise FileRefused(
                        _("%(name)s: gambar terlalu besar (%(w)s×%(h)s piksel). Maksimal %(mp)s megapiksel.")
                        % {"name": label, "w": width, "h": height, "mp": _max_pixels() // 1_000_000}
                    )
                # For an MPO this is the first picture; the copy exif_transpose returns is a plain image, so
                # only that picture is written back.
                if expected == "JPEG":
                    _downsample_jpeg(im)
                im.load()
                if expected == "JPEG":
                    # Draft mode stops at a DCT scale; the rest of the way to the cap is a resize.
                    im.thumbnail((_max_photo_side(), _max_photo_side()))
                # Apply the camera's rotation before the EXIF block (with GPS) is dropped. In place: a copy of
                # the decoded photo cost a tenth of a submission (fresh pages to fault in).
                ImageOps.exif_transpose(im, in_place=True)
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
                return out.getvalue(), _thumbnail(im)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(
            _("%(name)s: gambar ditolak karena ukurannya setelah dibuka terlalu besar (bom dekompresi).")
            % {"name": label}
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise FileRefused(_("%(name)s: gambar rusak atau tidak dapat dibaca.") % {"name": label})


def make_thumbnail(data: bytes) -> bytes:
    """A JPEG at most THUMBNAIL_PX on its longer side, from an image `_reencode_image` already checked."""
    with Image.open(io.BytesIO(data)) as opened:
        return _thumbnail(opened)


def _thumbnail(im: Image.Image) -> bytes:
    """Shrinks `im` in place (its caller has written it already): a copy cost as much as the resampling."""
    # reducing_gap: first shrink by a whole factor (cheap box averaging), then resample the last step; at the
    # default a 1,024 px photo was resampled whole, the slowest part of a submission.
    im.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), reducing_gap=1.0)
    if im.mode in ("RGBA", "LA", "P"):
        # JPEG has no transparency: transparent parts become white, as on the page.
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, (255, 255, 255))
        im.paste(rgba, mask=rgba.getchannel("A"))
    elif im.mode != "RGB":
        im = im.convert("RGB")
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80)
    return out.getvalue()


def _is_action(value: object) -> bool:
    # An action dictionary always names its type in /S; a structure element's /A (attributes) does not.
    return isinstance(value, pikepdf.Dictionary) and "/S" in value


def _name(value: object) -> bytes:
    # Names are compared as bytes in their written form: a PDF name need not be valid UTF-8.
    return value.unparse() if isinstance(value, pikepdf.Name) else b""


def _is_stripped_annot(annot: object) -> bool:
    return isinstance(annot, pikepdf.Dictionary) and _name(annot.get("/Subtype")) in PDF_STRIP_ANNOTS


def _keys_to_strip(obj: pikepdf.Dictionary | pikepdf.Stream) -> AbstractSet[str]:
    try:
        return PDF_STRIP_KEYS.intersection(obj.keys())
    except UnicodeDecodeError:
        # A key that is not UTF-8 (legal in PDF): ask for each key instead.
        return {key for key in PDF_STRIP_KEYS if key in obj}


def _scrub(obj: object) -> None:
    """Remove active content and metadata from one object and the direct objects inside it.

    Indirect objects are not followed: the caller visits every one of them.
    """
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        for key in _keys_to_strip(obj):
            del obj[key]
        if "/A" in obj and _is_action(obj["/A"]):
            del obj["/A"]
        if _name(obj.get("/S")) in PDF_ACTIVE_ACTIONS:
            del obj["/S"]
        annots = obj.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            kept = [a for a in annots if not _is_stripped_annot(a)]
            if len(kept) != len(annots):
                obj["/Annots"] = pikepdf.Array(kept)
        children = obj.values()
    elif isinstance(obj, pikepdf.Array):
        children = obj
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Object) and not child.is_indirect:
            _scrub(child)


def _max_pdf_objects() -> int:
    return getattr(settings, "ASPIRASI_MAX_PDF_OBJECTS", MAX_PDF_OBJECTS)


def _rewrite_pdf(data: bytes, label: str) -> bytes:
    """The PDF parsed and written again without scripts, actions, attached files or metadata; refused if unreadable."""
    broken = FileRefused(_("%(name)s: berkas PDF tidak lengkap atau rusak.") % {"name": label})
    # A truncated upload: qpdf would patch it up silently and store part of a document.
    if b"%%EOF" not in data[-2048:]:
        raise broken
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise broken
            objects = pdf.objects
            if len(objects) > _max_pdf_objects():
                raise FileRefused(
                    _("%(name)s: PDF terlalu rumit untuk diperiksa. Cetak ulang sebagai PDF, lalu kirim lagi.")
                    % {"name": label}
                )
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            _scrub(pdf.trailer)
            for obj in objects:
                _scrub(obj)
            out = io.BytesIO()
            # Streams are copied as they are, never decoded: nothing to inflate, so no decompression bomb.
            pdf.save(out, encryption=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
            return out.getvalue()
    except FileRefused:
        raise
    except pikepdf.PasswordError:
        raise FileRefused(
            _("%(name)s: PDF dikunci dengan kata sandi. Kirim salinan tanpa kata sandi.") % {"name": label}
        )
    except (pikepdf.PdfError, ValueError, RecursionError):
        raise broken


def clean_upload(upload: UploadedFile) -> CleanFile:
    """Check one uploaded file and return what will be stored, or raise FileRefused."""
    label = PurePosixPath((upload.name or "").replace("\\", "/")).name[:80] or _("berkas")
    # An upload of unknown size is measured by the read below.
    if upload.size is not None and upload.size > MAX_BYTES:
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
        return CleanFile(
            name=safe_name(label, content_type), content=_rewrite_pdf(data, label), content_type=content_type
        )
    gps = read_gps(data) if content_type == "image/jpeg" else None
    data, thumbnail = _reencode_image(data, content_type, label)
    return CleanFile(
        name=safe_name(label, content_type),
        content=data,
        content_type=content_type,
        thumbnail=thumbnail,
        gps=gps,
    )


def clean_uploads(uploads: Iterable[UploadedFile]) -> tuple[list[CleanFile], list[str]]:
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
