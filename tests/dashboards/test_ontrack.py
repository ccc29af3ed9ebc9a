"""The on-track rules (dashboards/ontrack.py): pure functions, no database."""

from decimal import Decimal

import pytest

from dashboards.ontrack import (
    PeriodPoint,
    Track,
    indicator_standing,
    path_value,
    period_point,
    target_path,
)
from indicators.models import Direction, Target
from indicators.targets import target_parse
from reporting.periods import PeriodKind


def targets(**printed) -> list[Target]:
    """targets(y2025="≥ 10", y2030="≥ 25") → unsaved Target rows, parsed as the seeds are."""
    rows = []
    for key, text in printed.items():
        parsed = target_parse(text)
        rows.append(
            Target(
                year=int(key[1:]),
                text=text,
                comparator=parsed.comparator,
                value=parsed.value,
                value_max=parsed.value_max,
                is_percent=parsed.is_percent,
            )
        )
    return rows


YEAR_2025 = period_point(PeriodKind.YEAR, 2025)
JUNE_2025 = period_point(PeriodKind.MONTH, 2025, 6)
TRUONG_GIANG = targets(y2025="≥ 10", y2030="≥ 25", y2035="≥ 40")


def standing(rows, point, value, **kwargs):
    number = Decimal(value.replace(",", ".")) if isinstance(value, str) else value
    return indicator_standing(rows, point, value=number, **kwargs)


def test_period_points():
    assert period_point(PeriodKind.MONTH, 2026, 6) == PeriodPoint(2026, Decimal(6) / 12)
    assert period_point(PeriodKind.QUARTER, 2026, 4).is_final
    assert period_point(PeriodKind.HALF_YEAR, 2026, 1).position == Decimal("2025.5")
    assert period_point(PeriodKind.YEAR, 2027).position == 2027
    assert not period_point(PeriodKind.MONTH, 2026, 11).is_final


def test_path_between_2025_and_2030_is_a_straight_line():
    path = target_path(TRUONG_GIANG, Direction.HIGHER)
    assert path_value(path, period_point(PeriodKind.YEAR, 2027)).aim == 16
    assert path_value(path, period_point(PeriodKind.YEAR, 2030)).aim == 25
    assert path_value(path, period_point(PeriodKind.YEAR, 2033)).aim == 34
    # Within a year the path moves by the share of the year: June 2026 is half a year on.
    assert path_value(path, period_point(PeriodKind.MONTH, 2026, 6)).aim == Decimal("11.5")
    # Within the first target's year there is no earlier point: the year's target.
    assert path_value(path, JUNE_2025).aim == 10
    # Before the first target's year: no path.
    assert path_value(path, period_point(PeriodKind.YEAR, 2024)) is None


@pytest.mark.parametrize(
    ("point", "value", "track"),
    [
        (period_point(PeriodKind.YEAR, 2027), "16", Track.ON_TRACK),  # on the path
        (period_point(PeriodKind.YEAR, 2027), "15,5", Track.ON_TRACK),  # 3 percent short
        (period_point(PeriodKind.YEAR, 2027), "14", Track.AT_RISK),  # 12,5 percent short
        (period_point(PeriodKind.YEAR, 2027), "12", Track.OFF_TRACK),  # 25 percent short
        (period_point(PeriodKind.YEAR, 2027), "26", Track.ACHIEVED),  # meets 2030 already
        (period_point(PeriodKind.MONTH, 2026, 6), "11,5", Track.ON_TRACK),
        (period_point(PeriodKind.MONTH, 2026, 6), "10", Track.AT_RISK),
        (period_point(PeriodKind.YEAR, 2025), "10", Track.ACHIEVED),
        # The year with a printed target is over: short of it is off track, even by little.
        (period_point(PeriodKind.YEAR, 2025), "9,8", Track.OFF_TRACK),
        (period_point(PeriodKind.MONTH, 2025, 12), "9,8", Track.OFF_TRACK),
        # Earlier in that year the same figure is on track: the year is not over.
        (period_point(PeriodKind.MONTH, 2025, 6), "9,8", Track.ON_TRACK),
    ],
)
def test_higher_is_better_against_the_path(point, value, track):
    number = Decimal(value.replace(",", "."))
    assert standing(TRUONG_GIANG, point, number).track == track


def test_the_path_and_the_reason_are_given():
    result = standing(TRUONG_GIANG, period_point(PeriodKind.YEAR, 2027), "14")
    assert result.expected == 16
    assert result.target.year == 2030  # no 2027 target: the next printed one
    assert "12,5" in result.reason and "16" in result.reason


LOWER = targets(y2025="≤ 8", y2026="≤ 5")
OCTOBER_2026 = period_point(PeriodKind.MONTH, 2026, 10)


