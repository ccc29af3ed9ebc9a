"""Writes for reports: the commune report's texts, and report files requested and rendered.

A request creates a `Report` row and queues `reports.render` after commit; the task calls
`report_render`, which writes progress on the row as it goes, stores the file and records the
fingerprint of the data it read (taken before reading: a change made meanwhile marks it stale).

The row is the outbox: a broker that cannot take the request (Redis down) is logged, the row
stays queued (the page says it will be made later), and `reports_sweep` (beat, every 5 minutes)
queues it again, as it does a request the broker lost and a rendering a dead worker left
running. A rendering claims its row (queued → running), so a request queued twice renders once.
"""

from __future__ import annotations

import logging
import math
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.audit import audit_record
from communes.models import AuditAction, Commune, Province
from reporting.models import ReportingPeriod
from reports.models import (
    CommuneReportText,
    NationalReport,
    NationalReportStatus,
    Report,
    ReportKind,
    ReportStatus,
)
from reports.rendering import commune_report_file, province_report_file
from reports.selectors import commune_report_text, report_fingerprint

logger = logging.getLogger(__name__)

TEXT_FIELDS = (
    "document_number",
    "issued_on",
    "summary",
    "addressee",
    "results",
    "difficulties",
    "causes",
    "next_tasks",
    "proposals",
    "recipients",
    "signing_authority",
    "signer_title",
    "signer_name",
)


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def province_report_text_save(*, actor, province: Province, period_code: str, data: dict):
    """Save the province report's texts (NFC); one audit row per changed field."""
    from reports.forms import PROVINCE_TEXT_FIELDS
    from reports.selectors import province_report_text

    with transaction.atomic():
        text = province_report_text(province, period_code)
        creating = text.pk is None
        changes = []
        for field in PROVINCE_TEXT_FIELDS:
            if field in data:
                new, old = _nfc(data[field]), getattr(text, field)
                if old != new:
                    changes.append((field, old, new))
                    setattr(text, field, new)
        text.updated_by = actor
        text.full_clean()
        text.save()
        if creating:
            audit_record(actor=actor, commune=None, obj=text, action=AuditAction.CREATE)
        for field, old, new in changes:
            audit_record(actor=actor, commune=None, obj=text, field=field, old=old, new=new)
    return text


def commune_report_text_save(*, actor, period: ReportingPeriod, data: dict) -> CommuneReportText:
    """Save the report's texts (NFC), one audit row per changed field."""
    with transaction.atomic():
        text = commune_report_text(period, today=timezone.localdate())
        creating = text.pk is None
        changes = []
        for field in TEXT_FIELDS:
            if field not in data:
                continue
            new = _nfc(data[field])
            old = getattr(text, field)
            if old != new:
                changes.append((field, old, new))
                setattr(text, field, new)
        text.updated_by = actor
        text.full_clean()
        text.save()
        if creating:
            audit_record(actor=actor, commune=period.commune, obj=text, action=AuditAction.CREATE)
        for field, old, new in changes:
            audit_record(
                actor=actor, commune=period.commune, obj=text, field=field, old=old, new=new
            )
    return text


def commune_report_text_reset(*, actor, period: ReportingPeriod) -> None:
    """Forget the edited texts: the next rendering prefills them again from the units."""
    with transaction.atomic():
        text = CommuneReportText.objects.filter(period=period).first()
        if text is not None:
            audit_record(actor=actor, commune=period.commune, obj=text, action=AuditAction.DELETE)
            text.delete()


class ReportRequestLimit(Exception):
    """Too many report files asked for by one person in a short time (`report_request_limit`)."""

    def __init__(self, *, limit: int, window_minutes: int, retry_after: int):
        self.limit, self.window_minutes, self.retry_after = limit, window_minutes, retry_after
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "You asked for %(limit)s report files in the last %(minutes)s minutes, the most "
            "allowed: wait %(seconds)s seconds, then ask again. The files already asked for are "
            "still being made."
        ) % {
            "limit": self.limit,
            "minutes": self.window_minutes,
            "seconds": self.retry_after,
        }


