"""Printed task deadlines → ParsedDeadline, and their due dates in a year."""

import unicodedata
from datetime import date

import pytest

from tasks.deadlines import (
    DeadlineKind,
    ParsedDeadline,
    deadline_parse,
    task_due_dates,
    task_due_in,
)

K = DeadlineKind


def due(year, month, day, *, continuous=False):
    return ParsedDeadline(K.DATE, due_date=date(year, month, day), is_continuous=continuous)


YEARLY_DEC = ParsedDeadline(K.YEARLY, recurrence_month=12)
NOVEMBER_FOR_NEXT_YEAR = ParsedDeadline(
    K.YEARLY, recurrence_month=11, recurrence_for_next_year=True
)
UNPARSED = ParsedDeadline(K.UNPARSED, flagged=True)

CASES = [
    # months (000, 002)
    ("Tháng 7/2025", due(2025, 7, 31)),
    ("Tháng 9/2025", due(2025, 9, 30)),
    ("Tháng 12/2025", due(2025, 12, 31)),
    ("Tháng 02/2024", due(2024, 2, 29)),  # leap year
    ("Tháng 2/2025", due(2025, 2, 28)),
    ("Tháng 8/2025 và thường xuyên", due(2025, 8, 31, continuous=True)),
    ("Tháng 8/2025, và thường xuyên", due(2025, 8, 31, continuous=True)),
    ("tháng 7/2025", due(2025, 7, 31)),
    ("THÁNG 7/2025", due(2025, 7, 31)),
    ("Tháng \n9/2025", due(2025, 9, 30)),  # 002 breaks the cell over lines
    ("Tháng 9 / 2025", due(2025, 9, 30)),
    ("Tháng 9-2025", due(2025, 9, 30)),
    ("Tháng 9 năm 2025", due(2025, 9, 30)),
    ("  Tháng 7/2025. ", due(2025, 7, 31)),
    # quarters
    ("Quý IV/2025", due(2025, 12, 31)),
    ("Quý I/2026", due(2026, 3, 31)),
    ("Quý II/2026", due(2026, 6, 30)),
    ("Quý III/2026", due(2026, 9, 30)),
    ("Quý 3/2025", due(2025, 9, 30)),
    ("quý iv/2025", due(2025, 12, 31)),
    ("Quí IV/2025", due(2025, 12, 31)),
    ("Quý IV năm 2025", due(2025, 12, 31)),
    # years
    ("Năm 2026", due(2026, 12, 31)),
    ("2026", due(2026, 12, 31)),
    ("Năm 2025 và thường xuyên", due(2025, 12, 31, continuous=True)),
    # open start (002: "2025 và \n\nnhững năm \n\ntiếp theo")
    ("Từ năm 2026", ParsedDeadline(K.OPEN_START, start_year=2026)),
    ("Từ năm 2026 trở đi", ParsedDeadline(K.OPEN_START, start_year=2026)),
    ("2025 và những năm tiếp theo", ParsedDeadline(K.OPEN_START, start_year=2025)),
    ("2025 và \n\nnhững năm \n\ntiếp theo", ParsedDeadline(K.OPEN_START, start_year=2025)),
    ("Năm 2025 và các năm tiếp theo", ParsedDeadline(K.OPEN_START, start_year=2025)),
    # spans (004)
    ("2025-2030", ParsedDeadline(K.SPAN, start_year=2025, end_year=2030)),
    ("2025 - 2030", ParsedDeadline(K.SPAN, start_year=2025, end_year=2030)),
    ("2025–2030", ParsedDeadline(K.SPAN, start_year=2025, end_year=2030)),
    ("Giai đoạn 2026 - 2030", ParsedDeadline(K.SPAN, start_year=2026, end_year=2030)),
    ("Từ năm 2025 đến năm 2030", ParsedDeadline(K.SPAN, start_year=2025, end_year=2030)),
    # recurring (004)
    ("Hàng năm", YEARLY_DEC),
    ("Hằng năm", YEARLY_DEC),
    ("HÀNG NĂM", YEARLY_DEC),
    ("Tháng 12 hằng năm", YEARLY_DEC),
    ("Tháng 11 năm trước", NOVEMBER_FOR_NEXT_YEAR),
    ("tháng 11 của năm trước", NOVEMBER_FOR_NEXT_YEAR),
    # no date (002)
    ("Thường xuyên", ParsedDeadline(K.CONTINUOUS, is_continuous=True)),
    ("Thường \n\nxuyên", ParsedDeadline(K.CONTINUOUS, is_continuous=True)),
    ("THƯỜNG XUYÊN", ParsedDeadline(K.CONTINUOUS, is_continuous=True)),
    ("Khi có đề nghị", ParsedDeadline(K.ON_REQUEST)),
    ("Khi có yêu cầu", ParsedDeadline(K.ON_REQUEST)),
    ("", ParsedDeadline(K.NONE)),
    ("  \n ", ParsedDeadline(K.NONE)),
    # conditional on an event: their own kind, never due by themselves, not flagged
    ("Sau khi có hướng dẫn", ParsedDeadline(K.EVENT)),
    ("Sau khi Kế hoạch được ban hành", ParsedDeadline(K.EVENT)),
    ("sau khi được thành lập", ParsedDeadline(K.EVENT)),
    ("Ngay sau khi Quy chế được ban hành.", ParsedDeadline(K.EVENT)),
    ("Trong vòng 30 ngày kể từ khi Đề án được phê duyệt", ParsedDeadline(K.EVENT)),
    ("Sau khi có hướng dẫn và thường xuyên", ParsedDeadline(K.EVENT, is_continuous=True)),
    # not understood: kept by the caller, flagged
    ("Tùy tình hình", UNPARSED),
    ("Tháng 13/2025", UNPARSED),
    ("Tháng 0/2025", UNPARSED),
    ("Quý V/2025", UNPARSED),
    ("Quý 5/2025", UNPARSED),
    ("2030-2025", UNPARSED),
    ("Tháng 13 năm trước", UNPARSED),
    ("Tùy tình hình và thường xuyên", UNPARSED),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_deadline_parse(text, expected):
    assert deadline_parse(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "<empty>" for c in CASES])
