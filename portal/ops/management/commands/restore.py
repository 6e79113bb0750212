from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database (DATABASE_URL) and an empty MEDIA_ROOT, then compare."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="a folder written by `manage.py backup`")

    def handle(self, *args, folder: str, **options) -> None:
        try:
            report = restore(Path(folder))
        except BackupError as exc:
            raise CommandError(str(exc))
        if report["table_mismatches"] or report["file_mismatches"]:
            raise CommandError(
                f"restored, but it differs from the manifest: tables {report['table_mismatches']}, "
                f"files {report['file_mismatches']}"
            )
        self.stdout.write(
            f"restored {report['tables']} tables, {report['rows']} rows, {report['files']} files; "
            "every row count and checksum matches the manifest"
        )
