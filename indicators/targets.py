"""Indicator targets as plans print them: "≥ 70", "35,4%", "2-3", "Khuyến khích", "X", "-",
"trên 40%" (strictly more), "dưới 5%" (strictly less), "Mỗi năm có ít nhất 2" (every year).

The printed text stays the source of truth; ParsedTarget is what achievement checks read.
Anything not understood comes back as TEXT, never as an error: the caller keeps the text.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.numbers import NumberParseError, decimal_digits, decimal_parse_vi

# MeasureKind values of shares that cannot exceed the whole (a percentage of people, of the
# budget, of GRDP): their figures and their targets are at most 100.
SHARE_KINDS = frozenset({"percent", "share_budget", "share_grdp"})


class Comparator(models.TextChoices):
    AT_LEAST = "gte", _("at least (≥)")
    AT_MOST = "lte", _("at most (≤)")
    MORE_THAN = "gt", _("more than (>)")  # "trên 40%", "> 40%": 40% does not meet it
    LESS_THAN = "lt", _("less than (<)")  # "dưới 5%", "< 5"
    EQUAL = "eq", _("value as printed")  # a bare number: judged by the indicator's direction
    RANGE = "range", _("range")
    DONE = "done", _("done by then")  # "X", "Hoàn thành"
    # A milestone row that prints no value: the thing (a centre, a report) must exist by then.
    EXISTS = "exists", _("must exist by then")
    ENCOURAGED = "encouraged", _("encouraged, no pass mark")  # "Khuyến khích"
    NOT_APPLICABLE = "na", _("not applicable yet")  # "-"
    TEXT = "text", _("free text")


@dataclass(frozen=True)
class ParsedTarget:
    comparator: str  # a Comparator value
    value: Decimal | None  # the number (lower bound for a range)
    value_max: Decimal | None  # upper bound for a range, else None
    is_percent: bool  # the text carried a % sign
    note: str  # text in brackets after the number, e.g. "Các hệ thống đảng số, ..."; else ""
    # "Mỗi năm có …", "hằng năm đạt …": the target holds for each year up to the plan's end.
    every_year: bool = False


# Comparators judged like a milestone: done (or reported as existing) achieves them.
MILESTONE_COMPARATORS = frozenset({"done", "exists"})
# Comparators whose value the figure is compared with.
NUMERIC_COMPARATORS = frozenset({"gte", "lte", "gt", "lt", "eq", "range"})


def target_shown(target) -> str:
    """A target (a Target or a summary with its fields) as pages and reports print it: the
    text as printed; for a milestone row that prints none, "must exist by <year>"."""
    if target.text or target.comparator != Comparator.EXISTS:
        return target.text
    return _("must exist by %(year)s") % {"year": target.year}


def target_exists() -> ParsedTarget:
    """The target of a milestone row that prints no value (kept as an empty text)."""
    return ParsedTarget(Comparator.EXISTS, None, None, False, "")


# Whole-cell words, matched case-folded. 002 explains its table with "(-)" and "(X)".
_WORDS = {
    "khuyến khích": Comparator.ENCOURAGED,
    "x": Comparator.DONE,
    "(x)": Comparator.DONE,
    "hoàn thành": Comparator.DONE,
    "-": Comparator.NOT_APPLICABLE,
    "–": Comparator.NOT_APPLICABLE,
    "—": Comparator.NOT_APPLICABLE,
    "(-)": Comparator.NOT_APPLICABLE,
}
_OPERATORS = {
    "≥": Comparator.AT_LEAST,
    "⩾": Comparator.AT_LEAST,
    ">=": Comparator.AT_LEAST,
    "=>": Comparator.AT_LEAST,
    "tối thiểu": Comparator.AT_LEAST,
    "ít nhất": Comparator.AT_LEAST,
    "≤": Comparator.AT_MOST,
    "⩽": Comparator.AT_MOST,
    "<=": Comparator.AT_MOST,
    "=<": Comparator.AT_MOST,
    "tối đa": Comparator.AT_MOST,
    "không quá": Comparator.AT_MOST,
    ">": Comparator.MORE_THAN,
    "trên": Comparator.MORE_THAN,
    "hơn": Comparator.MORE_THAN,
    "lớn hơn": Comparator.MORE_THAN,
    "cao hơn": Comparator.MORE_THAN,
    "vượt": Comparator.MORE_THAN,
    "<": Comparator.LESS_THAN,
    "dưới": Comparator.LESS_THAN,
    "nhỏ hơn": Comparator.LESS_THAN,
    "thấp hơn": Comparator.LESS_THAN,
}
_NOTE_RE = re.compile(r"(?P<head>[^(]+?) ?\((?P<note>.*)\)")
# Longest first: ">=" before ">", "lớn hơn" before "hơn".
_OPERATOR_RE = re.compile(
    "(?P<op>"
    + "|".join(map(re.escape, sorted(_OPERATORS, key=len, reverse=True)))
    + r")? ?(?P<number>.*?) ?(?P<percent>%)?"
)
_COUNTED_RE = re.compile(r"(?P<number>.*?[0-9%]) (?P<noun>[^0-9%]+)")
# "Mỗi năm có ít nhất 2", "Hằng năm đạt 90%", "mỗi năm: ≥ 2". "Hằng năm tăng 10%" is a growth
# rate, not a level: it stays text.
_EVERY_YEAR_RE = re.compile(r"(?:mỗi năm|h[àằ]ng năm)(?: có| đạt| phấn đấu đạt)? ?:? ?(?P<rest>.+)")
# Starts with a digit, so a negative number ("-3") is never read as a range.
_RANGE_RE = re.compile(
    r"(?P<low>[0-9][0-9.,]*) ?(?P<p1>%)? ?[-–—] ?(?P<high>[0-9][0-9.,]*) ?(?P<p2>%)?"
)


def _head_parse(head: str) -> ParsedTarget | None:
    if head in _WORDS:
        return ParsedTarget(_WORDS[head], None, None, False, "")
    try:
        if match := _RANGE_RE.fullmatch(head):
            low, high = decimal_parse_vi(match["low"]), decimal_parse_vi(match["high"])
            if low > high:
                return None
            is_percent = bool(match["p1"] or match["p2"])
            return ParsedTarget(Comparator.RANGE, low, high, is_percent, "")
        match = _OPERATOR_RE.fullmatch(head)
        value = decimal_parse_vi(match["number"], allow_percent=False)
    except NumberParseError:
        return None
    comparator = _OPERATORS[match["op"]] if match["op"] else Comparator.EQUAL
    return ParsedTarget(comparator, value, None, bool(match["percent"]), "")


def target_parse(text: str) -> ParsedTarget:
    """Parse one printed target cell; free text comes back as Comparator.TEXT."""
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    if not clean:
        raise ValueError("empty target")
    head, note = clean, ""
    if match := _NOTE_RE.fullmatch(clean):
        head, note = match["head"], match["note"].strip()
    head, every_year = head.casefold(), False
    if match := _EVERY_YEAR_RE.fullmatch(head):
        head, every_year = match["rest"], True
    parsed = _head_parse(head)
    if parsed is None and every_year and (match := _COUNTED_RE.fullmatch(head)):
        parsed = _head_parse(match["number"])  # "ít nhất 01 mô hình": the noun is the unit's
    if parsed is None or (every_year and parsed.comparator not in NUMERIC_COMPARATORS):
        return ParsedTarget(Comparator.TEXT, None, None, False, "")
    return ParsedTarget(
        parsed.comparator, parsed.value, parsed.value_max, parsed.is_percent, note, every_year
    )


def target_problem(
    text: str, measure_kind: str, *, max_whole_digits: int = 16, max_decimals: int = 4
) -> str | None:
    """Why a target cannot be one for an indicator of this kind of measure, or None.

    A target that reads as a number must be one the indicator can reach: not negative, at most
    100 for a share, within the column's digits. A text that looks like a number (a % sign, a
    comparator, a leading digit or minus) but cannot be read is refused rather than kept as free
    text. Words ("Khuyến khích", "X", "-") and free text stay as they are.
    """
    clean = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not clean:
        return None
    parsed = target_parse(clean)
    if parsed.comparator == Comparator.TEXT:
        if _LOOKS_NUMERIC.match(clean) or clean.endswith("%"):
            return _(
                "«%(text)s» is not a number we can read. Write for example ≥ 70, 35,4%%, 2-3, X, - or Khuyến khích."
            ) % {"text": clean}
        return None
    numbers = [n for n in (parsed.value, parsed.value_max) if n is not None]
    for number in numbers:
        whole, decimals = decimal_digits(number)
        if whole > max_whole_digits or decimals > max_decimals:
            return _(
                "«%(text)s»: a target has at most %(digits)s digits before the decimal comma and %(places)s after it."
            ) % {"text": clean, "digits": max_whole_digits, "places": max_decimals}
    if any(number < 0 for number in numbers):
        return _("«%(text)s»: a target cannot be negative.") % {"text": clean}
    if measure_kind in SHARE_KINDS and any(number > 100 for number in numbers):
        return _("«%(text)s»: a percentage target cannot be above 100%%.") % {"text": clean}
    return None


# A target that starts like a comparison or a number must carry a number we can read.
_LOOKS_NUMERIC = re.compile(r"^\s*(≥|≤|>=|<=|=>|=<|>|<|[-−]?[0-9])")
