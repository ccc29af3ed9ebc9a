"""Report pages: the commune report of a period (texts, files), the province's consolidated
report, a file's progress and its download. Every lookup goes through the access rules: a
commune or province the caller may not read, and its files, answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from communes.access import (
    COUNTRY,
    OFFICIAL_REPORT,
    READ,
    REQUEST_FILE,
    allowed,
    require,
    scope_for,
)
from communes.mixins import CommuneMixin, PermissionsMixin, ProvinceMixin
from communes.selectors import provinces_by_code
from reporting.models import ReportingPeriod
from reporting.periods import period_parse
from reporting.selectors import periods_by_end
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


def commune_report_list(request, commune):
    periods = periods_by_end(commune)
    scope = scope_for(request.user)
    return render(
        request,
        "reports/commune_report_list.html",
        {"commune": commune, "periods": periods, "can_manage": scope.can_manage_commune(commune)},
    )


def commune_report(request, commune, period_code):
    period = get_object_or_404(ReportingPeriod, commune=commune, code=period_code)
    scope = scope_for(request.user)
    can_manage = allowed(scope, OFFICIAL_REPORT, commune, period)
    text = commune_report_text(period, today=_today())
    form = CommuneReportTextForm(instance=text) if can_manage else None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in ("save", "reset"):
            require(scope, OFFICIAL_REPORT, commune, period)
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


def _commune_file(commune, pk) -> Report:
    return get_object_or_404(
        Report.objects.select_related("commune", "province", "period"),
        kind=ReportKind.COMMUNE,
        commune=commune,
        pk=pk,
    )


def _province_file(province, pk) -> Report:
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
    return allowed(
        scope_for(request.user), OFFICIAL_REPORT, report.commune or report.province, report
    )


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


def commune_file(request, commune, pk):
    report = _commune_file(commune, pk)
    return _file_page(request, report, **_commune_file_urls(report))


def _signed_upload(request, report: Report, urls: dict):
    """The signed PDF, uploaded back: kept beside the generated file as the official one."""
    require(scope_for(request.user), OFFICIAL_REPORT, report.commune or report.province, report)
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


def commune_signed(request, commune, pk):
    report = _commune_file(commune, pk)
    return _signed_upload(request, report, _commune_file_urls(report))


def commune_signed_download(request, commune, pk):
    return _signed_download(request, _commune_file(commune, pk))


def province_signed(request, province, pk):
    report = _province_file(province, pk)
    return _signed_upload(request, report, _province_file_urls(report))


def province_signed_download(request, province, pk):
    return _signed_download(request, _province_file(province, pk))


def commune_status(request, commune, pk):
    report = _commune_file(commune, pk)
    return JsonResponse(
        _status(report, reverse("reports:commune_download", args=[report.commune.code, pk]))
    )


def commune_download(request, commune, pk):
    report = _commune_file(commune, pk)
    return _download(
        request,
        report,
        regenerate_url=reverse("reports:commune_regenerate", args=[commune.code, report.pk]),
        back_url=reverse("reports:commune_report", args=[commune.code, report.period_code]),
    )


def province_report(request, province):
    codes = province_period_codes(province)
    period_code = request.POST.get("period") or request.GET.get("period") or ""
    if period_code:
        try:
            period_code = period_parse(period_code).code
        except ValueError as error:
            raise Http404 from error
    scope = scope_for(request.user)
    can_manage = allowed(scope, OFFICIAL_REPORT, province, province)
    text = province_report_text(province, period_code, today=_today()) if period_code else None
    form = ProvinceReportTextForm(instance=text) if text is not None and can_manage else None
    if request.method == "POST" and request.POST.get("action") == "save":
        require(scope, OFFICIAL_REPORT, province, province)
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


def province_file(request, province, pk):
    report = _province_file(province, pk)
    return _file_page(request, report, **_province_file_urls(report))


def province_status(request, province, pk):
    report = _province_file(province, pk)
    return JsonResponse(
        _status(report, reverse("reports:province_download", args=[report.province.code, pk]))
    )


def province_download(request, province, pk):
    report = _province_file(province, pk)
    return _download(
        request,
        report,
        regenerate_url=reverse("reports:province_regenerate", args=[province.code, report.pk]),
        back_url=reverse("reports:province_report", args=[province.code])
        + f"?period={report.period_code}",
    )


def commune_file_regenerate(request, commune, pk):
    report = _commune_file(commune, pk)
    return _requested(
        request,
        back_url=reverse("reports:commune_file", args=[commune.code, report.pk]),
        file_url=lambda again: reverse("reports:commune_file", args=[commune.code, again.pk]),
        fmt=report.format,
        period=report.period,
    )


def province_file_regenerate(request, province, pk):
    report = _province_file(province, pk)
    return _requested(
        request,
        back_url=reverse("reports:province_file", args=[province.code, report.pk]),
        file_url=lambda again: reverse("reports:province_file", args=[province.code, again.pk]),
        fmt=report.format,
        province=report.province,
        period_code=report.period_code,
    )


# National reports: administrators only (COUNTRY).


def national_request(request):
    """The national report: the provinces, period and format to ask for (one province file
    each, in one zip), and the recent ones."""
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
    every = provinces_by_code()
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


def national_status(request, pk):
    return JsonResponse(_national_status(_national(request, pk)))


def national_download(request, pk):
    national = _national(request, pk)
    if national.status != NationalReportStatus.DONE or not national.file:
        raise Http404
    try:
        handle = national_report_file_open(national)
    except NationalFileMissing:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=national.filename)


# ---- The pages: what each method needs, declared (`communes.access`); the functions above draw
# them once the commune or province of the URL is resolved.


class _Page:
    """The declared methods of a page answer with its function (`page`), called with the place
    of the URL; the methods it does not declare answer 405 (`PermissionsMixin`)."""

    page = None

    def __init_subclass__(cls, **kwargs):
        for method in cls.__dict__.get("permissions", {}):
            setattr(cls, method.lower(), cls.respond)
        super().__init_subclass__(**kwargs)

    def respond(self, request, *args, **kwargs):
        place = kwargs.pop("commune_code", None) or kwargs.pop("province_code", None)
        page = type(self).page
        return page(request, self.place, **kwargs) if place else page(request, **kwargs)


class _CommunePage(_Page, CommuneMixin, View):
    pass


class _ProvincePage(_Page, ProvinceMixin, View):
    pass


class _CountryPage(_Page, PermissionsMixin, View):
    pass


class CommuneReportListView(_CommunePage):
    permissions = {"GET": READ}
    page = commune_report_list


class CommuneReportView(_CommunePage):
    """Its texts are the standing office's to save or compile again (OFFICIAL_REPORT, once the
    period is found); its readers ask for its files."""

    permissions = {"GET": READ, "POST": REQUEST_FILE}
    page = commune_report


class CommuneFileView(_CommunePage):
    permissions = {"GET": READ}
    page = commune_file


class CommuneStatusView(_CommunePage):
    permissions = {"GET": READ}
    page = commune_status


class CommuneDownloadView(_CommunePage):
    permissions = {"GET": READ}
    page = commune_download


class CommuneRegenerateView(_CommunePage):
    permissions = {"POST": REQUEST_FILE}
    other_methods_first = True  # POST only: 405 to any other method, first
    page = commune_file_regenerate


class CommuneSignedView(_CommunePage):
    permissions = {"POST": OFFICIAL_REPORT}  # the office, once the file is found
    other_methods_first = True  # POST only: 405 to any other method, first
    page = commune_signed


class CommuneSignedDownloadView(_CommunePage):
    permissions = {"GET": READ}
    page = commune_signed_download


class ProvinceReportView(_ProvincePage):
    """Its texts are its officers' to save (OFFICIAL_REPORT); its readers ask for its files."""

    permissions = {"GET": READ, "POST": REQUEST_FILE}
    page = province_report


