"""manage.py backup, then restore into a new empty database: every table's rows and every file come back."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from portal.ops.backup import media_checksums, table_row_counts
from tests.aspirasi.factories import form_data, jpeg_bytes, upload
from tests.factories import UserFactory, open_kasus

BASE_DIR = Path(settings.BASE_DIR)


def admin_dsn(dbname: str) -> str:
    db = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"], dbname=dbname
    )


def counts_in(dbname: str) -> dict[str, int]:
    with psycopg.connect(admin_dsn(dbname)) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def throwaway_database():
    """An empty database of this test run's own, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(admin_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_restore(folder: Path, dbname: str, media_root: Path) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{dbname}",
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    command = [sys.executable, "manage.py", "restore", str(folder)]
    return subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(client, tmp_path, throwaway_database):
    client.force_login(UserFactory())
    data = form_data(jenis="aspirasi")
    data["lampiran"] = [upload("jalan.jpg", jpeg_bytes()), upload("jembatan.jpg", jpeg_bytes(color=(0, 90, 200)))]
    assert client.post("/aspirasi/kirim/", data).status_code == 302
    open_kasus(reporter=UserFactory())

    call_command("backup", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    source_counts, source_files = table_row_counts(), media_checksums(Path(settings.MEDIA_ROOT))
    assert manifest["tables"] == source_counts and manifest["media"] == source_files
    assert len(source_files) == 4 and source_counts["kasus_kasus"] == 2  # two photos, each with its thumbnail
    assert {"database.dump", "media.tar"} == set(manifest["archives"]) and manifest["versions"]["postgresql"]

    restored_media = tmp_path / "restored-media"
    result = run_restore(folder, throwaway_database, restored_media)
    assert result.returncode == 0, result.stderr
    assert counts_in(throwaway_database) == source_counts
    assert media_checksums(restored_media) == source_files

    again = run_restore(folder, throwaway_database, tmp_path / "other-media")
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_backup_whose_archive_does_not_match_its_checksum(tmp_path):
    call_command("backup", output=str(tmp_path))
    (folder,) = tmp_path.iterdir()
    with (folder / "database.dump").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(folder))


def test_backup_refuses_sqlite(tmp_path, settings):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for the embedded SQLite default")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("backup", output=str(tmp_path))
