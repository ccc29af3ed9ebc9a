"""The nightly clean-up: each app's retention rule, and Django's expired sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from onboarding.retention import plan_imports_prune
from reminders.retention import reminders_prune
from reports.retention import national_reports_prune, report_files_prune


def prune_all() -> dict[str, int]:
    expired_sessions = Session.objects.filter(expire_date__lt=timezone.now())
    return {
        # Before the files: a national report's provinces become the provinces' own renderings.
        "national reports": national_reports_prune(
            older_than_days=settings.REPORT_FILE_RETENTION_DAYS
        ),
        "report files": report_files_prune(older_than_days=settings.REPORT_FILE_RETENTION_DAYS),
        "reminders": reminders_prune(older_than_days=settings.REMINDER_RETENTION_DAYS),
        "plan import files": plan_imports_prune(
            older_than_days=settings.PLAN_IMPORT_RETENTION_DAYS
        ),
        "sessions": expired_sessions.delete()[0],
    }
