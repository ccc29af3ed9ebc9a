"""How official documents write dates, numbers, periods and statuses (Decree 30/2020, Phụ lục I).

Pure functions, no database: the report templates and the Excel writer share them.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from communes.numbers import decimal_format_vi
from indicators.assessment import Assessment
from indicators.models import MeasureKind
from reporting.periods import PeriodKind, period_parse

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# Sub-items of a heading are lettered the Vietnamese way: no f, j, w, z; "đ" after "d".
LETTERS = ("a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r")

ASSESSMENT_TEXT = {
    Assessment.ACHIEVED: "Đạt",
    Assessment.NOT_ACHIEVED: "Chưa đạt",
    Assessment.NOT_ASSESSED: "Không đánh giá",
    Assessment.NO_DATA: "Chưa có số liệu",
}
# A monthly, quarterly or 6-month figure judged against the target path (indicators.ontrack).
TRACK_TEXT = {
    "achieved": "Đạt",
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ chậm",
    "off_track": "Chậm tiến độ",
    "not_assessable": "Không đánh giá",
    "no_data": "Chưa có số liệu",
}
TASK_STATE_TEXT = {
    "done": "Hoàn thành",
    "done_late": "Hoàn thành quá hạn",
    "in_progress": "Đang thực hiện",
    "overdue": "Quá hạn",
    "not_started": "Chưa thực hiện",
    "cancelled": "Dừng thực hiện",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def date_in_words(day: date | None, *, year: int | None = None) -> str:
    """ "ngày 05 tháng 6 năm 2025": day below 10 padded, only months 1 and 2 padded.

    Without a date, the blanks a clerk fills in by hand: "ngày     tháng     năm 2025".
    """
    if day is None:
        blank = "\u00a0" * 5
        return f"ngày{blank}tháng{blank}năm {year or ''}".rstrip()
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_short(day: date | None) -> str:
    """ "05/6/2025" as documents cite one another; blank spaces without a date."""
    if day is None:
        return "\u00a0" * 4 + "/" + "\u00a0" * 4 + "/"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def document_number(number: str, symbol: str = "BC-UBND") -> str:
    """ "05/BC-UBND" (numbers below 10 padded); "      /BC-UBND" when the clerk writes it by hand."""
    number = (number or "").strip()
    if not number:
        return "\u00a0" * 6 + "/" + symbol
    if number.isdigit() and len(number) == 1:
        number = "0" + number
    return f"{number}/{symbol}"


def period_phrase(code: str, *, title: str = "") -> str:
    """The period as a sentence names it: "tháng 6 năm 2025", "quý II năm 2025",
    "6 tháng đầu năm 2025", "năm 2025"; an ad-hoc request by its title."""
    try:
        period = period_parse(code)
    except ValueError:
        return title or code
    if period.kind == PeriodKind.MONTH:
        return f"tháng {period.index} năm {period.year}"
    if period.kind == PeriodKind.QUARTER:
        return f"quý {ROMAN[period.index - 1]} năm {period.year}"
    if period.kind == PeriodKind.HALF_YEAR:
        return f"6 tháng {'đầu' if period.index == 1 else 'cuối'} năm {period.year}"
    return f"năm {period.year}"


# After these words a name follows ("xã An Nông", "tỉnh Quảng Ngãi"): it keeps its capitals.
PLACE_WORDS = {"xã", "phường", "thị", "trấn", "tỉnh", "huyện", "thôn", "bản", "phố", "đặc", "khu"}


def sentence_case(text: str) -> str:
    """ "PHÁT TRIỂN Hạ Tầng" → "Phát triển hạ tầng": plans print group titles in any case.
    What must keep its capitals does: an acronym in brackets ("(DTI)"), a word with a digit
    ("5G"), and a place's name after its kind ("xã An Nông", "XÃ AN NÔNG" → "xã An Nông"). A
    heading's trailing colon or full stop goes (the report adds its own)."""
    words = nfc(text).strip().rstrip(" :;.").split()
    shown, in_name = [], False
    for word in words:
        core = word.strip('()[],;:."“”')
        if (word.startswith("(") and core.isupper()) or any(char.isdigit() for char in core):
            shown.append(word)
            in_name = False
            continue
        lowered = word.lower()
        if in_name and core[:1].isupper():
            shown.append(word[:1] + word[1:].lower() if word.isupper() else word)
            continue
        in_name = lowered.strip("(),;:") in PLACE_WORDS
        shown.append(lowered)
    result = " ".join(shown)
    return result[:1].upper() + result[1:]


def letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def roman(index: int) -> str:
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def count_padded(count: int) -> str:
    """Counts below 10 are written "05" in Vietnamese administrative prose."""
    return f"{count:02d}"


def number(value: Decimal | int | None, *, places: int = 2) -> str:
    """ "1.250.000", "87,5": at most `places` decimals, trailing zeros dropped."""
    if value is None:
        return ""
    # decimal_format_vi drops the trailing zeros of the fraction.
    return decimal_format_vi(Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def figure_places(measure_kind: str) -> int:
    """Counts are whole; percentages and rates show one decimal."""
    return 0 if measure_kind == MeasureKind.COUNT else 1


def figure_text(figure, measure_kind: str) -> str:
    """The actual as the appendix prints it: "87,5 (350/400)", "1.250.000", "Hoàn thành"."""
    if figure is None:
        return ""
    if measure_kind == MeasureKind.MILESTONE or (
        figure.value is None and figure.is_done is not None
    ):
        if figure.is_done is None:
            return ""
        return "Hoàn thành" if figure.is_done else "Chưa hoàn thành"
    if figure.value is None:
        return nfc(figure.text)
    text = number(figure.value, places=figure_places(measure_kind))
    if figure.numerator is not None and figure.denominator:
        text += f" ({number(figure.numerator)}/{number(figure.denominator)})"
    return text
