from django import template

from indicators.numbers import decimal_format_vi

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def vn_number(value):
    """1250000 → "1.250.000", 87.5 → "87,5": the notation of Vietnamese documents."""
    return decimal_format_vi(value) if value is not None else ""
