"""Vietnamese number notation: parse, format, round-trip. No Django settings needed."""

import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from communes.numbers import NumberParseError, decimal_format_vi, decimal_parse_vi

# literal, parsed value, canonical form printed back
ACCEPTED = [
    ("35,4", Decimal("35.4"), "35,4"),
    ("1.250", Decimal("1250"), "1.250"),
    ("1.250,5", Decimal("1250.5"), "1.250,5"),
    ("1.250.000", Decimal("1250000"), "1.250.000"),
    ("87,5%", Decimal("87.5"), "87,5"),
    ("87,5 %", Decimal("87.5"), "87,5"),
    ("100", Decimal("100"), "100"),
    ("-3", Decimal("-3"), "-3"),
    ("−3", Decimal("-3"), "-3"),  # U+2212 minus sign
    ("+3", Decimal("3"), "3"),
    ("01", Decimal("1"), "1"),
    ("0", Decimal("0"), "0"),
    ("0,5", Decimal("0.5"), "0,5"),
    ("1,0", Decimal("1.0"), "1"),
    ("1,250", Decimal("1.25"), "1,25"),  # the comma is always the decimal mark
    ("1250", Decimal("1250"), "1.250"),
    ("  35,4  ", Decimal("35.4"), "35,4"),
    ("1 250", Decimal("1250"), "1.250"),
    ("1\u00a0250", Decimal("1250"), "1.250"),  # non-breaking space
    ("1 250 000,75", Decimal("1250000.75"), "1.250.000,75"),
    ("-1.250,5", Decimal("-1250.5"), "-1.250,5"),
]


@pytest.mark.parametrize(("text", "expected", "canonical"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_parse_accepts(text, expected, canonical):
    value = decimal_parse_vi(text)
    assert isinstance(value, Decimal)
    assert value == expected


@pytest.mark.parametrize(("text", "expected", "canonical"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_round_trip_gives_canonical_form(text, expected, canonical):
    assert decimal_format_vi(decimal_parse_vi(text)) == canonical
    # The canonical form is itself accepted and stable.
    assert decimal_format_vi(decimal_parse_vi(canonical)) == canonical


def test_parse_keeps_printed_precision():
    assert decimal_parse_vi("1,0").as_tuple().exponent == -1


def test_parse_accepts_nfd_input():
    assert decimal_parse_vi(unicodedata.normalize("NFD", "35,4%")) == Decimal("35.4")


REJECTED = [
    ("", "empty"),
    ("   ", "empty"),
    ("\u00a0", "empty"),
    ("abc", "not_a_number"),
    ("12a", "not_a_number"),
    ("%", "not_a_number"),
    ("++1", "not_a_number"),
    ("--1", "not_a_number"),
    ("1,2,3", "not_a_number"),
    ("1.250,5,3", "not_a_number"),
    (",5", "not_a_number"),
    ("5,", "not_a_number"),
    ("1 25", "not_a_number"),
    ("1.25", "ambiguous_dot"),
    ("2.5", "ambiguous_dot"),
    ("1.2345", "ambiguous_dot"),
    ("0.500", "ambiguous_dot"),
    ("1.250 000", "ambiguous_dot"),  # two different thousands separators
    ("1.250.5", "ambiguous_dot"),
    ("1250.", "ambiguous_dot"),
]


@pytest.mark.parametrize(("text", "code"), REJECTED, ids=[r[0] or "<empty>" for r in REJECTED])
def test_parse_rejects(text, code):
    with pytest.raises(NumberParseError) as caught:
        decimal_parse_vi(text)
    assert caught.value.code == code


def test_percent_refused_when_not_allowed():
    with pytest.raises(NumberParseError) as caught:
        decimal_parse_vi("87,5%", allow_percent=False)
    assert caught.value.code == "percent_not_allowed"
    assert caught.value.params == {"value": "87,5%"}


def test_error_mirrors_validation_error():
    with pytest.raises(ValueError) as caught:  # a NumberParseError is a ValueError
        decimal_parse_vi(" 2.5 ")
    error = caught.value
    assert isinstance(error, NumberParseError)
    assert error.code == "ambiguous_dot"
    assert error.params == {"value": "2.5"}
    assert error.message is not None


def test_message_renders_in_vietnamese_source_form_once_settings_exist():
    # Rendering a lazy message needs settings; a child process keeps this test's settings
    # out of the rest of the run.
    script = (
        "from django.conf import settings; settings.configure(USE_I18N=False);"
        "from communes.numbers import decimal_parse_vi, NumberParseError\n"
        "try:\n decimal_parse_vi('abc')\n"
        "except NumberParseError as e:\n print(str(e))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "«abc» is not a number. Valid examples: 35,4 or 1.250."


FORMATTED = [
    (Decimal("1250000"), None, "1.250.000"),
    (Decimal("87.5"), None, "87,5"),
    (Decimal("1250.50"), None, "1.250,5"),
    (Decimal("1250.50"), 2, "1.250,50"),
    (Decimal("1250.5"), 0, "1.251"),  # half up, as people round
    (Decimal("2.345"), 2, "2,35"),
    (Decimal("-3.5"), None, "-3,5"),
    (Decimal("-0.001"), 2, "0,00"),
    (Decimal("-0"), None, "0"),
    (Decimal("100"), None, "100"),
    (Decimal("100.00"), None, "100"),
    (Decimal("1E+3"), None, "1.000"),
    (Decimal("0.05"), None, "0,05"),
    (1250, None, "1.250"),
    (-1250, 1, "-1.250,0"),
    (None, None, ""),
    (None, 2, ""),
]


@pytest.mark.parametrize(
    ("value", "places", "expected"), FORMATTED, ids=[repr(f[:2]) for f in FORMATTED]
)
def test_format(value, places, expected):
    assert decimal_format_vi(value, places=places) == expected


def test_format_refuses_float():
    with pytest.raises(TypeError):
        decimal_format_vi(1.5)


def test_format_never_fails_on_a_number_it_meets():
    """One tolerant formatter: a number too long for the default context, or not finite, is
    written out or shown as invalid, never a 500."""
    assert decimal_format_vi(Decimal("1" * 30), places=2) == ".".join(["111"] * 10) + ",00"
    long = decimal_format_vi(Decimal("9" * 5000))
    assert long.startswith("99.999.") and long.count(".") == 1666  # 5,000 = 2 + 1,666 × 3
    assert decimal_format_vi(Decimal("Infinity")) == "giá trị không hợp lệ"
    assert decimal_format_vi(Decimal("NaN"), places=1) == "giá trị không hợp lệ"


@pytest.mark.parametrize(
    "number,digits",
    [
        (Decimal("1250.5"), (4, 1)),
        (Decimal("1250.5000"), (4, 1)),  # trailing zeros are not precision
        (Decimal("1E+3"), (4, 0)),
        (Decimal("0.00012"), (0, 5)),
        (Decimal("0"), (0, 0)),
        (Decimal("-12.34"), (2, 2)),
        (Decimal("9" * 5000), (5000, 0)),  # exact at any length: no context rounds it
        (Decimal("9999999999999999.9999"), (16, 4)),
    ],
)
def test_decimal_digits_counts_what_a_column_holds(number, digits):
    from communes.numbers import decimal_digits

    assert decimal_digits(number) == digits
