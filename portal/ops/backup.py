"""Backups that restore: a pg_dump custom-format archive, the media files as a tar, and a manifest.

The manifest records each file's size and SHA-256, every table's row count and the versions that made the
backup, so `restore` can check an archive before it writes a byte and prove afterwards that it got back
what was saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

MANIFEST = "manifest.json"
DATABASE_ARCHIVE = "database.dump"
MEDIA_ARCHIVE = "media.tar"
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env(alias: str = DEFAULT_DB_ALIAS) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes through the environment, not argv."""
    db = connections[alias].settings_dict
    if connections[alias].vendor != "postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL)")
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--dbname", db["NAME"]]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or "", "PGCONNECT_TIMEOUT": "10"}
    return args, env


def table_row_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Every table of the public schema with its exact row count."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names come from pg_tables
            counts[table] = cursor.fetchone()[0]
    return counts


def media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def _versions(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    dump = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True)  # noqa: S607
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    with (Path(settings.BASE_DIR) / "pyproject.toml").open() as fh:
        portal = next((ln.split('"')[1] for ln in fh if ln.startswith("version")), "")
    return {"portal": portal, "django": django.get_version(), "postgresql": server, "pg_dump": dump.stdout.strip()}


def backup(destination: Path) -> dict:
    """Write a new backup folder under `destination` and return its manifest."""
    args, env = _pg_env()
    started = dt.datetime.now(dt.UTC)
    folder = destination / started.strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=False)
    database = folder / DATABASE_ARCHIVE
    # The row counts and the dump read one snapshot (exported to pg_dump), so they agree while the portal
    # keeps taking submissions during the backup.
    with transaction.atomic():
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = table_row_counts()
        command = ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        result = subprocess.run(  # noqa: S603
            [*command, "--file", str(database)], env=env, capture_output=True, text=True
        )
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-2000:]}")
    media_root = Path(settings.MEDIA_ROOT)
    files = media_checksums(media_root)
    media = folder / MEDIA_ARCHIVE
    with tarfile.open(media, "w") as tar:
        for name in files:
            tar.add(media_root / name, arcname=name, recursive=False)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": started.isoformat(),
        "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
        "versions": _versions(),
        "archives": {p.name: {"bytes": p.stat().st_size, "sha256": sha256(p)} for p in (database, media)},
        "tables": counts,
        "media": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return {**manifest, "folder": str(folder)}


def verify(folder: Path) -> dict:
    """The manifest of a backup folder whose archives match their checksums."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {folder}: {exc}")
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["archives"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != expected["bytes"] or sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} is missing or does not match its checksum")
    return manifest


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0] == 0


def restore(folder: Path) -> dict:
    """Restore a verified backup into the configured, empty database and media folder; report what differs."""
    manifest = verify(folder)
    args, env = _pg_env()
    if not database_is_empty():
        raise BackupError("the database is not empty: restore only into a newly created database")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT {media_root} is not empty")
    connections[DEFAULT_DB_ALIAS].close()
    result = subprocess.run(  # noqa: S603
        ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error", str(folder / DATABASE_ARCHIVE)],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_ARCHIVE) as tar:
        tar.extractall(media_root, filter="data")
    restored_counts = table_row_counts()
    restored_files = media_checksums(media_root)
    return {
        "tables": len(restored_counts),
        "rows": sum(restored_counts.values()),
        "files": len(restored_files),
        "table_mismatches": {
            t: (n, restored_counts.get(t)) for t, n in manifest["tables"].items() if restored_counts.get(t) != n
        },
        "file_mismatches": sorted(n for n, h in manifest["media"].items() if restored_files.get(n) != h),
    }


def prune(destination: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backup folders (their names sort by time)."""
    folders = sorted(p for p in destination.iterdir() if (p / MANIFEST).is_file())
    doomed = folders[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed
