"""Each dashboard table as a `Table` of plain values: the same rows the page shows, for Excel and
for the figures under each chart."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from dashboards.legend import TASK_STATE_ORDER, TRACK_SYMBOLS
from dashboards.ontrack import TRACK_ORDER
from dashboards.selectors import (
    CommuneDashboard,
    IndicatorHistory,
    NationalSummary,
    ProvinceDashboard,
    short_label,
)
from dashboards.tables import Table
from indicators.targets import target_shown
from reporting.selectors import Figure, indicator_figure


def compliance_labels() -> dict[str, str]:
    return {
        "on_time": _("on time"),
        "late": _("late"),
        "returned": _("returned, to resubmit"),
        "missing": _("not submitted"),
        "not_due": _("not due yet"),
    }


def figure_text(figure: Figure | None) -> str | Decimal | None:
    """The figure as one cell: a number, "done"/"not done", or the text reported."""
    if figure is None:
        return None
    if figure.is_done is not None:
        return _("done") if figure.is_done else _("not done")
    if figure.value is not None:
        return figure.value.quantize(Decimal("0.01"))
    return figure.text or None


def _round(value: Decimal | None) -> Decimal | None:
    return value.quantize(Decimal("0.01")) if value is not None else None


def _units(item) -> str:
    return ", ".join(unit.short_name for unit in item.lead_units.all()) or item.lead_text


def commune_tables(dashboard: CommuneDashboard, *, filters: str) -> list[Table]:
    tracks = [str(track.label) for track in TRACK_ORDER]
    states = [str(state.label) for state in TASK_STATE_ORDER]
    counts = dashboard.track_counts()
    task_counts = dashboard.task_counts()
    summary = Table("summary", _("Summary"), [_("Figure"), _("Value")], note=filters)
    summary.rows += [[str(track.label), counts[track.value]] for track in TRACK_ORDER]
    summary.rows += [[str(state.label), task_counts[state.value]] for state in TASK_STATE_ORDER]
    for state, label in compliance_labels().items():
        summary.rows.append(
            [_("Unit reports: %(state)s") % {"state": label}, dashboard.reporting[state]]
        )

    indicators = Table(
        "indicators",
        _("Indicators"),
        [
            _("Code"),
            _("Indicator"),
            _("Group"),
            _("Lead unit"),
            _("Unit of measure"),
            _("Target"),
            _("Target year"),
            _("Expected on the path"),
            _("Result"),
            "a",
            "b",
            _("Standing"),
            _("Why"),
        ],
        note=filters,
    )
    for row in dashboard.indicators:
        target = row.standing.target
        figure = row.figure
        indicators.rows.append(
            [
                row.indicator.code,
                row.indicator.name,
                str(row.indicator.group),
                _units(row.indicator),
                row.indicator.unit_of_measure,
                target_shown(target) if target else None,
                target.year if target else None,
                _round(row.standing.expected),
                figure_text(figure),
                figure.numerator if figure else None,
                figure.denominator if figure else None,
                str(row.track.label),
                row.standing.reason,
            ]
        )

    groups = Table(
        "groups", _("Indicators by group"), [_("Group"), *tracks, _("Total")], note=filters
    )
    for progress in dashboard.groups:
        groups.rows.append([str(progress.group), *progress.counts, len(progress.rows)])

    tasks = Table(
        "tasks",
        _("Tasks"),
        [
            _("Code"),
            _("Task"),
            _("Section"),
            _("Lead unit"),
            _("Deadline as printed"),
            _("Due this year"),
            _("State"),
            _("Percent complete"),
            _("Result achieved"),
        ],
        note=filters,
    )
    for result in dashboard.tasks:
        task = result.task
        tasks.rows.append(
            [
                task.code,
                task.name,
                str(task.section) if task.section else None,
                _units(task),
                task.deadline_text,
                result.due_date,
                str(result.state.label),
                result.percent,
                result.result,
            ]
        )

    task_units = Table(
        "task_units", _("Tasks by lead unit"), [_("Unit"), *states, _("Total")], note=filters
    )
    for line in dashboard.task_units:
        name = line.unit.short_name if line.unit else _("No lead unit")
        task_units.rows.append([name, *line.counts, len(line.tasks)])

    labels = compliance_labels()
    grid = dashboard.compliance
    compliance = Table(
        "compliance",
        _("Unit reports"),
        [_("Unit"), *[short_label(p.code) for p in grid.periods]],
        note=filters,
    )
    for row in grid.rows:
        compliance.rows.append([row.unit.short_name, *[labels[c.state] for c in row.cells]])
    return [summary, indicators, groups, tasks, task_units, compliance]


def history_table(history: IndicatorHistory) -> Table:
    table = Table(
        "history",
        _("Figures per period"),
        [_("Period"), _("Result"), "a", "b", _("Expected on the path"), _("Target"), _("Standing")],
    )
    for point in history.points:
        figure = point.figure
        table.rows.append(
            [
                point.label,
                figure_text(figure),
                figure.numerator if figure else None,
                figure.denominator if figure else None,
                _round(point.expected),
                target_shown(point.target) if point.target else None,
                str(point.standing.track.label) if point.standing else _("not opened"),
            ]
        )
    return table


def reporters_table(history: IndicatorHistory, *, show_people: bool) -> Table:
    columns = [_("Period"), _("Unit"), _("Value"), "a", "b"]
    if show_people:
        columns += [_("Entered by"), _("Approved by")]
    columns.append(_("Approved on"))
    table = Table("reporters", _("Who reported each value"), columns)
    for value in history.values:
        submission = value.submission
        row = [
            short_label(submission.period.code),
            submission.unit.short_name,
            figure_text(
                Figure(value=indicator_figure(value), is_done=value.is_done, text=value.text)
            ),
            value.numerator,
            value.denominator,
        ]
        if show_people:
            row += [
                str(submission.updated_by) if submission.updated_by else None,
                str(submission.reviewed_by) if submission.reviewed_by else None,
            ]
        row.append(submission.reviewed_at.date() if submission.reviewed_at else None)
        table.rows.append(row)
    return table


def province_tables(dashboard: ProvinceDashboard, *, filters: str) -> list[Table]:
    ranking = Table(
        "ranking",
        _("Ranking of the communes"),
        [
            _("Rank"),
            _("Commune"),
            _("Indicators achieved"),
            _("Indicators assessed"),
            _("Percent achieved"),
            _("Tasks"),
            _("Tasks done on time"),
            _("Overdue tasks"),
            _("Units expected to report"),
            _("Reports on time"),
            _("Reports late"),
            _("Reports missing"),
        ],
        note=filters,
    )
    for line in dashboard.lines:
        standing = line.standing
        ranking.rows.append(
            [
                line.rank,
                str(line.commune),
                line.achieved,
                line.assessed,
                _round(line.achieved_percent),
                standing.tasks_total,
                standing.tasks_done_on_time,
                standing.tasks_overdue,
                standing.units_expected,
                standing.on_time,
                standing.late,
                standing.missing,
            ]
        )
    heatmap = Table(
        "heatmap",
        _("Communes and indicators"),
        [
            _("Commune"),
            *[f"{row.indicator.code}. {row.indicator.name[:60]}" for row in dashboard.columns],
        ],
        note=filters,
    )
    for line in dashboard.lines:
        cells = []
        for heat in line.cells:
            if heat.standing is None:
                cells.append(None)
                continue
            value = figure_text(heat.cell.figure)
            shown = f" ({value})" if value not in (None, "") else ""
            cells.append(f"{TRACK_SYMBOLS[heat.standing.track]} {heat.standing.track.label}{shown}")
        heatmap.rows.append([str(line.commune), *cells])
    return [ranking, heatmap, province_groups_table(dashboard, filters=filters)]


def province_groups_table(dashboard: ProvinceDashboard, *, filters: str) -> Table:
    """The chart's figures: per catalogue group, the commune indicators in each class. The page
    shows only this table; the ranking and heatmap tables are built for the Excel download."""
    groups = Table(
        "groups",
        _("Commune indicators by group"),
        [_("Group"), *[str(track.label) for track in TRACK_ORDER]],
        note=filters,
    )
    for name, counts in dashboard.group_counts():
        groups.rows.append([name, *counts])
    return groups


def national_tables(summary: NationalSummary, *, filters: str) -> list[Table]:
    """The national summary for Excel: every province × every indicator of the chosen group
    (the page shows a few indicators at a time) as numbers, and the same cells one a line with
    Σa, Σb and the communes counted, so that each province's value can be checked."""
    indicators = summary.indicators
    matrix = Table(
        "provinces",
        _("Provinces and indicators"),
        [
            _("Province"),
            _("Communes"),
            *[f"{indicator.name[:60]} ({indicator.unit_of_measure})" for indicator in indicators],
        ],
        note=filters,
    )
    for line in summary.lines(indicators):
        matrix.rows.append(
            [
                str(line.summary.province),
                line.summary.communes,
                *[_round(cell.row.value) if cell.row else None for cell in line.cells],
            ]
        )
    matrix.rows.append(
        [
            _("Whole country"),
            sum(s.communes for s in summary.consolidation.provinces),
            *[_round(cell.row.value) for cell in summary.totals(indicators)],
        ]
    )
    detail = Table(
        "detail",
        _("Each province's value"),
        [
            _("Province"),
            _("Group"),
            _("Indicator"),
            _("Unit"),
            _("Value"),
            _("Sum of numerators (a)"),
            _("Sum of denominators (b)"),
            _("Communes reporting"),
            _("Communes assessed"),
            _("Communes achieved"),
        ],
        note=filters,
    )
    named = [(str(s.province), s.province.pk) for s in summary.consolidation.provinces]
    for indicator in indicators:
        for name, row in [
            *[(name, indicator.rows.get(pk)) for name, pk in named],
            (_("Whole country"), indicator.total),
        ]:
            if row is None:
                continue
            detail.rows.append(
                [
                    name,
                    indicator.group,
                    indicator.name,
                    indicator.unit_of_measure,
                    _round(row.value),
                    row.numerator,
                    row.denominator,
                    row.communes_reporting,
                    row.communes_assessed,
                    row.communes_achieved,
                ]
            )
    return [matrix, detail]
