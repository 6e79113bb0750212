"""The disk for uploads full or read-only: the resident is told, and no case is stored without its files."""

import errno
import io
import os
import subprocess

import pytest
from PIL import Image

from aspirasi.models import Aspirasi, Lampiran
from portal.kasus.models import Kasus, OutboxEmail
from tests.aspirasi.factories import form_data, upload
from tests.factories import UserFactory

MESSAGE = "Lampiran tidak dapat disimpan karena gangguan penyimpanan di server"


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a 1 MB tmpfs of this test's own (the test runs as root, as CI does)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    settings.MEDIA_ROOT = mount
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(disk, *, leave: int) -> None:
    """Fill the disk, then free `leave` bytes: an upload starts writing and runs out part-way."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, filler.stat().st_size - leave)


def noisy_jpeg() -> bytes:
    """A photo that compresses badly: larger than the space left."""
    out = io.BytesIO()
    Image.effect_noise((400, 300), 120).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def submit(client):
    client.force_login(UserFactory())
    data = form_data(jenis="aspirasi")
    data["lampiran"] = [upload("jalan.jpg", noisy_jpeg())]
    return client.post("/aspirasi/kirim/", data)


def assert_nothing_stored(disk) -> None:
    assert not Kasus.objects.exists() and not Aspirasi.objects.exists() and not Lampiran.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert [p.name for p in disk.rglob("*") if p.is_file() and p.name != "filler"] == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_full_upload_disk_tells_the_resident_and_stores_no_half_case(client, small_disk):
    fill(small_disk, leave=16 * 1024)
    response = submit(client)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert_nothing_stored(small_disk)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_read_only_upload_disk_tells_the_resident_and_stores_no_half_case(client, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    response = submit(client)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert_nothing_stored(small_disk)
