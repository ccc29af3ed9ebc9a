"""Dashboards: thin views over `dashboards.selectors`; every table also downloads as Excel
(`?format=xlsx`, one sheet per table, or `&table=<key>` for one)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from communes.access import (
    COUNTRY,
    READ,
    access_in_commune,
    scope_for,
)
from communes.audit import audit_rows, audit_trail_for
from communes.mixins import CommuneMixin, PermissionsMixin, ProvinceMixin
from communes.models import Commune
from dashboards import ontrack
from dashboards.charts import Series, line_chart, stacked_bars
from dashboards.exports import (
    commune_tables,
    history_table,
    national_tables,
    province_groups_table,
    province_tables,
    reporters_table,
)
from dashboards.forms import CommuneFilterForm, ProvinceFilterForm
from dashboards.legend import TASK_STATE_ORDER, TRACK_SYMBOLS, track_categories
from dashboards.ontrack import TRACK_ORDER, Track
from dashboards.selectors import (
    NATIONAL_PAGE_SIZE,
    commune_dashboard,
    indicator_history,
    national_periods,
    national_plan_years,
    national_summary,
    period_choose,
    plan_years,
    province_dashboard,
    province_period_choose,
    province_periods,
    province_plan_years,
)
from dashboards.tables import Table, workbook_response
from indicators.models import Indicator, MeasureKind
from reporting.periods import PeriodKind, period_parse
from reporting.results import TaskState
from reporting.selectors import periodic_periods


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _code_year(code: str | None) -> int | None:
    try:
        return period_parse(code).year if code else None
    except ValueError:
        return None


def _excel(request, tables: list[Table], filename: str):
    """The `?format=xlsx` answer: every table, or the one named by `table=`."""
    key = request.GET.get("table")
    if key:
        tables = [table for table in tables if table.key == key]
        if not tables:
            raise Http404
    return workbook_response(tables, filename=filename)


def _for_screens(draw, *, chart_id: str, **kwargs) -> SafeString:
    """The chart twice: drawn for a wide screen (and print) and for a phone, where a wide
    drawing shrunk to 375 px would make its labels too small to read; CSS shows one."""
    wide = draw(chart_id=chart_id, **kwargs)
    narrow = draw(chart_id=f"{chart_id}-phone", width=360, **kwargs)
    return format_html(
        '<div class="chart-wide">{}</div><div class="chart-narrow">{}</div>', wide, narrow
    )


def _rules_context() -> dict:
    return {
        "on_track_band": ontrack.ON_TRACK_BAND,
        "at_risk_band": ontrack.AT_RISK_BAND,
        "track_legend": [(track, TRACK_SYMBOLS[track]) for track in TRACK_ORDER],
    }


class CommuneDashboardView(CommuneMixin, TemplateView):
    """Where a commune stands in a period: for its staff, its leaders and its province (read-only)."""

    permissions = {"GET": READ}
    template_name = "dashboards/commune_dashboard.html"

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        query = request.GET
        year, code = _int(query.get("year")), query.get("period")
        if year and _code_year(code) != year:
            code = None  # the year was changed: show that year's latest period
        periods = periodic_periods(self.commune)
        choice = period_choose(
            periods, plan_years=plan_years(self.commune), now=now, year=year, code=code
        )
        context = self.get_context_data(choice=choice, **kwargs)
        if choice.period is None:
            return self.render_to_response(context)
        dashboard = commune_dashboard(
            self.commune,
            choice.period,
            periods=choice.periods,
            now=now,
            group_id=_int(query.get("group")),
            unit_id=_int(query.get("unit")),
        )
        track = query.get("track") if query.get("track") in Track.values else None
        filters = [str(self.commune), choice.period.label]
        if dashboard.group_id:
            filters.append(str(next(g for g in dashboard.all_groups if g.pk == dashboard.group_id)))
        if dashboard.unit:
            filters.append(dashboard.unit.short_name)
        tables = commune_tables(dashboard, filters=" · ".join(filters))
        if query.get("format") == "xlsx":
            name = f"bang-dieu-khien-{self.commune.code}-{choice.period.code}"
            return _excel(request, tables, name)
        form = CommuneFilterForm(
            {
                "year": choice.year,
                "period": choice.period.code,
                "group": dashboard.group_id or "",
                "unit": dashboard.unit.pk if dashboard.unit else "",
                "track": track or "",
            },
            years=choice.years,
            periods=choice.periods,
            groups=dashboard.all_groups,
            units=dashboard.units,
        )
        group_chart = _for_screens(
            stacked_bars,
            chart_id="chart-groups",
            title=_("Indicators by group and standing"),
            description=_(
                "For each indicator group, how many indicators are achieved, on track, at risk, "
                "off track, not assessable or without data in %(period)s."
            )
            % {"period": choice.period.label},
            categories=track_categories(),
            rows=[(str(progress.group), progress.counts) for progress in dashboard.groups],
        )
        shown = [row for row in dashboard.indicators if track is None or row.track == track]
        context.update(
            dashboard=dashboard,
            form=form,
            track=track,
            track_label=Track(track).label if track else "",
            indicator_rows=shown,
            group_chart=group_chart,
            tables={table.key: table for table in tables},
            track_counts=[
                (t, TRACK_SYMBOLS[t], dashboard.track_counts()[t.value]) for t in TRACK_ORDER
            ],
            task_states=TASK_STATE_ORDER,
            # What needs doing stays open; what is done folds away.
            open_task_states=[TaskState.OVERDUE, TaskState.IN_PROGRESS, TaskState.NOT_STARTED],
            empty_task_states=[
                str(state.label) for state, results in dashboard.task_columns() if not results
            ],
            filter_query=_query_without(query, ("format", "table", "track")),
            **_rules_context(),
        )
        return self.render_to_response(context)


def _query_without(query, names) -> str:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


# Communes a page of the ranking and heatmap: a province of 160 would send 1.5 MB of HTML.
PROVINCE_PAGE_SIZE = 20


class ProvinceDashboardView(ProvinceMixin, TemplateView):
    """How the province's communes compare: ranking, heatmap, compliance, drill-down. The ranking
    and heatmap show a page of communes (`?page=`), all of them with `?show=all`; the Excel
    downloads hold every commune."""

    permissions = {"GET": READ}
    template_name = "dashboards/province_dashboard.html"

    def get(self, request, *args, **kwargs):
        province = self.province
        now = timezone.now()
        query = request.GET
        year, code = _int(query.get("year")), query.get("period")
        if year and _code_year(code) != year:
            code = None
        options = province_periods(province)
        option = province_period_choose(
            options, plan_years=province_plan_years(province), now=now, year=year, code=code
        )
        context = self.get_context_data(province=province, option=option, **kwargs)
        if option is None:
            return self.render_to_response(context)
        dashboard = province_dashboard(
            province, option.code, group=query.get("group") or None, sort=query.get("sort", "rank")
        )
        filters = " · ".join([str(province), option.label, *filter(None, [dashboard.group])])
        if query.get("format") == "xlsx":
            tables = province_tables(dashboard, filters=filters)
            return _excel(request, tables, f"bang-dieu-khien-tinh-{province.code}-{option.code}")
        years = sorted({o.year for o in options}, reverse=True)
        form = ProvinceFilterForm(
            {
                "year": option.year,
                "period": option.code,
                "group": dashboard.group or "",
                "sort": dashboard.sort,
            },
            years=years,
            periods=[o for o in options if o.year == option.year],
            groups=dashboard.groups,
        )
        chart = _for_screens(
            stacked_bars,
            chart_id="chart-province-groups",
            title=_("The communes' indicators by group and standing"),
            description=_(
                "For each group of the province's indicators, how many commune indicators are "
                "achieved, on track, at risk, off track, not assessable or without data in "
                "%(period)s."
            )
            % {"period": option.label},
            categories=track_categories(),
            rows=dashboard.group_counts(),
        )
        show_all = query.get("show") == "all"
        page = Paginator(dashboard.lines, PROVINCE_PAGE_SIZE).get_page(query.get("page"))
        lines = dashboard.lines if show_all else page.object_list
        context.update(
            dashboard=dashboard,
            page=page,
            show_all=show_all,
            page_lines=lines,
            page_ranked=[line for line in lines if line.has_plan],
            page_query=_query_without(query, ("format", "table", "page", "show")),
            form=form,
            chart=chart,
            track_totals=[
                (track, TRACK_SYMBOLS[track], count)
                for track, count in zip(TRACK_ORDER, dashboard.track_totals(), strict=True)
            ],
            reporting_communes=dashboard.communes_with_plan,
            units_expected=dashboard.units_expected,
            on_time=dashboard.units_on_time,
            groups_table=province_groups_table(dashboard, filters=filters),
            filter_query=_query_without(query, ("format", "table", "sort", "page")),
            **_rules_context(),
        )
        return self.render_to_response(context)


KIND_LABELS = {
    PeriodKind.MONTH: PeriodKind.MONTH.label,
    PeriodKind.QUARTER: PeriodKind.QUARTER.label,
    PeriodKind.HALF_YEAR: PeriodKind.HALF_YEAR.label,
    PeriodKind.YEAR: PeriodKind.YEAR.label,
}


def indicator_progress_context(request, *, indicator: Indicator, commune: Commune) -> dict:
    """What the indicator page adds: the chart against the target path, its figures as a
    table, who reported each approved value, and the on-track rules."""
    history = indicator_history(
        indicator, commune=commune, kind=request.GET.get("kind"), today=timezone.localdate()
    )
    chart = None
    if indicator.measure_kind not in (MeasureKind.MILESTONE, MeasureKind.TEXT):
        chart = _for_screens(
            line_chart,
            chart_id=f"chart-indicator-{indicator.pk}",
            title=_("%(code)s. Result against the target path") % {"code": indicator.code},
            description=_(
                "The commune's figure for each period (solid line, dots) against the path to the "
                "targets (dashed line, diamonds at the printed targets)."
            ),
            labels=[point.label for point in history.points],
            series=[
                Series(
                    _("Result"),
                    [p.figure.value if p.figure else None for p in history.points],
                ),
                Series(
                    _("Target path"),
                    [point.expected for point in history.points],
                    "path",
                    [point.target is not None for point in history.points],
                ),
            ],
            unit=indicator.unit_of_measure,
        )
    return {
        "history": history,
        "history_chart": chart,
        "history_table": history_table(history),
        "history_kinds": [(kind, KIND_LABELS[kind]) for kind in history.kinds],
        "show_people": _shows_people(request, commune),
        **_rules_context(),
    }


def _shows_people(request, commune: Commune) -> bool:
    # Who typed a figure is the commune's internal business; the province sees the unit.
    return scope_for(request.user).reads_internal_work_of(commune)


class IndicatorFiguresExcelView(CommuneMixin, TemplateView):
    """The indicator page's tables as a workbook: figures per period, who reported each value."""

    permissions = {"GET": READ}

    def get(self, request, *args, **kwargs):
        indicator = access_in_commune(
            Indicator.objects.select_related("plan").prefetch_related("lead_units", "targets"),
            self.commune,
            kwargs["pk"],
        )
        history = indicator_history(
            indicator,
            commune=self.commune,
            kind=request.GET.get("kind"),
            today=timezone.localdate(),
        )
        tables = [
            history_table(history),
            reporters_table(history, show_people=_shows_people(request, self.commune)),
        ]
        return _excel(
            request, tables, f"chi-tieu-{self.commune.code}-{indicator.code}-{history.kind}"
        )


