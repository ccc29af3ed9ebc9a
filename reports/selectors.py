"""Reads for reports: the commune report's texts (saved, or prefilled), what a report read
(its data fingerprint), and the report files people may see. Fixed numbers of queries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from communes.models import Commune, Province
from plans.models import SigningAuthority
from reporting.consolidation import consolidation_fingerprint
from reporting.models import (
    FigureVerification,
    Proposal,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
)
from reporting.selectors import plans_for_year
from reports.models import (
    CommuneReportText,
    NationalReport,
    ProvinceReportText,
    Report,
    ReportKind,
    ReportStatus,
)
from reports.wording import nfc, period_phrase

# The narrative the units write, compiled into the commune report's sections.
UNIT_NARRATIVE = {"results": "results", "difficulties": "difficulties", "proposals": "proposals"}


def narrative_compile(period: ReportingPeriod) -> dict[str, str]:
    """The units' approved narrative of the period, one "- Unit: text" paragraph per unit."""
    compiled = {field: [] for field in UNIT_NARRATIVE}
    submissions = (
        Submission.objects.filter(period=period, status=SubmissionStatus.APPROVED)
        .select_related("unit")
        .order_by("unit__order", "unit__short_name")
    )
    for submission in submissions:
        for field, source in UNIT_NARRATIVE.items():
            text = " ".join(nfc(getattr(submission, source)).split())
            if text:
                compiled[field].append(f"- {nfc(submission.unit.short_name)}: {text}")
    return {field: "\n".join(lines) for field, lines in compiled.items()}


def default_summary(period: ReportingPeriod) -> str:
    return (
        "Kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo và"
        f" chuyển đổi số {period_phrase(period.code, title=period.title)}"
    )


def default_recipients(commune: Commune) -> str:
    return "\n".join(
        [
            "Như trên;",
            "Thường trực Đảng ủy xã;",
            "Thường trực HĐND xã;",
            "Chủ tịch, các PCT UBND xã;",
            "Lưu: VT, VHXH.",
        ]
    )


def commune_report_text(period: ReportingPeriod, *, today: date) -> CommuneReportText:
    """The saved texts of the period's report, else an unsaved one prefilled from the plan
    (signer) and the units' approved narrative."""
    saved = CommuneReportText.objects.filter(period=period).first()
    if saved is not None:
        return saved
    commune = period.commune
    plan = (
        plans_for_year(commune, period.year)
        .exclude(signing_authority="")
        .order_by("-period_start")
        .first()
    )
    compiled = narrative_compile(period)
    return CommuneReportText(
        commune=commune,
        period=period,
        issued_on=today,
        summary=default_summary(period),
        addressee=f"Sở Khoa học và Công nghệ tỉnh {commune.province.name}",
        results=compiled["results"],
        difficulties=compiled["difficulties"],
        proposals=compiled["proposals"],
        next_tasks="Tiếp tục triển khai các nhiệm vụ theo Kế hoạch; tập trung hoàn thành các"
        " nhiệm vụ đang thực hiện và quá hạn (Phụ lục II), các chỉ tiêu chưa đạt (Phụ lục I).",
        recipients=default_recipients(commune),
        signing_authority=plan.signing_authority if plan else SigningAuthority.ON_BEHALF,
        signer_title=plan.signer_title if plan and plan.signer_title else "CHỦ TỊCH",
        signer_name=plan.signer_name if plan else "",
    )


# The sections a province report compiles from its communes' reports.
PROVINCE_NARRATIVE = ("results", "difficulties", "causes", "next_tasks", "proposals")


def _one_line(text: str) -> str:
    """A commune's section as one item: its paragraphs joined, their own dashes dropped."""
    parts = [" ".join(line.split()).lstrip("-– ").strip() for line in nfc(text).splitlines()]
    return "; ".join(part.rstrip(";.") for part in parts if part)


def province_narrative_compile(province: Province, period_code: str) -> dict[str, str]:
    """Each commune's narrative of the period under the province report's sections, one
    "- Xã A: …" item per commune: the commune report's texts where the standing office saved
    them, else its units' approved narrative ("Unit: …; …"). The same text from several units
    of a commune, or several communes, comes once, naming all its sources ("- Xã A, Xã B: …").
    Two queries whatever the number of communes."""
    periods = list(
        ReportingPeriod.objects.filter(commune__province=province, code=period_code)
        .select_related("commune")
        .order_by("commune__name")
    )
    saved = {
        text.period_id: text
        for text in CommuneReportText.objects.filter(period__in=[p.pk for p in periods])
    }
    unsaved = [period for period in periods if period.pk not in saved]
    submissions: dict[int, list[Submission]] = {}
    for submission in (
        Submission.objects.filter(
            period__in=[p.pk for p in unsaved], status=SubmissionStatus.APPROVED
        )
        .select_related("unit")
        .order_by("unit__order", "unit__short_name")
    ):
        submissions.setdefault(submission.period_id, []).append(submission)
    compiled: dict[str, list[tuple[str, str]]] = {field: [] for field in PROVINCE_NARRATIVE}
    for period in periods:
        name = f"{period.commune.get_kind_display_short()} {nfc(period.commune.name)}"
        text = saved.get(period.pk)
        for field in PROVINCE_NARRATIVE:
            if text is not None:
                item = _one_line(getattr(text, field))
            else:
                source = UNIT_NARRATIVE.get(field)
                units = [
                    (nfc(s.unit.short_name), _one_line(getattr(s, source)))
                    for s in submissions.get(period.pk, [])
                    if source
                ]
                item = "; ".join(_folded([unit for unit in units if unit[1]]))
            if item:
                compiled[field].append((name, item))
    return {
        field: "\n".join(f"- {item}" for item in _folded(items))
        for field, items in compiled.items()
    }


