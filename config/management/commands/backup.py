from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and every evidence and report file into the backups storage "
        "(BACKUP_ROOT, or the bucket BACKUP_STORAGE_BACKEND names), or into --to DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", help="a folder instead of the backups storage")
        parser.add_argument("--name", help="the backup's name (default: backup-<date>-<time>)")

    def handle(self, *args, **options):
        storage = FileSystemStorage(location=options["to"]) if options["to"] else None
        try:
            manifest = backup_create(storage=storage, name=options["name"])
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        files = sum(len(paths) for paths in manifest["files"].values())
        self.stdout.write(
            f"{manifest['name']}: {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {files} files."
        )
