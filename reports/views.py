"""Report pages: the commune report of a period (texts, files), the province's consolidated
report, a file's progress and its download. Every lookup goes through the access rules: a
commune or province the caller may not read, and its files, answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import (
    access_commune_by_code,
    access_country,
    access_province_by_code,
    scope_for,
)
from communes.models import Province
from reporting.models import ReportingPeriod
from reporting.periods import period_parse
from reports.forms import (
    CommuneReportTextForm,
    NationalReportForm,
    ProvinceReportTextForm,
    ReportRequestForm,
    SignedFileForm,
)
from reports.models import NationalReport, NationalReportStatus, Report, ReportKind, ReportStatus
from reports.selectors import (
    commune_report_text,
    commune_reports,
    national_report_parts,
    national_report_progress,
    national_reports,
    province_period_codes,
    province_report_text,
    province_reports,
    report_is_stale,
)
from reports.services import (
    NationalFileMissing,
    ReportFileMissing,
    ReportRequestLimit,
    SignedFileRefused,
    commune_report_text_reset,
    commune_report_text_save,
    national_report_file_open,
    national_report_request,
    province_report_text_save,
    report_file_open,
    report_request,
    report_signed_open,
    report_signed_upload,
)


def _requested(request, *, back_url: str, file_url, **kwargs) -> HttpResponseRedirect:
    """Ask for a file and go to its page; over the per-person limit, back with the reason."""
    try:
        report = report_request(actor=request.user, **kwargs)
    except ReportRequestLimit as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(back_url)
    return HttpResponseRedirect(file_url(report))


def _files(reports) -> list[dict]:
    return [{"report": report, "stale": report_is_stale(report)} for report in reports[:20]]


def _commune_period(request, commune_code: str, period_code: str, *, manage=False):
    commune = access_commune_by_code(request.user, commune_code, manage=manage)
    period = get_object_or_404(ReportingPeriod, commune=commune, code=period_code)
    return commune, period


@login_required
def commune_report_list(request, commune_code):
    commune = access_commune_by_code(request.user, commune_code)
    periods = ReportingPeriod.objects.filter(commune=commune).order_by("-window_end", "kind")
    scope = scope_for(request.user)
    return render(
        request,
        "reports/commune_report_list.html",
        {"commune": commune, "periods": periods, "can_manage": scope.can_manage_commune(commune)},
    )


@login_required
def commune_report(request, commune_code, period_code):
    commune, period = _commune_period(request, commune_code, period_code)
    can_manage = scope_for(request.user).can_manage_commune(commune)
    text = commune_report_text(period, today=_today())
    form = CommuneReportTextForm(instance=text) if can_manage else None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("save", "reset") and not can_manage:
            raise PermissionDenied
        if action == "save":
            form = CommuneReportTextForm(request.POST, instance=text)
            if form.is_valid():
                commune_report_text_save(actor=request.user, period=period, data=form.cleaned_data)
                messages.success(request, _("The report's texts were saved."))
                return HttpResponseRedirect(request.path)
        elif action == "reset":
            commune_report_text_reset(actor=request.user, period=period)
            messages.success(
                request, _("The texts were compiled again from the units' approved reports.")
            )
            return HttpResponseRedirect(request.path)
        elif action == "generate":
            request_form = ReportRequestForm(request.POST)
            if not request_form.is_valid():
                raise Http404
            return _requested(
                request,
                back_url=request.path,
                file_url=lambda report: reverse(
                    "reports:commune_file", args=[commune.code, report.pk]
                ),
                fmt=request_form.cleaned_data["format"],
                period=period,
            )
        else:
            raise Http404
    return render(
        request,
        "reports/commune_report_page.html",
        {
            "commune": commune,
            "period": period,
            "text": text,
            "form": form,
            "can_manage": can_manage,
            "files": _files(commune_reports(commune, period.code)),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _commune_file(request, commune_code, pk) -> Report:
    commune = access_commune_by_code(request.user, commune_code)
    return get_object_or_404(
        Report.objects.select_related("commune", "province", "period"),
        kind=ReportKind.COMMUNE,
        commune=commune,
        pk=pk,
    )


def _province_file(request, province_code, pk) -> Report:
    province = access_province_by_code(request.user, province_code)
    return get_object_or_404(
        Report.objects.select_related("province"),
        kind=ReportKind.PROVINCE,
        province=province,
        pk=pk,
    )


def _status(report: Report, download_url: str) -> dict:
    return {
        "status": report.status,
        "status_label": capfirst(report.get_status_display()),
        "progress": report.progress,
        "finished": report.is_finished,
        "error": report.error if report.status == ReportStatus.FAILED else "",
        "download_url": download_url if report.status == ReportStatus.DONE else "",
    }


def _can_manage(request, report: Report) -> bool:
    scope = scope_for(request.user)
    if report.commune_id:
        return scope.can_manage_commune(report.commune)
    return scope.can_manage_province(report.province)


def _file_page(
    request,
    report: Report,
    *,
    back_url: str,
    download_url: str,
    status_url: str,
    signed_url: str,
    signed_download_url: str,
    signed_form=None,
    status: int = 200,
):
    return render(
        request,
        "reports/file.html",
        {
            "report": report,
            "commune": report.commune,
            "province": report.province,
            "back_url": back_url,
            "download_url": download_url,
            "status_url": status_url,
            "stale": report_is_stale(report),
            "base_template": "communes/commune_base.html" if report.commune_id else "base.html",
            "can_manage": report.commune_id is not None
            and scope_for(request.user).can_manage_commune(report.commune),
            "can_sign": report.can_take_signed_file and _can_manage(request, report),
            "signed_url": signed_url,
            "signed_download_url": signed_download_url,
            "signed_form": signed_form or SignedFileForm(),
        },
        status=status,
    )


def _download(request, report: Report, *, regenerate_url: str, back_url: str):
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    try:
        handle = report_file_open(report)
    except ReportFileMissing:
        return render(
            request,
            "reports/file_missing.html",
            {
                "report": report,
                "commune": report.commune,
                "province": report.province,
                "regenerate_url": regenerate_url,
                "back_url": back_url,
                "base_template": "communes/commune_base.html" if report.commune_id else "base.html",
            },
            status=404,
        )
    return FileResponse(handle, as_attachment=True, filename=report.filename)


def _commune_file_urls(report: Report) -> dict:
    args = [report.commune.code, report.pk]
    return {
        "back_url": reverse(
            "reports:commune_report", args=[report.commune.code, report.period_code]
        ),
        "download_url": reverse("reports:commune_download", args=args),
        "status_url": reverse("reports:commune_status", args=args),
        "signed_url": reverse("reports:commune_signed", args=args),
        "signed_download_url": reverse("reports:commune_signed_download", args=args),
    }


def _province_file_urls(report: Report) -> dict:
    args = [report.province.code, report.pk]
    return {
        "back_url": reverse("reports:province_report", args=[report.province.code])
        + f"?period={report.period_code}",
        "download_url": reverse("reports:province_download", args=args),
        "status_url": reverse("reports:province_status", args=args),
        "signed_url": reverse("reports:province_signed", args=args),
        "signed_download_url": reverse("reports:province_signed_download", args=args),
    }


@login_required
def commune_file(request, commune_code, pk):
    report = _commune_file(request, commune_code, pk)
    return _file_page(request, report, **_commune_file_urls(report))


def _signed_upload(request, report: Report, urls: dict):
    """The signed PDF, uploaded back: kept beside the generated file as the official one."""
    if not _can_manage(request, report):
        raise PermissionDenied
    form = SignedFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report_signed_upload(
                actor=request.user, report=report, upload=form.cleaned_data["file"]
            )
        except SignedFileRefused as refused:
            form.add_error("file", refused.message)
        else:
            if report.signature_count:
                messages.success(request, _("The signed file is now the report's official file."))
            else:
                messages.warning(
                    request,
                    _(
                        "The file was kept as the report's official file, but it holds no "
                        "digital signature."
                    ),
                )
            return HttpResponseRedirect(urls["download_url"].rsplit("download/", 1)[0])
    return _file_page(request, report, signed_form=form, status=400, **urls)


def _signed_download(request, report: Report):
    if not report.signed_file:
        raise Http404
    try:
        handle = report_signed_open(report)
    except ReportFileMissing:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=report.signed_filename)


@login_required
@require_POST
def commune_signed(request, commune_code, pk):
    report = _commune_file(request, commune_code, pk)
    return _signed_upload(request, report, _commune_file_urls(report))


@login_required
def commune_signed_download(request, commune_code, pk):
    return _signed_download(request, _commune_file(request, commune_code, pk))


@login_required
@require_POST
def province_signed(request, province_code, pk):
    report = _province_file(request, province_code, pk)
    return _signed_upload(request, report, _province_file_urls(report))


@login_required
def province_signed_download(request, province_code, pk):
    return _signed_download(request, _province_file(request, province_code, pk))


@login_required
def commune_status(request, commune_code, pk):
    report = _commune_file(request, commune_code, pk)
    return JsonResponse(
        _status(report, reverse("reports:commune_download", args=[report.commune.code, pk]))
    )


@login_required
def commune_download(request, commune_code, pk):
    report = _commune_file(request, commune_code, pk)
    return _download(
        request,
        report,
        regenerate_url=reverse("reports:commune_regenerate", args=[commune_code, report.pk]),
        back_url=reverse("reports:commune_report", args=[commune_code, report.period_code]),
    )


@login_required
def province_report(request, province_code):
    province = access_province_by_code(request.user, province_code)
    codes = province_period_codes(province)
    period_code = request.POST.get("period") or request.GET.get("period") or ""
    if period_code:
        try:
            period_code = period_parse(period_code).code
        except ValueError as error:
            raise Http404 from error
    can_manage = scope_for(request.user).can_manage_province(province)
    text = province_report_text(province, period_code, today=_today()) if period_code else None
    form = ProvinceReportTextForm(instance=text) if text is not None and can_manage else None
    if request.method == "POST" and request.POST.get("action") == "save":
        if not can_manage:
            raise PermissionDenied
        if not period_code:
            raise Http404
        form = ProvinceReportTextForm(request.POST, instance=text)
        if form.is_valid():
            province_report_text_save(
                actor=request.user,
                province=province,
                period_code=period_code,
                data=form.cleaned_data,
            )
            messages.success(request, _("The report's texts were saved."))
            return HttpResponseRedirect(request.path + f"?period={period_code}")
    elif request.method == "POST":
        request_form = ReportRequestForm(request.POST)
        if not period_code or not request_form.is_valid():
            raise Http404
        return _requested(
            request,
            back_url=request.path + f"?period={period_code}",
            file_url=lambda report: reverse(
                "reports:province_file", args=[province.code, report.pk]
            ),
            fmt=request_form.cleaned_data["format"],
            province=province,
            period_code=period_code,
        )
    return render(
        request,
        "reports/province_report_page.html",
        {
            "province": province,
            "codes": codes,
            "period_code": period_code,
            "period_label": period_parse(period_code).label() if period_code else "",
            "files": _files(province_reports(province, period_code)) if period_code else [],
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def province_file(request, province_code, pk):
    report = _province_file(request, province_code, pk)
    return _file_page(request, report, **_province_file_urls(report))


@login_required
def province_status(request, province_code, pk):
    report = _province_file(request, province_code, pk)
    return JsonResponse(
        _status(report, reverse("reports:province_download", args=[report.province.code, pk]))
    )


@login_required
def province_download(request, province_code, pk):
    report = _province_file(request, province_code, pk)
    return _download(
        request,
        report,
        regenerate_url=reverse("reports:province_regenerate", args=[province_code, report.pk]),
        back_url=reverse("reports:province_report", args=[province_code])
        + f"?period={report.period_code}",
    )


@login_required
@require_POST
def commune_file_regenerate(request, commune_code, pk):
    report = _commune_file(request, commune_code, pk)
    return _requested(
        request,
        back_url=reverse("reports:commune_file", args=[commune_code, report.pk]),
        file_url=lambda again: reverse("reports:commune_file", args=[commune_code, again.pk]),
        fmt=report.format,
        period=report.period,
    )


@login_required
@require_POST
def province_file_regenerate(request, province_code, pk):
    report = _province_file(request, province_code, pk)
    return _requested(
        request,
        back_url=reverse("reports:province_file", args=[province_code, report.pk]),
        file_url=lambda again: reverse("reports:province_file", args=[province_code, again.pk]),
        fmt=report.format,
        province=report.province,
        period_code=report.period_code,
    )


# National reports: administrators only (`communes.access.access_country`).


@login_required
def national_request(request):
    """The national report: the provinces, period and format to ask for (one province file
    each, in one zip), and the recent ones."""
    access_country(request.user)
    back_url = request.path
    if request.method != "POST":
        period = request.GET.get("period", "")
        return render(
            request,
            "reports/national_request.html",
            {
                "form": NationalReportForm(initial={"period": period, "format": "pdf"}),
                "period": period,
                "period_label": _period_label(period),
                "national_reports": national_reports(20),
            },
        )
    form = NationalReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(back_url)
    chosen = list(form.cleaned_data["provinces"])
    every = list(Province.objects.order_by("code"))
    try:
        national = national_report_request(
            actor=request.user,
            provinces=chosen or every,
            period_code=form.cleaned_data["period"],
            fmt=form.cleaned_data["format"],
            whole_country=not chosen or len(chosen) == len(every),
        )
    except ReportRequestLimit as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(back_url)
    return HttpResponseRedirect(reverse("reports:national_file", args=[national.pk]))


def _period_label(code: str) -> str:
    try:
        return period_parse(code).label() if code else ""
    except ValueError:
        return ""


def _national(request, pk) -> NationalReport:
    access_country(request.user)
    return get_object_or_404(NationalReport, pk=pk)


def _national_status(national: NationalReport) -> dict:
    progress = national_report_progress(national)
    label = _("%(done)s of %(total)s provinces done") % {
        "done": progress.finished,
        "total": progress.total,
    }
    if national.status == NationalReportStatus.ASSEMBLING:
        label = _("All %(total)s provinces done: the zip is being assembled") % {
            "total": progress.total
        }
    elif national.is_finished:
        label = f"{capfirst(national.get_status_display())} · {label}"
    done = national.status == NationalReportStatus.DONE
    return {
        "status": national.status,
        "status_label": label,
        "done": progress.done,
        "failed": progress.failed,
        "total": progress.total,
        "progress": progress.percent if not national.is_finished else 100,
        "finished": national.is_finished,
        "error": national.error if national.status == NationalReportStatus.FAILED else "",
        "download_url": reverse("reports:national_download", args=[national.pk]) if done else "",
    }


@login_required
def national_file(request, pk):
    national = _national(request, pk)
    return render(
        request,
        "reports/national_file.html",
        {
            "national": national,
            "state": _national_status(national),
            "parts": national_report_parts(national),
            "status_url": reverse("reports:national_status", args=[national.pk]),
        },
    )


@login_required
def national_status(request, pk):
    return JsonResponse(_national_status(_national(request, pk)))


@login_required
def national_download(request, pk):
    national = _national(request, pk)
    if national.status != NationalReportStatus.DONE or not national.file:
        raise Http404
    try:
        handle = national_report_file_open(national)
    except NationalFileMissing:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=national.filename)