class ProvinceFileView(_ProvincePage):
    permissions = {"GET": READ}
    page = province_file


class ProvinceStatusView(_ProvincePage):
    permissions = {"GET": READ}
    page = province_status


class ProvinceDownloadView(_ProvincePage):
    permissions = {"GET": READ}
    page = province_download


class ProvinceRegenerateView(_ProvincePage):
    permissions = {"POST": REQUEST_FILE}
    other_methods_first = True  # POST only: 405 to any other method, first
    page = province_file_regenerate


class ProvinceSignedView(_ProvincePage):
    permissions = {"POST": OFFICIAL_REPORT}  # its officers, once the file is found
    other_methods_first = True  # POST only: 405 to any other method, first
    page = province_signed


class ProvinceSignedDownloadView(_ProvincePage):
    permissions = {"GET": READ}
    page = province_signed_download


class NationalRequestView(_CountryPage):
    permissions = {"GET": COUNTRY, "POST": COUNTRY}
    page = national_request


class NationalFileView(_CountryPage):
    permissions = {"GET": COUNTRY}
    page = national_file


class NationalStatusView(_CountryPage):
    permissions = {"GET": COUNTRY}
    page = national_status


class NationalDownloadView(_CountryPage):
    permissions = {"GET": COUNTRY}
    page = national_download