def _folded(items: list[tuple[str, str]]) -> list[str]:
    """ "Sources: text" of each (source, text), a text that several sources gave (letter case,
    spacing and the final stop aside) once, naming all of them in the order first seen."""
    folded: dict[str, tuple[str, list[str]]] = {}
    for source, text in items:
        key = " ".join(text.casefold().split()).rstrip(".;")
        if key not in folded:
            folded[key] = (text, [])
        if source not in folded[key][1]:
            folded[key][1].append(source)
    return [f"{', '.join(sources)}: {text}" for text, sources in folded.values()]


def province_report_text(
    province: Province, period_code: str, *, today: date | None = None
) -> ProvinceReportText:
    """The saved texts of the province's report for the period, else an unsaved one with the
    communes' narrative compiled and the usual addressee and recipients."""
    saved = ProvinceReportText.objects.filter(province=province, period_code=period_code).first()
    if saved is not None:
        return saved
    compiled = province_narrative_compile(province, period_code)
    return ProvinceReportText(
        province=province,
        period_code=period_code,
        issued_on=today,
        addressee=f"Ủy ban nhân dân tỉnh {province.name}",
        recipients="Như trên;\nLưu: VT.",
        **compiled,
    )


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def commune_report_fingerprint(period: ReportingPeriod) -> str:
    """A digest of what the commune report reads: what the commune's consolidation of the period
    reads (`reporting.consolidation.consolidation_fingerprint`), the report's texts, the
    proposals and the figures' verifications."""
    text = CommuneReportText.objects.filter(period=period).values_list("updated_at").first()
    # A proposal's text never changes; answering and closing move its status.
    proposals = list(
        Proposal.objects.filter(period=period).order_by("pk").values_list("pk", "status")
    )
    # Verifying a figure changes no submission: the report prints the share verified.
    checks = list(
        FigureVerification.objects.filter(value__submission__period=period)
        .order_by("pk")
        .values_list("pk", "status")
    )
    read = consolidation_fingerprint(period.code, pk=period.commune_id)
    return _digest(read, text, proposals, checks)


def province_report_fingerprint(province: Province, period_code: str) -> str:
    proposals = list(
        Proposal.objects.filter(commune__province=province, period__code=period_code)
        .order_by("pk")
        .values_list("pk", "status", "addressee")
    )
    checks = list(
        FigureVerification.objects.filter(
            commune__province=province, value__submission__period__code=period_code
        )
        .order_by("pk")
        .values_list("pk", "status")
    )
    read = consolidation_fingerprint(period_code, province=province)
    return _digest(read, proposals, checks)


def report_fingerprint(report: Report) -> str:
    if report.kind == ReportKind.COMMUNE:
        return commune_report_fingerprint(report.period)
    return province_report_fingerprint(report.province, report.period_code)


def report_is_stale(report: Report) -> bool:
    """Whether the data the report read changed since it was made."""
    return report.status == ReportStatus.DONE and report_fingerprint(report) != (
        report.data_fingerprint
    )


def reports_of_commune(commune: Commune) -> QuerySet[Report]:
    return Report.objects.filter(kind=ReportKind.COMMUNE, commune=commune).select_related(
        "commune", "province"
    )


def reports_of_province(province: Province) -> QuerySet[Report]:
    return Report.objects.filter(kind=ReportKind.PROVINCE, province=province).select_related(
        "province"
    )


def commune_reports(commune: Commune, period_code: str) -> QuerySet[Report]:
    return Report.objects.filter(
        kind=ReportKind.COMMUNE, commune=commune, period_code=period_code
    ).select_related("requested_by", "province", "commune", "period")


def province_reports(province: Province, period_code: str) -> QuerySet[Report]:
    return Report.objects.filter(
        kind=ReportKind.PROVINCE, province=province, period_code=period_code
    ).select_related("requested_by", "province")


def province_period_codes(province: Province) -> list[str]:
    """The calendar period codes any commune of the province has opened, newest first."""
    codes = (
        ReportingPeriod.objects.filter(commune__province=province)
        .exclude(kind="ad_hoc")
        .values_list("code", "window_end")
        .order_by("-window_end")
    )
    seen: dict[str, None] = {}
    for code, _end in codes:
        seen.setdefault(code, None)
    return list(seen)


@dataclass(frozen=True)
class NationalProgress:
    total: int  # provinces asked for
    done: int  # their files made
    failed: int

    @property
    def finished(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return self.finished * 100 // self.total if self.total else 100


def national_report_progress(national: NationalReport) -> NationalProgress:
    """How many of the provinces' files are finished, in one query."""
    counts = Report.objects.filter(national_report=national).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ReportStatus.DONE)),
        failed=Count("pk", filter=Q(status=ReportStatus.FAILED)),
    )
    return NationalProgress(**counts)


def national_report_parts(national: NationalReport) -> QuerySet[Report]:
    return (
        Report.objects.filter(national_report=national)
        .select_related("province")
        .order_by("province__name")
    )


def national_reports(limit: int = 20) -> QuerySet[NationalReport]:
    return NationalReport.objects.select_related("requested_by")[:limit]
