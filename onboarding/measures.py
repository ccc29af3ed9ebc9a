"""An indicator's kind of measure, from its unit, its method cell and its targets.

"%" with "a/b x 100" is a ratio whose a and b come from "trong đó: a: … b: …"; "Người/01 vạn dân"
a rate per 10,000; "%GRDP" and "% tổng chi NSNN" shares; "Doanh nghiệp", "Người", "Sản phẩm"
counts; "Báo cáo" text; "X" / "Hoàn thành" milestones. The kinds are indicators.models.MeasureKind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indicators.models import MeasureKind
from indicators.targets import Comparator, target_parse

from .text import clean, plain_key

# "a/b x100", "a/b × 100", "$a/b \times 100$" (LaTeX left over from a conversion).
_RATIO_RE = re.compile(r"\$?\s*\ba\s*/\s*b\s*(?:x|×|\*|\\times)\s*100\s*\$?", re.I)
_WHERE_RE = re.compile(r",?\s*\btrong đó\s*:?\s*", re.I)
_PART_RE = re.compile(r"(?:^|\s)-?\s*(?P<letter>[ab])\s*:\s*", re.I)
_SOURCE_RE = re.compile(r"\s*-?\s*ngu[ồô]n(?: thu thập)?(?: số liệu)?\s*:\s*", re.I)
_COUNT_NOUNS = (
    "doanh nghiệp",
    "người",
    "sản phẩm",
    "sáng kiến",
    "dự án",
    "đơn",
    "công trình",
    "bài báo",
    "trung tâm",
    "hợp tác xã",
    "mô hình",
    "hộ",
    "lượt",
    "điểm",
    "cơ sở",
    "thôn",
)
_COUNT_NAME_RE = re.compile(
    r"^(?:tổng )?số(?: lượng)? (?P<noun>" + "|".join(map(re.escape, _COUNT_NOUNS)) + r")\b",
    re.I,
)


@dataclass(frozen=True)
class Method:
    formula: str = ""
    numerator: str = ""
    denominator: str = ""
    data_source: str = ""


def method_split(text: str) -> Method:
    """The method cell: formula, a, b and data source; a cell without a/b is a data source."""
    text = clean(text)
    if not text:
        return Method()
    ratio = _RATIO_RE.search(text)
    if not ratio:
        source = _SOURCE_RE.split(text, maxsplit=1)
        return Method(data_source=source[-1].strip())
    head, _, rest = text.partition(ratio.group(0))
    formula = clean(f"{head} a/b x100").replace(" :", ":")
    rest = _WHERE_RE.sub(" ", rest, count=1)
    source = ""
    if parts := _SOURCE_RE.split(rest, maxsplit=1):
        rest = parts[0]
        source = parts[1].strip() if len(parts) > 1 else ""
    # The formula printed again after b ("… b: Tổng dân số Tỷ lệ a/b x100") is not part of b.
    rest = _RATIO_RE.split(rest)[0]
    if head.strip() and rest.rstrip().endswith(head.strip()):
        rest = rest.rstrip()[: -len(head.strip())]
    pieces = _PART_RE.split(rest)
    found = {}
    for index in range(1, len(pieces) - 1, 2):
        found.setdefault(pieces[index].lower(), pieces[index + 1].strip(" -"))
    return Method(
        formula=formula,
        numerator=found.get("a", ""),
        denominator=found.get("b", ""),
        data_source=source,
    )


def unit_guess(name: str, method: Method) -> str:
    """A unit of measure for a table that prints none: "%" for a ratio, the counted noun."""
    if method.formula:
        return "%"
    if match := _COUNT_NAME_RE.match(clean(name)):
        return match["noun"].capitalize()
    return ""


def kind_infer(
    unit: str, method: Method, targets: dict[int, str], name: str = ""
) -> tuple[str, bool]:
    """(kind, guessed): guessed is True when nothing printed decides it."""
    key = plain_key(unit)
    parsed = [target_parse(text) for text in targets.values() if clean(text)]
    if "grdp" in key:
        return MeasureKind.SHARE_GRDP, False
    if "%" in unit and ("nsnn" in key or "ngan sach" in key or "tong chi" in key):
        return MeasureKind.SHARE_BUDGET, False
    if "van dan" in key or "10 000" in key or "10000" in key or "nghin dan" in key:
        return MeasureKind.RATE_PER_10K, False
    if unit.strip().startswith("%") or method.formula:
        return MeasureKind.PERCENT, False
    if key in ("bao cao", "van ban"):
        return MeasureKind.TEXT, False
    if key in ("hoan thanh", "x") or (
        parsed and all(target.comparator == Comparator.DONE for target in parsed)
    ):
        return MeasureKind.MILESTONE, False
    if any(key == plain_key(noun) for noun in _COUNT_NOUNS) or _COUNT_NAME_RE.match(clean(name)):
        return MeasureKind.COUNT, False
    if parsed and all(target.comparator == Comparator.TEXT for target in parsed):
        return MeasureKind.TEXT, False
    if any(target.is_percent for target in parsed) or plain_key(name).startswith(
        ("ty le", "ti le")
    ):
        return MeasureKind.PERCENT, not unit
    if unit:
        return MeasureKind.COUNT, True
    return MeasureKind.PERCENT, True
