"""Reporting periods: DHIS2-style codes, Decree 09/2019 cut-off windows, commune deadlines.

Pure date arithmetic, no database. Cut-off days and deadlines differ per commune, so they are
values (`CutoffRule`, `DeadlineRule`) that callers load from the commune's settings.

Codes: "202506" (month), "2025Q2" (quarter), "2025S1"/"2025S2" (half year), "2025" (year).

Rules chosen here:
- Window (Decree 09/2019, Art. 12): ends on the cut-off day of the period's last month and
  starts the day after the previous period's window ends, so windows tile the calendar with no
  gap or overlap. A cut-off day past the month's end clamps to its last day: cut-off 31 gives
  calendar months (202502 → 01/02–28/02).
- Deadline: "before day D of the month O months after the period's last month", the instant
  being 00:00 Asia/Ho_Chi_Minh of that day; the last on-time day is the day before. When D is
  past the month's end the deadline is the 1st of the next month ("before the 31st" in
  February = before 01/03): every day of that month is then on time.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    HALF_YEAR = "half_year", _("6-month")
    YEAR = "year", _("annual")
    AD_HOC = "ad_hoc", _("ad hoc")


# Calendar months per period; AD_HOC is absent: ad-hoc requests carry their own dates.
_SPAN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
_ROMAN = ("I", "II", "III", "IV")
_CODE = re.compile(
    r"(?P<year>[1-9][0-9]{3})(?:(?P<month>[0-9]{2})|Q(?P<quarter>[0-9])|S(?P<half>[0-9]))?"
)


# One msgid a period (the Vietnamese writes the quarter in Roman numerals); marked, not translated.
_MONTH_LABELS = (
    gettext_noop("January %(year)s"),
    gettext_noop("February %(year)s"),
    gettext_noop("March %(year)s"),
    gettext_noop("April %(year)s"),
    gettext_noop("May %(year)s"),
    gettext_noop("June %(year)s"),
    gettext_noop("July %(year)s"),
    gettext_noop("August %(year)s"),
    gettext_noop("September %(year)s"),
    gettext_noop("October %(year)s"),
    gettext_noop("November %(year)s"),
    gettext_noop("December %(year)s"),
)
_QUARTER_LABELS = (
    gettext_noop("Q1 %(year)s"),
    gettext_noop("Q2 %(year)s"),
    gettext_noop("Q3 %(year)s"),
    gettext_noop("Q4 %(year)s"),
)
_HALF_LABELS = (gettext_noop("First half of %(year)s"), gettext_noop("Second half of %(year)s"))


@dataclass(frozen=True)
class DeadlineRule:
    day: int  # "before day D"
    month_offset: int  # months after the period's last month (may be 0 or negative)

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError(f"Deadline day must be between 1 and 31, got {self.day}")


@dataclass(frozen=True)
class CutoffRule:
    day: int = 14  # Decree 09: data up to the 14th of the period's last month

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 31:
            raise ValueError(f"Cut-off day must be between 1 and 31, got {self.day}")


# Used until a commune sets its own: before the 15th of the month after the period.
DEFAULT_DEADLINES: dict[str, DeadlineRule] = {kind: DeadlineRule(15, 1) for kind in _SPAN}


@dataclass(frozen=True)
class Period:
    """One periodic reporting period; build it with `period_for` or `period_parse`."""

    kind: str  # a PeriodKind value other than AD_HOC
    code: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, 1 for the year
    first_month: date  # first day of the period's first calendar month
    last_month: date  # first day of the period's last calendar month

    def label_vi(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"Tháng {self.index}/{self.year}"
        if self.kind == PeriodKind.QUARTER:
            return f"Quý {_ROMAN[self.index - 1]}/{self.year}"
        if self.kind == PeriodKind.HALF_YEAR:
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    def label(self) -> str:
        """The period's name in the reader's language: "Tháng 6/2025" (label_vi's words) or
        "June 2025", "Q2 2025", "First half of 2025", "Year 2025"."""
        params = {"year": self.year, "index": self.index}
        if self.kind == PeriodKind.MONTH:
            return gettext(_MONTH_LABELS[self.index - 1]) % params
        if self.kind == PeriodKind.QUARTER:
            return gettext(_QUARTER_LABELS[self.index - 1]) % params
        if self.kind == PeriodKind.HALF_YEAR:
            return gettext(_HALF_LABELS[self.index - 1]) % params
        return gettext("Year %(year)s") % params

    def previous(self) -> Period:
        return self._shift(-1)

    def next(self) -> Period:
        return self._shift(1)

    def _shift(self, steps: int) -> Period:
        per_year = 12 // _SPAN[self.kind]
        position = self.year * per_year + self.index - 1 + steps
        return period_for(self.kind, position // per_year, position % per_year + 1)


def _kind_span(kind: str) -> tuple[PeriodKind, int]:
    if kind not in PeriodKind.values:
        raise ValueError(f"Unknown period kind {kind!r}; expected one of {PeriodKind.values}")
    if kind == PeriodKind.AD_HOC:
        raise ValueError(
            "Ad-hoc reports have no periodic code or window; they carry their own dates"
        )
    return PeriodKind(kind), _SPAN[PeriodKind(kind)]


def _add_months(month: date, months: int) -> date:
    position = month.year * 12 + month.month - 1 + months
    return date(position // 12, position % 12 + 1, 1)


def _days_in(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


def _cutoff_date(month: date, cutoff: CutoffRule) -> date:
    # Cut-off 31 in February means its last day: the commune counts whole calendar months.
    return month.replace(day=min(cutoff.day, _days_in(month)))


def period_for(kind: str, year: int, index: int = 1) -> Period:
    kind, span = _kind_span(kind)
    per_year = 12 // span
    if not 1 <= index <= per_year:
        raise ValueError(f"{kind.value} index must be between 1 and {per_year}, got {index}")
    if not 1000 <= year <= 9999:  # codes carry a four-digit year
        raise ValueError(f"Year must have four digits, got {year}")
    first_month = date(year, (index - 1) * span + 1, 1)
    code = {
        PeriodKind.MONTH: f"{year}{index:02d}",
        PeriodKind.QUARTER: f"{year}Q{index}",
        PeriodKind.HALF_YEAR: f"{year}S{index}",
        PeriodKind.YEAR: f"{year}",
    }[kind]
    return Period(kind.value, code, year, index, first_month, _add_months(first_month, span - 1))


@lru_cache(maxsize=1024)
def period_parse(code: str) -> Period:
    """The period a code names (memoised: a Period is immutable, and the province consolidation
    asks for the year of the same few codes hundreds of times)."""
    match = _CODE.fullmatch(code)
    if match is None:
        raise ValueError(
            f"Invalid period code {code!r}: expected YYYYMM, YYYYQn, YYYYSn or YYYY "
            "(e.g. 202506, 2025Q2, 2025S1, 2025)"
        )
    year = int(match["year"])
    if match["month"]:
        kind, index = PeriodKind.MONTH, int(match["month"])
    elif match["quarter"]:
        kind, index = PeriodKind.QUARTER, int(match["quarter"])
    elif match["half"]:
        kind, index = PeriodKind.HALF_YEAR, int(match["half"])
    else:
        kind, index = PeriodKind.YEAR, 1
    try:
        return period_for(kind, year, index)
    except ValueError as error:
        raise ValueError(f"Invalid period code {code!r}: {error}") from None


def period_window(period: Period, cutoff: CutoffRule = CutoffRule()) -> tuple[date, date]:
    """Inclusive (start, end) of the data the period's report covers."""
    start = _cutoff_date(_add_months(period.first_month, -1), cutoff) + timedelta(days=1)
    return start, _cutoff_date(period.last_month, cutoff)


def period_containing(kind: str, day: date, cutoff: CutoffRule = CutoffRule()) -> Period:
    """The period whose cut-off window contains `day` (20/06 belongs to July with cut-off 14)."""
    kind, span = _kind_span(kind)
    month = day.replace(day=1)
    if day > _cutoff_date(month, cutoff):
        month = _add_months(month, 1)
    # Longer windows are unions of their months' windows, so the month decides.
    return period_for(kind, month.year, (month.month - 1) // span + 1)


def period_deadline(period: Period, rule: DeadlineRule) -> datetime:
    """The instant (00:00 Asia/Ho_Chi_Minh) from which a submission is late."""
    month = _add_months(period.last_month, rule.month_offset)
    due = month.replace(day=rule.day) if rule.day <= _days_in(month) else _add_months(month, 1)
    return datetime.combine(due, time.min, tzinfo=TIME_ZONE)


def period_last_day(period: Period, rule: DeadlineRule) -> date:
    """The last day on which a submission is on time."""
    return period_deadline(period, rule).date() - timedelta(days=1)


def periods_between(
    kind: str, start: date, end: date, cutoff: CutoffRule = CutoffRule()
) -> list[Period]:
    """Every period whose window overlaps [start, end], in order; [] when start > end."""
    if start > end:
        return []
    period, last = period_containing(kind, start, cutoff), period_containing(kind, end, cutoff)
    periods = [period]
    while period != last:
        period = period.next()
        periods.append(period)
    return periods
