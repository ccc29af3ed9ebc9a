"""Official-format reports through the API: request a file, poll its progress, download it; and
the province's consolidated figures of a period as JSON.

Same rules as the report pages (`reports/views.py`): whoever reads a commune may request and
download its reports; a province's consolidated report and figures are for those who read the
province (its officers, administrators). A commune or province the caller may not read, and
its files, answer 404. Requesting a file changes no figure, so a read-only token may do it: a
province's systems pull the consolidated PDF with the same token that pulls the figures.
"""

from __future__ import annotations

import dataclasses

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, renderers, status
from rest_framework.response import Response

from api.filters import ReportFilter
from api.serializers import (
    ConsolidationPageSerializer,
    ConsolidationSerializer,
    ReportRequestSerializer,
    ReportSerializer,
)
from api.views.base import ApiMixin, CommuneApiMixin
from communes.access import READ, REQUEST_FILE, access_province_for
from reporting.consolidation import province_consolidation_cached
from reporting.periods import period_parse
from reporting.selectors import period_saved
from reports.models import Report, ReportStatus
from reports.selectors import report_is_stale, reports_of_commune, reports_of_province
from reports.services import (
    ReportFileMissing,
    ReportRequestLimit,
    report_file_open,
    report_request,
)

PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    required=True,
    description="A period code: 202506, 2025Q2, 2025S1, 2025.",
)


def _period_code(value: str, field: str = "period") -> str:
    try:
        return period_parse(value).code
    except ValueError:
        raise exceptions.ValidationError(
            {field: [_("Not a period code: write 202506, 2025Q2, 2025S1 or 2025.")]}
        ) from None


# ---- the province's consolidated figures


class ProvinceApiMixin(ApiMixin):
    """`self.province` from the URL, resolved before any other check: 404 for a province the
    caller does not read (commune staff included), whatever the method."""

    def check_permissions(self, request):
        if request.user and request.user.is_authenticated:
            self.province = access_province_for(request.user, self.kwargs["province_code"])
        super().check_permissions(request)


COMMUNE_CODES = OpenApiParameter(
    "commune",
    OpenApiTypes.STR,
    description="Only these communes (codes, comma-separated): their standing and their own "
    "figures. The consolidated values stay the whole province's.",
)
INDICATOR_CODES = OpenApiParameter(
    "indicator",
    OpenApiTypes.STR,
    description="Only these indicators of the province's catalogue (codes, comma-separated).",
)


def _codes(value: str | None) -> list[str]:
    return [code.strip() for code in (value or "").split(",") if code.strip()]


class ProvinceFiguresView(ProvinceApiMixin, generics.GenericAPIView):
    """The province's consolidated figures for a period, from approved unit reports only.

    Each indicator of the province's catalogue: ratios as Σa/Σb over the communes (never a mean
    of percentages), counts summed, rates per 10,000 people as summed counts over summed
    population, milestones as the number of communes that achieved them; with each commune's
    own figure and verdict against its target. Then the communes' standing (reports on time,
    late, missing; indicators achieved; tasks done) and rank.

    Paginated by commune (`?page=2&page_size=100`, 50 by default, 200 at most; `count`, `next`
    and `previous` as in every list): a page holds the standing of its communes and, under each
    indicator, their own figures; the consolidated values are always the whole province's.
    `?commune=` and `?indicator=` narrow it to some communes or indicators.
    """

    permissions = {"GET": READ}
    serializer_class = ConsolidationPageSerializer
    filter_backends = []

    @extend_schema(
        parameters=[PERIOD, COMMUNE_CODES, INDICATOR_CODES], responses=ConsolidationPageSerializer
    )
    def get(self, request, *args, **kwargs):
        query = request.query_params
        code = _period_code(query.get("period", ""))
        consolidation = province_consolidation_cached(self.province, code)
        standings, rows = consolidation.standings, consolidation.rows
        if communes := _codes(query.get("commune")):
            known = {standing.commune.code for standing in standings}
            if unknown := [code for code in communes if code not in known]:
                raise exceptions.ValidationError(
                    {
                        "commune": [
                            _("No commune of this province has the code %(codes)s.")
                            % {"codes": ", ".join(unknown)}
                        ]
                    }
                )
            standings = [s for s in standings if s.commune.code in communes]
        if indicators := _codes(query.get("indicator")):
            known = {row.indicator.code for row in rows}
            if unknown := [code for code in indicators if code not in known]:
                raise exceptions.ValidationError(
                    {
                        "indicator": [
                            _("The province's catalogue has no indicator %(codes)s.")
                            % {"codes": ", ".join(unknown)}
                        ]
                    }
                )
            rows = [row for row in rows if row.indicator.code in indicators]
        page = self.paginator.paginate_queryset(standings, request, view=self)
        shown = dataclasses.replace(consolidation, standings=page, rows=rows)
        context = {"communes": {standing.commune.pk for standing in page}}
        return Response(
            {
                "count": len(standings),
                "next": self.paginator.get_next_link(),
                "previous": self.paginator.get_previous_link(),
                **ConsolidationSerializer(shown, context=context).data,
            }
        )


# ---- report files


