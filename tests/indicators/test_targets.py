"""Printed indicator targets → ParsedTarget. Every literal form in the seed plans has a case."""

import unicodedata
from decimal import Decimal

import pytest

from indicators.targets import Comparator, ParsedTarget, target_parse

NOTE = "Các hệ thống đảng số, chính quyền số vận hành hoàn toàn thông minh."


def number(comparator, value, *, percent=False, note=""):
    return ParsedTarget(comparator, Decimal(value), None, percent, note)


def word(comparator):
    return ParsedTarget(comparator, None, None, False, "")


CASES = [
    # bare numbers, percent or not (000, 004, 002)
    ("50%", number(Comparator.EQUAL, "50", percent=True)),
    ("100%", number(Comparator.EQUAL, "100", percent=True)),
    ("100", number(Comparator.EQUAL, "100")),
    ("2 ", number(Comparator.EQUAL, "2")),  # 002 "% GRDP 2  3  3"
    ("35,4%", number(Comparator.EQUAL, "35.4", percent=True)),
    ("35,4 %", number(Comparator.EQUAL, "35.4", percent=True)),
    ("1.250", number(Comparator.EQUAL, "1250")),
    # at least (002)
    ("≥ 70", number(Comparator.AT_LEAST, "70")),
    ("≥  70", number(Comparator.AT_LEAST, "70")),
    ("≥70", number(Comparator.AT_LEAST, "70")),
    ("≥ 01", number(Comparator.AT_LEAST, "1")),
    ("≥ 2,5", number(Comparator.AT_LEAST, "2.5")),
    ("≥ 1,0", number(Comparator.AT_LEAST, "1.0")),
    ("≥ 80%", number(Comparator.AT_LEAST, "80", percent=True)),
    ("≥80 %", number(Comparator.AT_LEAST, "80", percent=True)),
    (">= 5", number(Comparator.AT_LEAST, "5")),
    ("=> 5", number(Comparator.AT_LEAST, "5")),
    ("⩾ 5", number(Comparator.AT_LEAST, "5")),
    ("Tối thiểu 70%", number(Comparator.AT_LEAST, "70", percent=True)),
    ("Ít nhất 2", number(Comparator.AT_LEAST, "2")),
    # at most
    ("≤ 5", number(Comparator.AT_MOST, "5")),
    ("<= 5", number(Comparator.AT_MOST, "5")),
    ("≤5%", number(Comparator.AT_MOST, "5", percent=True)),
    ("Không quá 3", number(Comparator.AT_MOST, "3")),
    # ranges (004 "2-3")
    ("2-3", ParsedTarget(Comparator.RANGE, Decimal(2), Decimal(3), False, "")),
    ("2 - 3", ParsedTarget(Comparator.RANGE, Decimal(2), Decimal(3), False, "")),
    ("2–3", ParsedTarget(Comparator.RANGE, Decimal(2), Decimal(3), False, "")),
    ("2,5-3,5", ParsedTarget(Comparator.RANGE, Decimal("2.5"), Decimal("3.5"), False, "")),
    ("80-90%", ParsedTarget(Comparator.RANGE, Decimal(80), Decimal(90), True, "")),
    ("80% - 90%", ParsedTarget(Comparator.RANGE, Decimal(80), Decimal(90), True, "")),
    # words
    ("Khuyến khích", word(Comparator.ENCOURAGED)),
    ("khuyến khích", word(Comparator.ENCOURAGED)),
    ("KHUYẾN KHÍCH", word(Comparator.ENCOURAGED)),
    ("X", word(Comparator.DONE)),
    ("x", word(Comparator.DONE)),
    ("(X)", word(Comparator.DONE)),
    ("Hoàn thành", word(Comparator.DONE)),
    ("Hoàn \n\nthành", word(Comparator.DONE)),  # 002 breaks the cell over lines
    ("-", word(Comparator.NOT_APPLICABLE)),
    ("–", word(Comparator.NOT_APPLICABLE)),
    ("(-)", word(Comparator.NOT_APPLICABLE)),
    # a number with a bracketed note (002, indicator 3.7, 2045)
    (f"100 ({NOTE})", number(Comparator.EQUAL, "100", note=NOTE)),
    (
        "100 (Các \n\nhệ thống đảng \nsố, chính \n\nquyền số vận \n\n"
        "hành hoàn \ntoàn thông \n\nminh.)",
        number(Comparator.EQUAL, "100", note=NOTE),
    ),
    ("≥ 90% (toàn xã)", number(Comparator.AT_LEAST, "90", percent=True, note="toàn xã")),
    # free text: kept verbatim by the caller
    ("Xây dựng báo cáo chỉ số thương mại điện tử hằng năm", word(Comparator.TEXT)),
    ("Báo cáo (hằng năm)", word(Comparator.TEXT)),
    ("≥", word(Comparator.TEXT)),
    ("≥ 2.5", word(Comparator.TEXT)),  # a dot is never a decimal mark
    ("80% dân số", word(Comparator.TEXT)),
    ("3-2", word(Comparator.TEXT)),  # a reversed range is not guessed at
    # strict comparators: "trên 40%" is not met by 40%
    ("> 5", number(Comparator.MORE_THAN, "5")),
    ("> 40%", number(Comparator.MORE_THAN, "40", percent=True)),
    ("trên 40%", number(Comparator.MORE_THAN, "40", percent=True)),
    ("Trên 40 %", number(Comparator.MORE_THAN, "40", percent=True)),
    ("lớn hơn 2,5", number(Comparator.MORE_THAN, "2.5")),
    ("< 5", number(Comparator.LESS_THAN, "5")),
    ("dưới 5%", number(Comparator.LESS_THAN, "5", percent=True)),
    ("Dưới 5%", number(Comparator.LESS_THAN, "5", percent=True)),
    ("nhỏ hơn 3", number(Comparator.LESS_THAN, "3")),
    ("Trên 90% hộ dân có cáp quang", word(Comparator.TEXT)),  # a sentence stays text
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_target_parse(text, expected):
    assert target_parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_target_parse_nfd_input(text, expected):
    assert target_parse(unicodedata.normalize("NFD", text)) == expected


def test_values_are_decimals_and_comparators_are_choices():
    parsed = target_parse("≥ 2,5")
    assert isinstance(parsed.value, Decimal)
    assert parsed.comparator == "gte"
    assert parsed.comparator in Comparator.values


def test_negative_number_is_not_a_range():
    assert target_parse("-3") == number(Comparator.EQUAL, "-3")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_target_is_an_error(text):
    with pytest.raises(ValueError, match="empty target"):
        target_parse(text)


def test_comparator_choices_are_complete():
    assert Comparator.values == [
        "gte",
        "lte",
        "gt",
        "lt",
        "eq",
        "range",
        "done",
        "exists",
        "encouraged",
        "na",
        "text",
    ]


EVERY_YEAR = [
    ("Mỗi năm có ít nhất 2", Comparator.AT_LEAST, "2", False),
    ("Mỗi năm có ít nhất 01 mô hình", Comparator.AT_LEAST, "1", False),
    ("Hằng năm đạt 90%", Comparator.EQUAL, "90", True),
    ("hàng năm đạt trên 40%", Comparator.MORE_THAN, "40", True),
    ("Mỗi năm: ≥ 2", Comparator.AT_LEAST, "2", False),
]


@pytest.mark.parametrize(("text", "comparator", "value", "percent"), EVERY_YEAR)
def test_every_year_targets_are_read_with_their_flag(text, comparator, value, percent):
    parsed = target_parse(text)
    assert (parsed.comparator, parsed.value, parsed.is_percent, parsed.every_year) == (
        comparator,
        Decimal(value),
        percent,
        True,
    )


@pytest.mark.parametrize(
    "text",
    ["Hằng năm tăng 10%", "Mỗi năm có", "Xây dựng báo cáo chỉ số thương mại điện tử hằng năm"],
)
def test_every_year_wording_without_a_level_stays_text(text):
    # "tăng 10%" is a growth rate, not a level the figure must reach.
    parsed = target_parse(text)
    assert (parsed.comparator, parsed.every_year) == (Comparator.TEXT, False)
