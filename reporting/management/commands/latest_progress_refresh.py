"""Fill (or check) the kept latest approved progress of every task (`TaskLatestProgress`): once
after upgrading to the release that brought it, or whenever a bulk load wrote reports outside
the services. Without a row, a task's state is still right, read from its history more slowly."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reporting.services import task_latest_progress_refresh
from tasks.models import Task


class Command(BaseCommand):
    help = "Recompute each task's kept latest approved progress from its approved reports."

    def add_arguments(self, parser):
        parser.add_argument("--commune", help="Only this commune's tasks (its code).")

    def handle(self, *args, commune=None, **options):
        tasks = Task.objects.all()
        if commune:
            tasks = tasks.filter(commune__code=commune)
        kept = task_latest_progress_refresh(tasks)
        self.stdout.write(f"{kept} of {tasks.count()} tasks have approved progress, kept.")
