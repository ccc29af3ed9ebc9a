"""Numbers as Vietnamese plans print them: "." groups thousands, "," is the decimal mark.

A dot is never read as a decimal mark: "1.250" (one thousand two hundred and fifty) and
"1.25" differ by one digit, so anything that is not a clean thousands grouping is refused
rather than guessed.

Messages, English source → Vietnamese for locale/vi/LC_MESSAGES/django.po:
- "Enter a number."
  → "Vui lòng nhập một số."
- "«%(value)s» is not a number. Valid examples: 35,4 or 1.250."
  → "Giá trị «%(value)s» không phải là số. Ví dụ hợp lệ: 35,4 hoặc 1.250."
- "«%(value)s» is ambiguous: "." separates thousands (1.250 is one thousand two hundred and
  fifty) and "," is the decimal mark (35,4). Write 2,5, not 2.5."
  → "Giá trị «%(value)s» không rõ nghĩa: dấu "." dùng để phân cách hàng nghìn (1.250 là một
  nghìn hai trăm năm mươi), dấu "," là dấu thập phân (35,4). Hãy viết 2,5, không viết 2.5."
- "«%(value)s»: a percent sign is not allowed here; enter the number only."
  → "Giá trị «%(value)s»: không được nhập dấu %; chỉ nhập số."
"""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

# Optional sign; then plain digits ("01", "1250") or groups of exactly three digits joined by one
# consistent separator, "." or a space ("1.250.000", "1 250"); then an optional ",fraction".
# The first group may not start with 0, so "0.500" is refused instead of read as 500.
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+−])?"
    r"(?P<whole>[0-9]+|[1-9][0-9]{0,2}(?P<sep>[. ])[0-9]{3}(?:(?P=sep)[0-9]{3})*)"
    r"(?:,(?P<fraction>[0-9]+))?"
)
# Digits and dots with at most one decimal comma: someone meant a number but used "." wrongly.
_MISUSED_DOT_RE = re.compile(r"[-+−]?[0-9][0-9 .]*\.[0-9 .]*(?:,[0-9]+)?")


class NumberParseError(ValueError):
    """Mirrors ValidationError (message, code, params) so forms can convert it one-to-one."""

    def __init__(self, message: Any, *, code: str, params: dict[str, Any] | None = None):
        super().__init__(message, code, params)
        self.message = message
        self.code = code
        self.params = params or {}

    def __str__(self) -> str:
        return str(self.message) % self.params


def _clean(text: str) -> str:
    # NBSP and other Unicode spaces collapse to one plain space through str.split().
    return " ".join(unicodedata.normalize("NFC", text).split())


def decimal_parse_vi(text: str, *, allow_percent: bool = True) -> Decimal:
    """Parse "35,4", "1.250,5", "87,5%", "-3" into a Decimal; raise NumberParseError."""
    clean = _clean(text)
    if not clean:
        raise NumberParseError(_("Enter a number."), code="empty")
    params = {"value": clean}
    body = clean
    if body.endswith("%"):
        if not allow_percent:
            raise NumberParseError(
                _("«%(value)s»: a percent sign is not allowed here; enter the number only."),
                code="percent_not_allowed",
                params=params,
            )
        body = body[:-1].rstrip()
    match = _NUMBER_RE.fullmatch(body)
    if match is None:
        if _MISUSED_DOT_RE.fullmatch(body):
            raise NumberParseError(
                _(
                    '«%(value)s» is ambiguous: "." separates thousands (1.250 is one thousand'
                    ' two hundred and fifty) and "," is the decimal mark (35,4).'
                    " Write 2,5, not 2.5."
                ),
                code="ambiguous_dot",
                params=params,
            )
        raise NumberParseError(
            _("«%(value)s» is not a number. Valid examples: 35,4 or 1.250."),
            code="not_a_number",
            params=params,
        )
    whole = match["whole"].replace(".", "").replace(" ", "")
    sign = "-" if match["sign"] in ("-", "−") else ""
    return Decimal(f"{sign}{whole}.{match['fraction']}" if match["fraction"] else sign + whole)


def decimal_format_vi(value: Decimal | int | None, *, places: int | None = None) -> str:
    """Decimal("1250.5") → "1.250,5"; places fixes the number of decimals; None → "".

    It never fails on a Decimal it meets: one of any length is written out in full, one that is
    not finite (read from a malformed stored value) is shown as invalid."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError("decimal_format_vi takes a Decimal or an int, never a float")
    number = Decimal(value)
    if not number.is_finite():
        return str(_("invalid value"))
    if places is not None:
        # Precision enough for every digit: the default context's 28 would raise on longer numbers.
        exact = Context(prec=max(number.adjusted(), 0) + places + 2, rounding=ROUND_HALF_UP)
        number = number.quantize(Decimal(1).scaleb(-places), context=exact)
    whole, _dot, fraction = format(number.copy_abs(), "f").partition(".")
    if places is None:
        fraction = fraction.rstrip("0")
    # Tested after rounding: -0,001 with 2 places is Decimal("-0.00"), which is not < 0.
    sign = "-" if number < 0 else ""
    # Grouped as text: int() refuses more than 4,300 digits.
    whole = whole.lstrip("0") or "0"
    head = len(whole) % 3 or 3
    grouped = ".".join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def decimal_digits(number: Decimal) -> tuple[int, int]:
    """(digits before the decimal mark, significant digits after it), exactly, at any size:
    what a column's max_digits and decimal_places are checked against."""
    _sign, digits, exponent = number.as_tuple()
    whole = max(number.adjusted() + 1, 0) if any(digits) else 0
    if not isinstance(exponent, int) or exponent >= 0:
        return whole, 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return whole, max(-exponent - trailing, 0)
