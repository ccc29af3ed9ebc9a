"""Reporting periods: codes, labels, Decree 09/2019 windows and commune deadlines (no database)."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from reporting.periods import (
    DEFAULT_DEADLINES,
    CutoffRule,
    DeadlineRule,
    PeriodKind,
    period_containing,
    period_deadline,
    period_for,
    period_last_day,
    period_parse,
    period_window,
    periods_between,
)

CALENDAR_MONTHS = CutoffRule(31)  # a commune that reports whole calendar months
PERIODIC_KINDS = [PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR]


def codes(periods):
    return [period.code for period in periods]


@pytest.mark.parametrize(
    "code",
    ["202501", "202506", "202512", "2025Q1", "2025Q4", "2025S1", "2025S2", "2025", "2024"],
)
def test_every_code_form_round_trips(code):
    assert period_parse(code).code == code


@pytest.mark.parametrize(
    ("code", "kind", "index", "first_month", "last_month"),
    [
        ("202506", "month", 6, date(2025, 6, 1), date(2025, 6, 1)),
        ("2025Q2", "quarter", 2, date(2025, 4, 1), date(2025, 6, 1)),
        ("2025S1", "half_year", 1, date(2025, 1, 1), date(2025, 6, 1)),
        ("2025S2", "half_year", 2, date(2025, 7, 1), date(2025, 12, 1)),
        ("2025", "year", 1, date(2025, 1, 1), date(2025, 12, 1)),
    ],
)
def test_parse_fills_kind_index_and_months(code, kind, index, first_month, last_month):
    period = period_parse(code)
    assert (period.kind, period.year, period.index) == (kind, 2025, index)
    assert (period.first_month, period.last_month) == (first_month, last_month)
    assert period == period_for(kind, 2025, index)


@pytest.mark.parametrize(
    ("kind", "index", "code"),
    [
        ("month", 1, "202501"),
        ("quarter", 3, "2025Q3"),
        ("half_year", 2, "2025S2"),
        ("year", 1, "2025"),
    ],
)
def test_period_for_builds_the_dhis2_code(kind, index, code):
    assert period_for(kind, 2025, index).code == code


@pytest.mark.parametrize(
    ("kind", "year", "index", "message"),
    [
        ("ad_hoc", 2025, 1, "Ad-hoc"),
        ("week", 2025, 1, "Unknown period kind"),
        ("month", 2025, 0, "between 1 and 12"),
        ("quarter", 2025, 5, "between 1 and 4"),
        ("half_year", 2025, 3, "between 1 and 2"),
        ("year", 2025, 2, "between 1 and 1"),
        ("year", 25, 1, "four digits"),
    ],
)
def test_period_for_rejects_ad_hoc_unknown_kinds_and_out_of_range_values(
    kind, year, index, message
):
    with pytest.raises(ValueError, match=message):
        period_for(kind, year, index)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("202506", "Tháng 6/2025"),
        ("202512", "Tháng 12/2025"),
        ("2025Q1", "Quý I/2025"),
        ("2025Q2", "Quý II/2025"),
        ("2025Q3", "Quý III/2025"),
        ("2025Q4", "Quý IV/2025"),
        ("2025S1", "6 tháng đầu năm 2025"),
        ("2025S2", "6 tháng cuối năm 2025"),
        ("2025", "Năm 2025"),
    ],
)
def test_label_vi_follows_official_wording(code, label):
    assert period_parse(code).label_vi() == label


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("202501", "202412"),
        ("202506", "202505"),
        ("2025Q1", "2024Q4"),
        ("2025Q3", "2025Q2"),
        ("2025S1", "2024S2"),
        ("2025S2", "2025S1"),
        ("2025", "2024"),
    ],
)
def test_previous_crosses_year_boundaries_and_next_undoes_it(code, previous):
    period = period_parse(code)
    assert period.previous() == period_parse(previous)
    assert period.previous().next() == period


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("202501", date(2024, 12, 15), date(2025, 1, 14)),  # January starts in December
        ("202506", date(2025, 5, 15), date(2025, 6, 14)),
        ("2025Q1", date(2024, 12, 15), date(2025, 3, 14)),
        ("2025Q2", date(2025, 3, 15), date(2025, 6, 14)),
        ("2025S1", date(2024, 12, 15), date(2025, 6, 14)),
        ("2025S2", date(2025, 6, 15), date(2025, 12, 14)),
        ("2025", date(2024, 12, 15), date(2025, 12, 14)),
    ],
)
def test_window_follows_decree_09_for_every_kind(code, start, end):
    assert period_window(period_parse(code)) == (start, end)


@pytest.mark.parametrize(
    ("code", "cutoff", "start", "end"),
    [
        ("202402", CALENDAR_MONTHS, date(2024, 2, 1), date(2024, 2, 29)),
        ("202403", CALENDAR_MONTHS, date(2024, 3, 1), date(2024, 3, 31)),
        ("202502", CALENDAR_MONTHS, date(2025, 2, 1), date(2025, 2, 28)),
        ("202501", CALENDAR_MONTHS, date(2025, 1, 1), date(2025, 1, 31)),
        ("202403", CutoffRule(), date(2024, 2, 15), date(2024, 3, 14)),
        ("202402", CutoffRule(), date(2024, 1, 15), date(2024, 2, 14)),
        ("202503", CutoffRule(30), date(2025, 3, 1), date(2025, 3, 30)),  # after a 28-day Feb
        ("202504", CutoffRule(30), date(2025, 3, 31), date(2025, 4, 30)),
    ],
)
def test_window_cutoff_day_clamps_to_month_end_in_leap_and_common_years(code, cutoff, start, end):
    assert period_window(period_parse(code), cutoff) == (start, end)


@pytest.mark.parametrize("cutoff", [CutoffRule(), CutoffRule(1), CutoffRule(29), CALENDAR_MONTHS])
def test_month_windows_tile_the_calendar_and_longer_windows_are_their_union(cutoff):
    months = [
        period_for("month", year, month) for year in (2023, 2024, 2025) for month in range(1, 13)
    ]
    for before, after in pairwise(months):
        assert period_window(after, cutoff)[0] == period_window(before, cutoff)[1] + timedelta(
            days=1
        )
    quarter = period_parse("2024Q1")
    assert period_window(quarter, cutoff) == (
        period_window(period_parse("202401"), cutoff)[0],
        period_window(period_parse("202403"), cutoff)[1],
    )


def test_commune_000_deadlines():
    monthly, six_month, annual = DeadlineRule(15, 1), DeadlineRule(5, 0), DeadlineRule(1, 0)
    assert period_deadline(period_parse("202506"), monthly).date() == date(2025, 7, 15)
    assert period_last_day(period_parse("202506"), monthly) == date(2025, 7, 14)
    assert period_deadline(period_parse("2025S1"), six_month).date() == date(2025, 6, 5)
    assert period_last_day(period_parse("2025S1"), six_month) == date(2025, 6, 4)
    assert period_deadline(period_parse("2025"), annual).date() == date(2025, 12, 1)
    assert period_last_day(period_parse("2025"), annual) == date(2025, 11, 30)


def test_commune_002_monthly_deadline():
    rule = DeadlineRule(10, 1)
    assert period_deadline(period_parse("202506"), rule).date() == date(2025, 7, 10)
    assert period_last_day(period_parse("202506"), rule) == date(2025, 7, 9)


def test_deadline_is_midnight_in_ho_chi_minh_city():
    deadline = period_deadline(period_parse("202506"), DeadlineRule(15, 1))
    assert deadline.tzinfo is not None
    assert str(deadline.tzinfo) == "Asia/Ho_Chi_Minh"
    assert deadline.astimezone(UTC) == datetime(2025, 7, 14, 17, 0, tzinfo=UTC)  # UTC+7


def test_december_deadline_with_month_offset_rolls_into_next_january():
    assert period_last_day(period_parse("202512"), DeadlineRule(15, 1)) == date(2026, 1, 14)
    assert period_deadline(period_parse("2025S2"), DeadlineRule(5, 1)).date() == date(2026, 1, 5)


def test_negative_month_offset_moves_the_deadline_before_the_last_month():
    assert period_deadline(period_parse("2025"), DeadlineRule(1, -1)).date() == date(2025, 11, 1)


@pytest.mark.parametrize(
    ("code", "rule", "deadline"),
    [
        ("202502", DeadlineRule(31, 0), date(2025, 3, 1)),  # "before the 31st" of February
        ("202502", DeadlineRule(29, 0), date(2025, 3, 1)),  # common year: no 29/02
        ("202402", DeadlineRule(29, 0), date(2024, 2, 29)),  # leap year: 29/02 exists
        ("202402", DeadlineRule(30, 0), date(2024, 3, 1)),
        ("202503", DeadlineRule(31, 1), date(2025, 5, 1)),  # April has 30 days
        ("202511", DeadlineRule(31, 0), date(2025, 12, 1)),
        ("202512", DeadlineRule(31, 0), date(2025, 12, 31)),
        ("202511", DeadlineRule(31, 1), date(2025, 12, 31)),
    ],
)
def test_deadline_day_past_month_end_means_first_of_next_month(code, rule, deadline):
    assert period_deadline(period_parse(code), rule).date() == deadline
    assert period_last_day(period_parse(code), rule) == deadline - timedelta(days=1)


def test_default_deadlines_are_the_15th_of_the_month_after_for_every_periodic_kind():
    assert set(DEFAULT_DEADLINES) == set(PERIODIC_KINDS)
    assert all(rule == DeadlineRule(15, 1) for rule in DEFAULT_DEADLINES.values())
    assert period_deadline(period_parse("2025"), DEFAULT_DEADLINES["year"]).date() == date(
        2026, 1, 15
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: DeadlineRule(0, 1),
        lambda: DeadlineRule(32, 0),
        lambda: CutoffRule(0),
        lambda: CutoffRule(32),
    ],
)
def test_rules_reject_days_outside_1_to_31(make):
    with pytest.raises(ValueError, match="between 1 and 31"):
        make()


@pytest.mark.parametrize(
    ("kind", "day", "code"),
    [
        ("month", date(2025, 6, 14), "202506"),
        ("month", date(2025, 6, 15), "202507"),
        ("month", date(2025, 6, 20), "202507"),
        ("month", date(2025, 12, 15), "202601"),
        ("quarter", date(2025, 3, 14), "2025Q1"),
        ("quarter", date(2025, 3, 15), "2025Q2"),
        ("half_year", date(2025, 6, 14), "2025S1"),
        ("half_year", date(2025, 6, 15), "2025S2"),
        ("half_year", date(2025, 12, 20), "2026S1"),
        ("year", date(2025, 12, 14), "2025"),
        ("year", date(2025, 12, 20), "2026"),
        ("year", date(2025, 1, 1), "2025"),
    ],
)
def test_period_containing_switches_between_the_14th_and_the_15th(kind, day, code):
    assert period_containing(kind, day).code == code


@pytest.mark.parametrize(
    ("day", "code"),
    [(date(2025, 1, 31), "202501"), (date(2025, 2, 1), "202502"), (date(2024, 2, 29), "202402")],
)
def test_period_containing_with_calendar_months(day, code):
    assert period_containing("month", day, CALENDAR_MONTHS).code == code


@pytest.mark.parametrize("cutoff", [CutoffRule(), CutoffRule(1), CALENDAR_MONTHS])
@pytest.mark.parametrize("kind", PERIODIC_KINDS)
def test_period_containing_agrees_with_period_window_every_day_of_a_leap_year(kind, cutoff):
    for offset in range(366):
        day = date(2024, 1, 1) + timedelta(days=offset)
        start, end = period_window(period_containing(kind, day, cutoff), cutoff)
        assert start <= day <= end


def test_period_containing_rejects_ad_hoc():
    with pytest.raises(ValueError, match="Ad-hoc"):
        period_containing(PeriodKind.AD_HOC, date(2025, 6, 1))


@pytest.mark.parametrize(
    ("kind", "start", "end", "expected"),
    [
        ("month", date(2025, 6, 1), date(2025, 8, 20), ["202506", "202507", "202508", "202509"]),
        ("month", date(2025, 5, 15), date(2025, 6, 14), ["202506"]),  # exactly one window
        ("month", date(2025, 6, 14), date(2025, 6, 15), ["202506", "202507"]),
        ("quarter", date(2025, 12, 1), date(2026, 1, 10), ["2025Q4", "2026Q1"]),
        ("half_year", date(2025, 1, 1), date(2025, 12, 31), ["2025S1", "2025S2", "2026S1"]),
        ("year", date(2024, 1, 1), date(2025, 12, 31), ["2024", "2025", "2026"]),
        ("year", date(2025, 7, 1), date(2025, 7, 1), ["2025"]),
        ("month", date(2025, 7, 1), date(2025, 6, 1), []),  # empty range
    ],
)
def test_periods_between_lists_every_overlapping_window_in_order(kind, start, end, expected):
    assert codes(periods_between(kind, start, end)) == expected


def test_periods_between_with_calendar_months():
    got = periods_between("month", date(2024, 1, 31), date(2024, 3, 1), CALENDAR_MONTHS)
    assert codes(got) == ["202401", "202402", "202403"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("202513", "between 1 and 12, got 13"),
        ("202500", "between 1 and 12, got 0"),
        ("2025Q5", "between 1 and 4, got 5"),
        ("2025Q0", "between 1 and 4, got 0"),
        ("2025S3", "between 1 and 2, got 3"),
        ("abc", "expected YYYYMM, YYYYQn, YYYYSn or YYYY"),
        ("25", "expected YYYYMM"),
        ("", "expected YYYYMM"),
        ("2025-06", "expected YYYYMM"),
        ("2025q2", "expected YYYYMM"),
        (" 2025", "expected YYYYMM"),
        ("0999", "expected YYYYMM"),
        ("2025Q12", "expected YYYYMM"),
    ],
)
def test_invalid_codes_raise_value_error_naming_the_code(code, message):
    with pytest.raises(ValueError, match=message) as raised:
        period_parse(code)
    assert repr(code) in str(raised.value)
