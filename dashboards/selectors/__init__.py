"""Reads for the dashboards: a fixed number of queries whatever the number of indicators, tasks,
units, periods or communes. Figures, verdicts, task states and the province's consolidation
come from the shared read layer (`reporting.results`, `reporting.consolidation`); this module
adds the on-track classes, the groupings the dashboards show and the reporting-compliance grid.

One module per concern: `periods` (which period a dashboard shows), `compliance` (the reporting
grid), `commune` (the commune dashboard), `history` (an indicator's history), `province` (the
province dashboard), `national` (the national summary). Callers import from here.
"""

from dashboards.selectors.commune import (
    CommuneDashboard,
    GroupProgress,
    IndicatorRow,
    UnitTasks,
    _led_by,
    _task_sort_key,
    commune_dashboard,
)
from dashboards.selectors.compliance import (
    COMPLIANCE_STATES,
    ComplianceCell,
    ComplianceGrid,
    ComplianceRow,
    compliance_grid,
    compliance_state,
)
from dashboards.selectors.history import (
    HistoryPoint,
    IndicatorHistory,
    _schedule_kinds,
    indicator_history,
)
from dashboards.selectors.national import (
    NATIONAL_PAGE_SIZE,
    NATIONAL_SUMMARY_CACHE_SECONDS,
    NationalCell,
    NationalLine,
    NationalSummary,
    _national_cell,
    national_fingerprint,
    national_summary,
)
from dashboards.selectors.periods import (
    _SHORT_HALVES,
    _SHORT_MONTHS,
    KIND_ORDER,
    PER_YEAR,
    PeriodChoice,
    _period_key,
    period_choose,
    plan_years,
    point_of,
    short_label,
    standing_of,
)
from dashboards.selectors.province import (
    SORTS,
    CommuneLine,
    HeatCell,
    PeriodOption,
    ProvinceDashboard,
    _group_rank,
    _period_options,
    national_periods,
    national_plan_years,
    province_dashboard,
    province_period_choose,
    province_periods,
    province_plan_years,
)

__all__ = [
    "COMPLIANCE_STATES",
    "KIND_ORDER",
    "NATIONAL_PAGE_SIZE",
    "NATIONAL_SUMMARY_CACHE_SECONDS",
    "PER_YEAR",
    "SORTS",
    "_SHORT_HALVES",
    "_SHORT_MONTHS",
    "CommuneDashboard",
    "CommuneLine",
    "ComplianceCell",
    "ComplianceGrid",
    "ComplianceRow",
    "GroupProgress",
    "HeatCell",
    "HistoryPoint",
    "IndicatorHistory",
    "IndicatorRow",
    "NationalCell",
    "NationalLine",
    "NationalSummary",
    "PeriodChoice",
    "PeriodOption",
    "ProvinceDashboard",
    "UnitTasks",
    "_group_rank",
    "_led_by",
    "_national_cell",
    "_period_key",
    "_period_options",
    "_schedule_kinds",
    "_task_sort_key",
    "commune_dashboard",
    "compliance_grid",
    "compliance_state",
    "indicator_history",
    "national_fingerprint",
    "national_periods",
    "national_plan_years",
    "national_summary",
    "period_choose",
    "plan_years",
    "point_of",
    "province_dashboard",
    "province_period_choose",
    "province_periods",
    "province_plan_years",
    "short_label",
    "standing_of",
]
