from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.ops.backup import BackupError, backup, prune


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format) and the media files, with a manifest of checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=settings.BACKUP_DIR, help="folder that receives the backup folders")
        parser.add_argument("--keep", type=int, default=0, help="then delete all but the newest KEEP backups")

    def handle(self, *args, output: str, keep: int, **options) -> None:
        destination = Path(output)
        try:
            manifest = backup(destination)
        except BackupError as exc:
            raise CommandError(str(exc))
        sizes = ", ".join(f"{name} {a['bytes']} bytes" for name, a in manifest["archives"].items())
        self.stdout.write(
            f"backup {manifest['folder']}: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
            f"{len(manifest['media'])} files; {sizes}; {manifest['seconds']} s"
        )
        for path in prune(destination, keep=keep) if keep else []:
            self.stdout.write(f"deleted old backup {path}")