def test_deadline_parse_nfd_input(text, expected):
    assert deadline_parse(unicodedata.normalize("NFD", text)) == expected


def test_only_unparsed_is_flagged():
    for text, expected in CASES:
        assert deadline_parse(text).flagged == (expected.kind == K.UNPARSED), text


PLAN_2025_2030 = range(2025, 2031)
# The one rule (DOMAIN.md): "2025-2030" falls due once, on 31/12/2030 (it was every 31/12 in
# reporting.results); "Hàng năm" every 31/12 of the plan's years; "Tháng 11 năm trước" each
# November before a plan year (reporting.results ignored the shift).
DUE_DATES = [
    ("Tháng 7/2025", PLAN_2025_2030, [date(2025, 7, 31)]),
    ("Quý IV/2025", PLAN_2025_2030, [date(2025, 12, 31)]),
    ("Hàng năm", range(2026, 2029), [date(2026, 12, 31), date(2027, 12, 31), date(2028, 12, 31)]),
    ("Tháng 2 hằng năm", range(2028, 2029), [date(2028, 2, 29)]),
    ("Tháng 11 năm trước", range(2026, 2028), [date(2025, 11, 30), date(2026, 11, 30)]),
    ("2025-2030", range(2026, 2027), [date(2030, 12, 31)]),
    ("Từ năm 2026", PLAN_2025_2030, []),
    ("Thường xuyên", PLAN_2025_2030, []),
    ("Khi có đề nghị", PLAN_2025_2030, []),
    ("", PLAN_2025_2030, []),
    ("Sau khi có hướng dẫn", PLAN_2025_2030, []),
    ("Sau khi Kế hoạch được ban hành", PLAN_2025_2030, []),
    ("Tùy tình hình", PLAN_2025_2030, []),
]


@pytest.mark.parametrize(
    ("text", "plan_years", "expected"), DUE_DATES, ids=[d[0] or "<empty>" for d in DUE_DATES]
)
def test_task_due_dates(text, plan_years, expected):
    assert task_due_dates(deadline_parse(text), plan_years) == expected


DUE_IN = [
    ("Tháng 7/2025", 2025, date(2025, 7, 31)),
    ("Tháng 7/2025", 2026, date(2025, 7, 31)),  # still owed, still overdue
    ("Hàng năm", 2027, date(2027, 12, 31)),
    ("Hàng năm", 2031, None),  # after the plan
    ("Tháng 11 năm trước", 2025, date(2025, 11, 30)),  # for 2026
    ("Tháng 11 năm trước", 2029, date(2029, 11, 30)),  # for 2030
    ("Tháng 11 năm trước", 2030, None),  # no 2031 in the plan
    ("2025-2030", 2025, date(2030, 12, 31)),  # every period reports it; due at the end
    ("2025-2030", 2030, date(2030, 12, 31)),
    ("Từ năm 2026", 2026, None),
    ("Thường xuyên", 2025, None),
]


@pytest.mark.parametrize(
    ("text", "year", "expected"), DUE_IN, ids=[f"{d[0]}@{d[1]}" for d in DUE_IN]
)
def test_task_due_in(text, year, expected):
    assert task_due_in(deadline_parse(text), PLAN_2025_2030, year) == expected


def test_kinds_are_choices():
    assert deadline_parse("Hàng năm").kind == "yearly"
    assert set(K.values) == {
        "date",
        "yearly",
        "continuous",
        "on_request",
        "span",
        "open_start",
        "event",
        "none",
        "unparsed",
    }


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Sau khi Kế hoạch được ban hành", "Kế hoạch được ban hành"),
        ("SAU KHI được thành lập.", "được thành lập"),
        ("Sau khi Quy chế được ban hành, và thường xuyên", "Quy chế được ban hành"),
        ("Tháng 7/2025", ""),
        ("Khi có đề nghị", ""),
        ("Tùy tình hình", ""),
    ],
)
def test_the_event_a_deadline_waits_for_is_kept_as_printed(text, event):
    from tasks.deadlines import deadline_event

    assert deadline_event(text) == event


def test_an_event_deadline_is_never_due_in_any_year():
    parsed = deadline_parse("Sau khi Kế hoạch được ban hành")
    assert not parsed.flagged
    assert all(task_due_in(parsed, PLAN_2025_2030, year) is None for year in PLAN_2025_2030)