def report_request_limit(actor) -> None:
    """The one rule on how many files a person may ask for: REPORTS_RENDER_LIMIT per
    REPORTS_RENDER_WINDOW seconds (browser, API and "make it again" alike). Raises
    `ReportRequestLimit`; call inside the request's transaction."""
    if not getattr(actor, "pk", None):
        return
    # One request at a time per person (PostgreSQL locks the row; SQLite has one writer anyway).
    get_user_model().objects.select_for_update().filter(pk=actor.pk).exists()
    window = settings.REPORTS_RENDER_WINDOW
    since = timezone.now() - timedelta(seconds=window)
    # A national report counts once, not once per province.
    recent = sorted(
        [
            *Report.objects.filter(
                requested_by=actor, created_at__gte=since, national_report__isnull=True
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: settings.REPORTS_RENDER_LIMIT],
            *NationalReport.objects.filter(requested_by=actor, created_at__gte=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[: settings.REPORTS_RENDER_LIMIT],
        ],
        reverse=True,
    )[: settings.REPORTS_RENDER_LIMIT]
    if len(recent) >= settings.REPORTS_RENDER_LIMIT:
        oldest = recent[-1]
        left = (oldest + timedelta(seconds=window) - timezone.now()).total_seconds()
        retry_after = max(1, math.ceil(left))
        raise ReportRequestLimit(
            limit=settings.REPORTS_RENDER_LIMIT,
            window_minutes=max(1, window // 60),
            retry_after=retry_after,
        )


def report_request(
    *,
    actor,
    fmt: str,
    period: ReportingPeriod | None = None,
    province: Province | None = None,
    period_code: str = "",
) -> Report:
    """Queue a report file: a commune's (give `period`) or a province's (`province`, `period_code`)."""
    if period is not None:
        commune: Commune = period.commune
        report = Report(
            kind=ReportKind.COMMUNE,
            province_id=commune.province_id,
            commune=commune,
            period=period,
            period_code=period.code,
            format=fmt,
            requested_by=actor,
        )
    else:
        report = Report(
            kind=ReportKind.PROVINCE,
            province=province,
            period_code=period_code,
            format=fmt,
            requested_by=actor,
        )
    report.full_clean()
    with transaction.atomic():
        report_request_limit(actor)
        report.save()
        transaction.on_commit(lambda: _queue(report.pk))
    return report


def national_report_request(
    *, actor, provinces: list[Province], period_code: str, fmt: str, whole_country: bool
) -> NationalReport:
    """Queue the consolidated report of several provinces: one province `Report` each, queued
    after commit like any report (the workers render them in parallel; the sweep takes up what
    the broker lost), and a `NationalReport` whose zip the last rendering assembles. The caller
    has checked that the actor reads the country (`communes.access.access_country`)."""
    national = NationalReport(
        period_code=period_code, format=fmt, whole_country=whole_country, requested_by=actor
    )
    national.full_clean()
    with transaction.atomic():
        report_request_limit(actor)
        national.save()
        parts = [
            Report(
                kind=ReportKind.PROVINCE,
                province=province,
                period_code=period_code,
                format=fmt,
                requested_by=actor,
                national_report=national,
            )
            for province in sorted(provinces, key=lambda province: province.code)
        ]
        for part in parts:
            part.full_clean(exclude=["national_report"])
        Report.objects.bulk_create(parts)
        audit_record(actor=actor, commune=None, obj=national, action=AuditAction.CREATE)
        ids = list(
            Report.objects.filter(national_report=national)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        transaction.on_commit(lambda: _queue_many(ids))
    return national


def _queue_many(report_ids: list[int]) -> None:
    for report_id in report_ids:
        if not _queue(report_id):
            break  # the broker is down: the sweep queues the rest


def _national_stuck_since():
    """Assembling for longer than a rendering may take: its worker died."""
    return _render_stuck_since()


def national_report_assemble(*, national_report_id: int) -> NationalReport | None:
    """Put the provinces' files in one zip once every one is finished (made or failed). Called
    after each province's rendering and by the sweep; the claim (rendering → assembling, only
    when no province is left) lets exactly one caller assemble it."""
    unfinished = Report.objects.filter(national_report=OuterRef("pk")).exclude(
        status__in=(ReportStatus.DONE, ReportStatus.FAILED)
    )
    claimed = (
        NationalReport.objects.filter(pk=national_report_id)
        .filter(
            Q(status=NationalReportStatus.RENDERING)
            | Q(
                status=NationalReportStatus.ASSEMBLING,
                assembly_started_at__lt=_national_stuck_since(),
            )
        )
        .filter(~Exists(unfinished))
        .update(status=NationalReportStatus.ASSEMBLING, assembly_started_at=timezone.now())
    )
    national = NationalReport.objects.filter(pk=national_report_id).first()
    if not claimed or national is None:
        return national
    parts = list(
        Report.objects.filter(national_report=national)
        .select_related("province")
        .order_by("province__code")
    )
    made = [part for part in parts if part.status == ReportStatus.DONE]
    failed = [part for part in parts if part.status != ReportStatus.DONE]
    try:
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in made:
                with report_file_open(part) as handle:
                    archive.writestr(part.filename, handle.read())
        if made:
            national.file.save(national.filename, ContentFile(buffer.getvalue()), save=False)
    except Exception as error:
        logger.exception("National report %s: the zip failed", national.pk)
        NationalReport.objects.filter(pk=national.pk).update(
            status=NationalReportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        national.refresh_from_db()
        return national
    error = "; ".join(f"{part.province}: {part.error or part.status}" for part in failed)
    NationalReport.objects.filter(pk=national.pk).update(
        status=NationalReportStatus.DONE if made else NationalReportStatus.FAILED,
        file=national.file.name if made else "",
        error=error[:2000],
        finished_at=timezone.now(),
    )
    national.refresh_from_db()
    return national


def _queue(report_id: int) -> bool:
    """Hand the request to the workers; a broker that refuses is logged (the row waits for the
    sweep), never raised: the request is recorded already."""
    from reports.tasks import render

    try:
        render.delay(report_id)
    except Exception as error:  # the broker's errors vary by transport and client
        logger.warning(
            "Queue unreachable (%s: %s): report %s recorded and left for the sweep",
            type(error).__name__,
            error,
            report_id,
        )
        return False
    Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(queued_at=timezone.now())
    return True


# A rendering a worker took up this many times without finishing (killed each time) is failed.
RENDER_MAX_ATTEMPTS = 3


def _render_stuck_since():
    """Running for longer than the task's hard time limit and a margin: its worker died."""
    limit = getattr(settings, "REPORTS_RENDER_TIME_LIMIT", 10 * 60) + 30
    return timezone.now() - timedelta(seconds=limit + 60)


@dataclass(frozen=True)
class ReportSweepResult:
    waiting: int
    queued: int
    failed: int


def reports_sweep() -> ReportSweepResult:
    """Queue again the requests the broker never took or lost, and the renderings a dead worker
    left running; one taken up `RENDER_MAX_ATTEMPTS` times is recorded as failed."""
    now = timezone.now()
    lost_before = now - timedelta(seconds=settings.OUTBOX_REQUEUE_SECONDS)
    stuck = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=_render_stuck_since())
    failed = stuck.filter(attempts__gte=RENDER_MAX_ATTEMPTS).update(
        status=ReportStatus.FAILED,
        error="Máy chủ dừng giữa chừng nhiều lần khi tạo báo cáo; hãy tạo lại.",
        finished_at=now,
    )
    ids = list(
        Report.objects.filter(
            Q(status=ReportStatus.QUEUED)
            & (Q(queued_at__isnull=True) | Q(queued_at__lt=lost_before))
            | Q(pk__in=stuck.values("pk"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    queued = 0
    for report_id in ids:
        if not _queue(report_id):
            break
        queued += 1
    # National reports whose provinces are all finished but whose zip nobody assembled (the
    # last province failed by the sweep above, or its worker died after finishing it), and
    # those a dead worker left assembling.
    unfinished = Report.objects.filter(national_report=OuterRef("pk")).exclude(
        status__in=(ReportStatus.DONE, ReportStatus.FAILED)
    )
    for national_id in (
        NationalReport.objects.filter(
            Q(status=NationalReportStatus.RENDERING)
            | Q(
                status=NationalReportStatus.ASSEMBLING,
                assembly_started_at__lt=_national_stuck_since(),
            )
        )
        .filter(~Exists(unfinished))
        .values_list("pk", flat=True)
    ):
        national_report_assemble(national_report_id=national_id)
    if ids or failed:
        logger.info(
            "Report sweep: %s waiting, %s queued again, %s failed", len(ids), queued, failed
        )
    return ReportSweepResult(waiting=len(ids), queued=queued, failed=failed)


def _progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id).update(progress=min(max(percent, 0), 99))


def report_render(*, report_id: int) -> Report | None:
    """Render a queued report file and store it; a failure is recorded on the row."""
    report = (
        Report.objects.select_related("province", "commune", "period__commune__province")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return report  # deleted meanwhile
    # The claim: a queued row, or one a dead worker left running; a duplicate delivery of the
    # task (queued again by the sweep, redelivered by the broker) finds it taken or done.
    claimed = (
        Report.objects.filter(pk=report.pk)
        .filter(
            Q(status=ReportStatus.QUEUED)
            | Q(status=ReportStatus.RUNNING, started_at__lt=_render_stuck_since())
        )
        .update(
            status=ReportStatus.RUNNING,
            started_at=timezone.now(),
            progress=1,
            error="",
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        return report
    try:
        fingerprint = report_fingerprint(report)
        on_progress = lambda percent: _progress(report.pk, percent)  # noqa: E731
        if report.kind == ReportKind.COMMUNE:
            content = commune_report_file(report.period, report.format, on_progress=on_progress)
        else:
            content = province_report_file(
                report.province, report.period_code, report.format, on_progress=on_progress
            )
        report.file.save(report.filename, ContentFile(content), save=False)
        issue = _issue(report)
    except Exception as error:
        logger.exception("Report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        report.refresh_from_db()
        _national_part_finished(report)
        return report
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.DONE,
        progress=100,
        file=report.file.name,
        data_fingerprint=fingerprint,
        finished_at=timezone.now(),
        **issue,
    )
    report.refresh_from_db()
    _national_part_finished(report)
    return report


def _national_part_finished(report: Report) -> None:
    """The last province of a national report to finish assembles its zip (the sweep does it
    for one whose worker died in between)."""
    if report.national_report_id is not None:
        national_report_assemble(national_report_id=report.national_report_id)


def _issue(report: Report) -> dict:
    """What the file says of its issue: its number, date and signer, as the texts are now."""
    if report.kind != ReportKind.COMMUNE:
        return {}
    from reports.wording import document_number

    text = commune_report_text(report.period, today=timezone.localdate())
    return {
        "document_number": document_number(text.document_number),
        "issued_on": text.issued_on,
        "issued_by": " ".join(part for part in (text.signer_title, text.signer_name) if part)[:200],
    }


SIGNED_FILE_MAX_BYTES = 20 * 1024 * 1024


class SignedFileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def pdf_signatures(data: bytes) -> list[str]:
    """The signers named by the PDF's signatures (pyHanko reads them; nothing is validated
    here: the signing agency's tools and the reader's do that). Raises ValueError for bytes
    that are not a readable PDF."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as error:  # pyHanko raises many kinds on a broken file
        raise ValueError(str(error)) from error
    names = []
    for signature in signatures:
        try:
            name = signature.signer_cert.subject.human_friendly
        except Exception:  # a signature without a readable certificate still counts
            name = signature.field_name
        names.append(name)
    return names


def report_signed_upload(*, actor, report: Report, upload) -> Report:
    """Keep the signed PDF beside the generated one as the report's official file."""
    if not report.can_take_signed_file:
        raise SignedFileRefused(_("Only a finished PDF report takes a signed file."))
    if upload.size > SIGNED_FILE_MAX_BYTES:
        raise SignedFileRefused(_("The file is larger than 20 MB."))
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        raise SignedFileRefused(_("The file is not a PDF. Upload the signed report as a PDF."))
    try:
        signers = pdf_signatures(data)
    except ValueError:
        raise SignedFileRefused(
            _("The PDF cannot be read. Upload the file as the signing tool saved it.")
        ) from None
    with transaction.atomic():
        report.signed_file.save(report.signed_filename, ContentFile(data), save=False)
        report.signed_uploaded_at = timezone.now()
        report.signed_uploaded_by = actor
        report.signers = "; ".join(signers)[:500]
        report.signature_count = len(signers)
        report.save(
            update_fields=[
                "signed_file",
                "signed_uploaded_at",
                "signed_uploaded_by",
                "signers",
                "signature_count",
            ]
        )
        audit_record(
            actor=actor,
            commune=report.commune,
            obj=report,
            field="signed_file",
            old="",
            new=report.signed_file.name,
        )
    return report


def report_signed_open(report: Report):
    name = report.signed_file.name if report.signed_file else ""
    try:
        if not name or not report.signed_file.storage.exists(name):
            raise FileNotFoundError(name)
        return report.signed_file.open("rb")
    except OSError as error:
        raise ReportFileMissing(report.pk) from error


class ReportFileMissing(Exception):
    """A finished report whose file is no longer in storage (removed, or lost with a volume)."""


def report_file_open(report: Report):
    """The finished report's file, opened for reading, or `ReportFileMissing` if storage no
    longer has it: the pages answer 404 with a way to make it again, never 500."""
    name = report.file.name if report.file else ""
    try:
        if not name or not report.file.storage.exists(name):
            raise FileNotFoundError(name)
        return report.file.open("rb")
    except OSError as error:
        logger.warning("Report %s: its file %r is missing from storage", report.pk, name)
        raise ReportFileMissing(report.pk) from error


def report_fail(*, report_id: int, error: str) -> None:
    """Record a failure the task itself caught (its time limit)."""
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, error=error, finished_at=timezone.now()
    )
    report = Report.objects.filter(pk=report_id).first()
    if report is not None:
        _national_part_finished(report)


class NationalFileMissing(Exception):
    """A finished national report whose zip is no longer in storage."""


def national_report_file_open(national: NationalReport):
    name = national.file.name if national.file else ""
    try:
        if not name or not national.file.storage.exists(name):
            raise FileNotFoundError(name)
        return national.file.open("rb")
    except OSError as error:
        logger.warning("National report %s: its zip %r is missing", national.pk, name)
        raise NationalFileMissing(national.pk) from error
