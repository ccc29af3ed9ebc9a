"""Celery tasks of the reports app: thin, they call `reports.services`.

No result is stored (none is read), so a result store that is down cannot stop a request.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from reports.services import report_fail, report_render, reports_sweep

# A 166-commune consolidated PDF takes well under a minute; a run away layout is stopped.
TIME_LIMIT = getattr(settings, "REPORTS_RENDER_TIME_LIMIT", 10 * 60)


@shared_task(
    name="reports.render",
    soft_time_limit=TIME_LIMIT,
    time_limit=TIME_LIMIT + 30,
    ignore_result=True,
)
def render(report_id: int) -> None:
    try:
        report_render(report_id=report_id)
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, error="Quá thời gian cho phép khi tạo báo cáo.")


@shared_task(name="reports.sweep", soft_time_limit=2 * 60, time_limit=3 * 60, ignore_result=True)
def reports_sweep_task() -> int:
    """Queue again the report requests left waiting or stuck; returns how many were queued."""
    return reports_sweep().queued
