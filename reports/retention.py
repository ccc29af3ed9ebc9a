"""How long rendered report files are kept."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from reports.models import NationalReport, NationalReportStatus, Report, ReportStatus


def report_files_prune(*, older_than_days: int, now=None) -> int:
    """Delete renderings finished more than `older_than_days` ago, and their files.

    The newest ready rendering of each report (kind, scope, period, format) is always kept, so
    that a download link of an old period still works; anything can be made again on request.
    Queued and running renderings are never touched.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    newest_ready = Report.objects.filter(
        kind=OuterRef("kind"),
        province=OuterRef("province"),
        commune=OuterRef("commune"),
        period_code=OuterRef("period_code"),
        format=OuterRef("format"),
        status=ReportStatus.DONE,
    ).order_by("-finished_at", "-id")
    old = (
        Report.objects.filter(
            status__in=(ReportStatus.DONE, ReportStatus.FAILED), finished_at__lt=cutoff
        )
        .annotate(newest_ready=Subquery(newest_ready.values("id")[:1]))
        .only("id", "file")
    )
    deleted = 0
    for report in old.iterator():
        if report.id == report.newest_ready:
            continue
        if report.file:
            report.file.delete(save=False)
        report.delete()
        deleted += 1
    return deleted


def national_reports_prune(*, older_than_days: int, now=None) -> int:
    """Delete national reports (and their zips) finished more than `older_than_days` ago. Their
    provinces' files stay, as the provinces' own renderings, under `report_files_prune`'s rule."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted = 0
    for national in NationalReport.objects.filter(
        status__in=(NationalReportStatus.DONE, NationalReportStatus.FAILED),
        finished_at__lt=cutoff,
    ).only("id", "file"):
        Report.objects.filter(national_report=national).update(national_report=None)
        if national.file:
            national.file.delete(save=False)
        national.delete()
        deleted += 1
    return deleted