class IndicatorDetailView(CommuneMixin, TemplateView):
    """An indicator of the plan with its figures per period against the target path."""

    permissions = {"GET": READ}
    template_name = "indicators/indicator_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicator = access_in_commune(
            Indicator.objects.select_related("plan", "group", "parent").prefetch_related(
                "lead_units", "support_units", "targets"
            ),
            self.commune,
            self.kwargs["pk"],
        )
        context.update(
            indicator=indicator,
            plan=indicator.plan,
            audit_entries=audit_rows(audit_trail_for(indicator)[:100]),
        )
        # Its figures per period against the target path, and who reported them (issue 6).
        context.update(
            indicator_progress_context(self.request, indicator=indicator, commune=self.commune)
        )
        return context


class NationalSummaryView(PermissionsMixin, TemplateView):
    """The country for its administrators: each province's consolidated value of each indicator
    of the catalogues (a few indicators a page, every one in Excel), and the national reports."""

    permissions = {"GET": COUNTRY}
    template_name = "dashboards/national_summary.html"

    def get(self, request, *args, **kwargs):
        query = request.GET
        year, code = _int(query.get("year")), query.get("period")
        if year and _code_year(code) != year:
            code = None
        options = national_periods()
        option = province_period_choose(
            options, plan_years=national_plan_years(), now=timezone.now(), year=year, code=code
        )
        context = self.get_context_data(option=option, **kwargs)
        if option is None:
            return self.render_to_response(context)
        summary = national_summary(option.code, group=query.get("group") or None)
        filters = [_("Whole country"), option.label] + ([summary.group] if summary.group else [])
        if query.get("format") == "xlsx":
            tables = national_tables(summary, filters=" · ".join(filters))
            return _excel(request, tables, f"tong-hop-toan-quoc-{option.code}")
        page = Paginator(summary.indicators, NATIONAL_PAGE_SIZE).get_page(query.get("page"))
        indicators = list(page.object_list)
        years = sorted({o.year for o in options}, reverse=True)
        form = ProvinceFilterForm(
            {"year": option.year, "period": option.code, "group": summary.group or ""},
            years=years,
            periods=[o for o in options if o.year == option.year],
            groups=summary.consolidation.groups(),
        )
        del form.fields["sort"]
        context.update(
            summary=summary,
            form=form,
            page=page,
            indicators=indicators,
            lines=summary.lines(indicators),
            totals=summary.totals(indicators),
            communes=sum(s.communes for s in summary.consolidation.provinces),
            page_query=_query_without(query, ("format", "table", "page")),
            filter_query=_query_without(query, ("format", "table", "page")),
        )
        return self.render_to_response(context)
