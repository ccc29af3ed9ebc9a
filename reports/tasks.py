"""Celery tasks of the reports app: thin, they call `reports.services`."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from reports.services import report_fail, report_render

# A 166-commune consolidated PDF takes well under a minute; a run away layout is stopped.
TIME_LIMIT = getattr(settings, "REPORTS_RENDER_TIME_LIMIT", 10 * 60)


@shared_task(name="reports.render", soft_time_limit=TIME_LIMIT, time_limit=TIME_LIMIT + 30)
def render(report_id: int) -> None:
    try:
        report_render(report_id=report_id)
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, error="Quá thời gian cho phép khi tạo báo cáo.")
