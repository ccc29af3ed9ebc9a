import environ
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database (the portal's, or --database-url) and the file "
        "storages, then prove it: row counts and checksums compared with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="the backup's name, e.g. backup-20261201-020000")
        parser.add_argument("--from", dest="source", help="a folder instead of the backups storage")
        parser.add_argument("--database-url", help="restore into this (empty) database instead")
        parser.add_argument(
            "--media-root", help="restore the files under this folder (media/, reports/) instead"
        )

    def handle(self, *args, **options):
        storage = FileSystemStorage(location=options["source"]) if options["source"] else None
        database = (
            environ.Env.db_url_config(options["database_url"]) if options["database_url"] else None
        )
        file_storages = None
        if options["media_root"]:
            file_storages = {
                "default": FileSystemStorage(location=f"{options['media_root']}/media"),
                "reports": FileSystemStorage(location=f"{options['media_root']}/reports"),
            }
        try:
            result = backup_restore(
                name=options["name"],
                storage=storage,
                database=database,
                file_storages=file_storages,
            )
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(
            f"{options['name']} restored and checked: {result.tables} tables, {result.rows} rows, "
            f"{result.files} files, all as in the backup."
        )
