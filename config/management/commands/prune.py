from django.core.management.base import BaseCommand

from config.maintenance import prune_all


class Command(BaseCommand):
    help = (
        "Delete old report files (REPORT_FILE_RETENTION_DAYS, the newest of each report kept), "
        "old reminders (REMINDER_RETENTION_DAYS), the files of old plan imports "
        "(PLAN_IMPORT_RETENTION_DAYS) and expired sessions. Beat runs it nightly."
    )

    def handle(self, *args, **options):
        for what, count in prune_all().items():
            self.stdout.write(f"{what}: {count} deleted")
