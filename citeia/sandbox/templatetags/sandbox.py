from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value, digits=1):
    """0.6234 → "62,3 %" (localised decimal separator)."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, int(digits))} %"


@register.filter
def num(value, digits=2):
    if value is None or value == "":
        return "—"
    return number_format(float(value), int(digits), force_grouping=True)


@register.filter
def sci(value):
    if value is None:
        return "—"
    return f"{float(value):.2e}"


@register.filter
def megabytes(value):
    return number_format((value or 0) / (1024 * 1024), 1, force_grouping=True)
