"""Figures typed the Vietnamese way ("1.250,5", "87,5%"), and the column that stores them."""

import decimal
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from communes.numbers import NumberParseError, decimal_format_vi, decimal_parse_vi


class VietnameseNumberInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return decimal_format_vi(value)
        return super().format_value(value)


class VietnameseDecimalField(forms.CharField):
    """A Decimal typed with "." for thousands and "," for decimals; shown back the same way."""

    widget = VietnameseNumberInput

    def __init__(self, *, min_value: Decimal | None = None, allow_percent: bool = False, **kwargs):
        self.min_value = min_value
        self.allow_percent = allow_percent
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = decimal_parse_vi(text, allow_percent=self.allow_percent)
        except NumberParseError as exc:
            raise ValidationError(exc.message, code=exc.code, params=exc.params) from exc
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(
                _("The value must be at least %(minimum)s."),
                code="min_value",
                params={"minimum": decimal_format_vi(self.min_value)},
            )
        return number


class FigureField(models.DecimalField):
    """A figure's column, whose reads never fail.

    SQLite does not enforce max_digits: a number the column cannot hold (25 digits, or one too
    long even for a float) stays in it, and Django's SQLite reader then raises on every page that
    reads it. Here such a number reads as None; `reporting.rules` still finds it from its raw
    text (`manage.py check_figures`), and the report form shows it as invalid.
    """

    @cached_property
    def context(self):
        # Without the InvalidOperation trap the SQLite reader's quantize gives NaN, not an error.
        return decimal.Context(prec=self.max_digits, traps=[])

    def deconstruct(self):
        # Stored exactly as a DecimalField (same column): only reading differs, so migrations
        # record a DecimalField and changing the class needs none.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

    def from_db_value(self, value, expression, connection):
        if isinstance(value, Decimal) and not value.is_finite():
            return None
        return value
