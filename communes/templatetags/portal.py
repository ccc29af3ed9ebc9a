import unicodedata

from django import template

from communes.numbers import decimal_format_vi

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def vn_number(value):
    """1250000 → "1.250.000", 87.5 → "87,5": the notation of Vietnamese documents."""
    return decimal_format_vi(value) if value is not None else ""


@register.filter
def field(form, name):
    """The bound field `name` of a form built at run time (`{{ form|field:"ind_12_a" }}`)."""
    return form[name] if name in form.fields else None


@register.simple_tag
def field_name(prefix, pk, suffix):
    return f"{prefix}_{pk}_{suffix}"


@register.filter
def warning_for(form, indicator_pk):
    return getattr(form, "warnings", {}).get(f"ind_{indicator_pk}", "")


@register.filter
def vn_round(value, places):
    from decimal import Decimal

    if value is None:
        return ""
    return decimal_format_vi(Decimal(value).quantize(Decimal(1).scaleb(-int(places))))


@register.filter
def nfc(value):
    """Text in Unicode Normalization Form C: Django's language data spells "Tiếng Việt" with
    combining marks, which the HTML checker flags and some screen readers spell out."""
    return unicodedata.normalize("NFC", str(value))
