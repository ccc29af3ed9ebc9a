from django import template

from reporting.forms import ratio_preview

register = template.Library()


@register.filter
def ratio_text(value):
    """A ratio as the forms show it while typing: "87,5% (350/400)"."""
    return ratio_preview(value)
