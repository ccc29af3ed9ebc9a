"""The Celery app. Without REDIS_URL, tasks run in process (settings set task_always_eager)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("commune_kpi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The schedule lives in code; exactly one beat runs it (docker-compose.yml). A second beat started
# by mistake would send each job twice, and the reminders' unique key still sends nothing twice.
app.conf.beat_schedule = {
    # The periods due by today get their rows before the day's work (pages only read them).
    "reporting-periods-open": {
        "task": "reporting.periods_open",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 12 * 3600},
    },
    "reminders-daily": {
        "task": "reminders.daily",
        "schedule": crontab(hour=7, minute=0),  # in CELERY_TIMEZONE, Asia/Ho_Chi_Minh
        # Worker down at 07:00: still run when it is back that day, not the next morning too.
        "options": {"expires": 12 * 3600},
    },
    # If the broker was down at 07:00, beat could not queue the day's run: run it again each hour
    # of the working day. Each reminder is sent once, so a run that finds nothing new sends nothing.
    "reminders-daily-catch-up": {
        "task": "reminders.daily",
        "schedule": crontab(hour="8-18", minute=15),
        "options": {"expires": 50 * 60},
    },
    "maintenance-prune": {
        "task": "maintenance.prune",
        "schedule": crontab(hour=2, minute=30),  # a quiet hour
        "options": {"expires": 12 * 3600},
    },
    # The outbox sweeps: what the broker lost or a dead worker left is queued again (a stale
    # sweep message is dropped: the next one comes five minutes later).
    "reminders-sweep": {
        "task": "reminders.sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "reports-sweep": {
        "task": "reports.sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "push-sweep": {
        "task": "push.sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
}
