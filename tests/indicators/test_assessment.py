from decimal import Decimal

import pytest

from indicators.assessment import Assessment, target_assess
from indicators.models import Direction, Target
from indicators.targets import target_parse


def target(text: str, year: int = 2025) -> Target:
    parsed = target_parse(text)
    return Target(
        year=year,
        text=text,
        comparator=parsed.comparator,
        value=parsed.value,
        value_max=parsed.value_max,
        is_percent=parsed.is_percent,
    )


@pytest.mark.parametrize(
    ("printed", "value", "direction", "expected"),
    [
        ("≥ 70", "70", Direction.HIGHER, Assessment.ACHIEVED),
        ("≥ 70", "69,9", Direction.HIGHER, Assessment.NOT_ACHIEVED),
        ("50%", "87,5", Direction.HIGHER, Assessment.ACHIEVED),
        ("50%", "49", Direction.HIGHER, Assessment.NOT_ACHIEVED),
        ("≤ 5", "5", Direction.LOWER, Assessment.ACHIEVED),
        ("≤ 5", "6", Direction.LOWER, Assessment.NOT_ACHIEVED),
        ("10", "8", Direction.LOWER, Assessment.ACHIEVED),  # a bare number read by direction
        ("10", "12", Direction.LOWER, Assessment.NOT_ACHIEVED),
        ("2-3", "2", Direction.HIGHER, Assessment.ACHIEVED),
        ("2-3", "4", Direction.HIGHER, Assessment.ACHIEVED),  # more than the range: exceeded
        ("2-3", "1", Direction.HIGHER, Assessment.NOT_ACHIEVED),
        ("2-3", "4", Direction.NONE, Assessment.NOT_ACHIEVED),
        ("Khuyến khích", "3", Direction.HIGHER, Assessment.NOT_ASSESSED),
        ("-", "3", Direction.HIGHER, Assessment.NOT_ASSESSED),
        (
            "Xây dựng báo cáo chỉ số thương mại điện tử hằng năm",
            "1",
            Direction.HIGHER,
            Assessment.NOT_ASSESSED,
        ),
        ("≥ 70", None, Direction.HIGHER, Assessment.NO_DATA),
    ],
)
def test_assessment_by_comparator_and_direction(printed, value, direction, expected):
    number = Decimal(value.replace(",", ".")) if value else None
    assert target_assess(target(printed), value=number, direction=direction).assessment == expected


def test_milestone_is_done_or_not():
    assert target_assess(target("X"), value=None, is_done=True).assessment == Assessment.ACHIEVED
    assert target_assess(target("X"), value=None, is_done=False).assessment == (
        Assessment.NOT_ACHIEVED
    )
    assert target_assess(target("X"), value=None).assessment == Assessment.NO_DATA


def test_no_target_that_year_is_not_assessed():
    assert target_assess(None, value=Decimal(5)).assessment == Assessment.NOT_ASSESSED


def test_percent_of_target():
    verdict = target_assess(target("≥ 80"), value=Decimal(70))
    assert verdict.percent_of_target == Decimal("87.5")
    # Lower is better: 4 against at most 5 is 125 percent of the target, achieved.
    verdict = target_assess(target("≤ 5"), value=Decimal(4), direction=Direction.LOWER)
    assert verdict.percent_of_target == Decimal(125)
    assert verdict.is_achieved
