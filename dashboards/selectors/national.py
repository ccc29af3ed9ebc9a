"""The national summary (administrators): each province's consolidated value, cached by digest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from communes.models import Province
from dashboards.charts import number_label
from indicators.models import MeasureKind
from reporting.consolidation import (
    ConsolidatedRow,
    NationalConsolidation,
    NationalIndicator,
    ProvinceSummary,
    consolidation_fingerprint,
    national_consolidation,
)

NATIONAL_PAGE_SIZE = 6  # indicators a page: 34 provinces down the side stay readable
# The country's reading takes seconds at 3,321 communes: it is kept in the cache under the digest
# of what it reads (the period's submissions and their versions, plans, communes, catalogues),
# so a change to any of them is a new key and the next page reads the country again.
NATIONAL_SUMMARY_CACHE_SECONDS = 24 * 3600


@dataclass
class NationalCell:
    row: ConsolidatedRow | None  # None: the province's catalogue has no such indicator
    value: str = ""
    ab: str = ""  # Σa/Σb of a ratio


@dataclass
class NationalLine:
    summary: ProvinceSummary
    cells: list[NationalCell]


@dataclass
class NationalSummary:
    consolidation: NationalConsolidation
    group: str | None
    indicators: list[NationalIndicator]  # of the chosen group (every group: all)

    def lines(self, indicators: list[NationalIndicator]) -> list[NationalLine]:
        return [
            NationalLine(
                summary, [_national_cell(i.rows.get(summary.province.pk)) for i in indicators]
            )
            for summary in self.consolidation.provinces
        ]

    def totals(self, indicators: list[NationalIndicator]) -> list[NationalCell]:
        return [_national_cell(indicator.total) for indicator in indicators]


def _national_cell(row: ConsolidatedRow | None) -> NationalCell:
    """The province's value as the consolidated report writes it: counts whole, the rest with
    one decimal, Σa/Σb beside a ratio, milestones as done/reporting."""
    if row is None:
        return NationalCell(None)
    if row.value is None:
        return NationalCell(row)
    if row.indicator.measure_kind == MeasureKind.MILESTONE:
        return NationalCell(row, f"{number_label(row.value, 0)}/{number_label(row.denominator, 0)}")
    places = 0 if row.indicator.measure_kind == MeasureKind.COUNT else 1
    ab = ""
    if row.numerator is not None and row.denominator:
        ab = f"{number_label(row.numerator, 2)}/{number_label(row.denominator, 2)}"
    return NationalCell(row, number_label(row.value, places), ab)


def national_fingerprint(period_code: str) -> str:
    """A digest of what the national summary of a period reads: what the country's
    consolidation reads (`reporting.consolidation.consolidation_fingerprint`) and the provinces'
    names."""
    provinces = list(Province.objects.order_by("pk").values_list("pk", "name"))
    parts = (consolidation_fingerprint(period_code), provinces)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def national_summary(period_code: str, *, group: str | None = None) -> NationalSummary:
    """Provinces × the indicators of their catalogues for one period, every province read at
    once (`reporting.consolidation.national_consolidation`): a fixed number of queries."""
    key = f"national-summary:{national_fingerprint(period_code)}"
    consolidation = cache.get(key)
    if consolidation is None:
        consolidation = national_consolidation(Province.objects.order_by("name"), period_code)
        # Kept without each commune's cells (the page and its Excel read the provinces' values).
        for indicator in consolidation.indicators:
            for row in (*indicator.rows.values(), indicator.total):
                row.cells = {}
        cache.set(key, consolidation, timeout=NATIONAL_SUMMARY_CACHE_SECONDS)
    groups = consolidation.groups()
    group = group if group in groups else None
    indicators = [i for i in consolidation.indicators if group is None or i.group == group]
    return NationalSummary(consolidation, group, indicators)