@pytest.mark.parametrize(
    ("value", "track"),
    [
        ("4", Track.ACHIEVED),
        ("5", Track.ACHIEVED),
        ("5,6", Track.ON_TRACK),  # 1,8 percent over the path
        ("6,1", Track.AT_RISK),  # 10,9 percent over
        ("7", Track.OFF_TRACK),  # 27 percent over
    ],
)
def test_lower_is_better(value, track):
    number = Decimal(value.replace(",", "."))
    result = standing(LOWER, OCTOBER_2026, number, direction=Direction.LOWER)
    assert result.expected == Decimal("5.5")  # 8 − 3 × 10/12
    assert result.track == track


def test_lower_is_better_at_the_end_of_the_year():
    year = period_point(PeriodKind.YEAR, 2026)
    assert standing(LOWER, year, "5").track == Track.ACHIEVED
    assert standing(LOWER, year, "5,1").track == Track.OFF_TRACK


def test_lower_is_better_bare_number_read_by_direction():
    rows = targets(y2025="10")
    assert standing(rows, JUNE_2025, "9", direction=Direction.LOWER).track == Track.ACHIEVED
    assert standing(rows, JUNE_2025, "10,4", direction=Direction.LOWER).track == Track.ON_TRACK
    assert standing(rows, JUNE_2025, "11,2", direction=Direction.LOWER).track == Track.AT_RISK
    assert standing(rows, JUNE_2025, "13", direction=Direction.LOWER).track == Track.OFF_TRACK
    # The same bare number read the other way round.
    assert standing(rows, JUNE_2025, "13", direction=Direction.HIGHER).track == Track.ACHIEVED


def test_milestone_done_by_2045():
    rows = targets(y2045="X")
    year_2026 = period_point(PeriodKind.YEAR, 2026)
    assert standing(rows, year_2026, None, is_done=True).track == Track.ACHIEVED
    not_due = standing(rows, year_2026, None, is_done=False)
    assert not_due.track == Track.NOT_ASSESSABLE and "2045" in not_due.reason
    assert standing(rows, year_2026, None).track == Track.NOT_ASSESSABLE
    in_2045 = period_point(PeriodKind.MONTH, 2045, 6)
    assert standing(rows, in_2045, None, is_done=False).track == Track.AT_RISK
    assert standing(rows, in_2045, None).track == Track.NO_DATA
    end_2045 = period_point(PeriodKind.YEAR, 2045)
    assert standing(rows, end_2045, None, is_done=False).track == Track.OFF_TRACK
    assert standing(rows, end_2045, None, is_done=True).track == Track.ACHIEVED


def test_encouraged_and_text_targets_are_not_assessed_once_reported():
    for printed in ("Khuyến khích", "Xây dựng báo cáo chỉ số thương mại điện tử hằng năm"):
        rows = targets(y2025=printed)
        assert standing(rows, YEAR_2025, "3").track == Track.NOT_ASSESSABLE
        assert standing(rows, YEAR_2025, None, text="Đã ban hành").track == Track.NOT_ASSESSABLE
        # Something is expected, so nothing reported is "no data", not "not assessable".
        assert standing(rows, YEAR_2025, None).track == Track.NO_DATA


def test_dash_means_nothing_expected_that_year():
    rows = targets(y2025="-", y2030="≥ 2")
    assert standing(rows, YEAR_2025, None).track == Track.NOT_ASSESSABLE
    assert standing(rows, YEAR_2025, "1").track == Track.NOT_ASSESSABLE
    # 2026 lies after a "-" year and before the first number: no path to compare with.
    assert standing(rows, period_point(PeriodKind.YEAR, 2026), "1").track == (Track.NOT_ASSESSABLE)


def test_no_data():
    result = standing(TRUONG_GIANG, JUNE_2025, None)
    assert result.track == Track.NO_DATA
    assert result.expected == 10
    assert standing([], JUNE_2025, None).track == Track.NOT_ASSESSABLE  # no target at all


def test_range_without_direction():
    rows = targets(y2025="2-3")
    assert standing(rows, JUNE_2025, "2,5", direction=Direction.NONE).track == Track.ACHIEVED
    assert standing(rows, JUNE_2025, "3,1", direction=Direction.NONE).track == Track.ON_TRACK
    assert standing(rows, JUNE_2025, "1,8", direction=Direction.NONE).track == Track.AT_RISK
    assert standing(rows, JUNE_2025, "5", direction=Direction.NONE).track == Track.OFF_TRACK


def test_zero_path_value():
    rows = targets(y2025="≤ 0")
    assert standing(rows, JUNE_2025, "0").track == Track.ACHIEVED
    assert standing(rows, JUNE_2025, "1").track == Track.OFF_TRACK