class ReportQueryMixin:
    serializer_class = ReportSerializer
    queryset = Report.objects.none()
    filterset_class = ReportFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at"]
    # Asking for a file changes no data: a read-only token may (an inspector may not: a write).
    permissions = {"GET": READ, "POST": REQUEST_FILE}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "download_url": self.download_url}

    def report_response(self, report: Report, *, status_code=200, stale=None) -> Response:
        context = {**self.get_serializer_context(), "stale": stale}
        data = ReportSerializer(report, context=context).data
        headers = {"Location": self.detail_url(report)} if status_code == 202 else {}
        return Response(data, status=status_code, headers=headers)


class CommuneReportMixin(ReportQueryMixin, CommuneApiMixin):
    def reports(self):
        return reports_of_commune(self.commune)

    def report_get(self) -> Report:
        return generics.get_object_or_404(self.reports(), pk=self.kwargs["pk"])

    def detail_url(self, report: Report) -> str:
        return reverse("api:commune_report", args=[report.commune.code, report.pk])

    def download_url(self, report: Report) -> str:
        return reverse("api:commune_report_download", args=[report.commune.code, report.pk])

    def list_url(self, report: Report) -> str:
        return reverse("api:commune_reports", args=[report.commune.code])


class ProvinceReportMixin(ReportQueryMixin, ProvinceApiMixin):
    def reports(self):
        return reports_of_province(self.province)

    def report_get(self) -> Report:
        return generics.get_object_or_404(self.reports(), pk=self.kwargs["pk"])

    def detail_url(self, report: Report) -> str:
        return reverse("api:province_report", args=[report.province.code, report.pk])

    def download_url(self, report: Report) -> str:
        return reverse("api:province_report_download", args=[report.province.code, report.pk])

    def list_url(self, report: Report) -> str:
        return reverse("api:province_reports", args=[report.province.code])


class ReportRequestRefused(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "report_limit"


class ReportListMixin:
    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.reports()

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: OpenApiResponse(ReportSerializer, "Queued: poll the report's address.")},
    )
    def post(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = self.request_report(data.validated_data)
        except ReportRequestLimit as refused:
            error = ReportRequestRefused(refused.message)
            error.wait = refused.retry_after
            raise error from None
        return self.report_response(report, status_code=status.HTTP_202_ACCEPTED)


class CommuneReportListView(ReportListMixin, CommuneReportMixin, generics.ListAPIView):
    """GET: the commune's report files. POST: request one (PDF or Excel) for a period."""

    def request_report(self, data: dict) -> Report:
        period = period_saved(self.commune, data["period"])
        if period is None:
            raise exceptions.ValidationError({"period": [_("The commune has no such period.")]})
        return report_request(actor=self.request.user, fmt=data["format"], period=period)


class ProvinceReportListView(ReportListMixin, ProvinceReportMixin, generics.ListAPIView):
    """GET: the province's consolidated report files. POST: request one for a period."""

    def request_report(self, data: dict) -> Report:
        return report_request(
            actor=self.request.user,
            fmt=data["format"],
            province=self.province,
            period_code=_period_code(data["period"]),
        )


class ReportDetailMixin:
    filter_backends = []

    @extend_schema(responses=ReportSerializer)
    def get(self, request, *args, **kwargs):
        report = self.report_get()
        return self.report_response(report, stale=report_is_stale(report))


class CommuneReportDetailView(ReportDetailMixin, CommuneReportMixin, generics.GenericAPIView):
    """A report file's status and progress (poll it until `status` is done or failed)."""


class ProvinceReportDetailView(ReportDetailMixin, ProvinceReportMixin, generics.GenericAPIView):
    """A consolidated report file's status and progress."""


class FileRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's own type; the file itself is a Django FileResponse."""

    media_type = "application/octet-stream"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


class XlsxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class DocxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    format = "docx"


class ReportDownloadMixin:
    filter_backends = []
    renderer_classes = [
        renderers.JSONRenderer,
        PdfRenderer,
        XlsxRenderer,
        DocxRenderer,
        FileRenderer,
    ]

    @extend_schema(
        responses={
            (200, PdfRenderer.media_type): OpenApiTypes.BINARY,
            (200, XlsxRenderer.media_type): OpenApiTypes.BINARY,
            (200, DocxRenderer.media_type): OpenApiTypes.BINARY,
        }
    )
    def get(self, request, *args, **kwargs):
        report = self.report_get()
        if report.status != ReportStatus.DONE or not report.file:
            raise exceptions.NotFound(_("The file is not ready: poll the report until it is done."))
        try:
            handle = report_file_open(report)
        except ReportFileMissing:
            raise exceptions.NotFound(
                _(
                    "The file of this report is no longer stored: request it again with POST "
                    "%(url)s (the same period and format)."
                )
                % {"url": self.list_url(report)},
                code="file_missing",
            ) from None
        return FileResponse(handle, as_attachment=True, filename=report.filename)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):  # an error: always in the API's JSON shape
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


class CommuneReportDownloadView(ReportDownloadMixin, CommuneReportMixin, generics.GenericAPIView):
    """The report file itself (PDF, Excel or Word), once it is done."""


class ProvinceReportDownloadView(ReportDownloadMixin, ProvinceReportMixin, generics.GenericAPIView):
    """The consolidated report file itself (PDF, Excel or Word), once it is done."""
