from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context, key: str, label: str, numeric: bool = False):
    """A column header that sorts the table by `key` through a plain link (no JavaScript)."""
    request = context["request"]
    current = request.GET.get("tri", "")
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    if current == key:
        params["tri"] = f"-{key}"
        aria = "ascending"
        hint = _("trié par ordre croissant, activer pour inverser")
    elif current == f"-{key}":
        params["tri"] = key
        aria = "descending"
        hint = _("trié par ordre décroissant, activer pour inverser")
    else:
        params["tri"] = key
        aria = ""
        hint = _("activer pour trier")
    css = mark_safe(' class="num"') if numeric else ""
    aria_attr = format_html(' aria-sort="{}"', aria) if aria else ""
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(aria, "")
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}<span aria-hidden="true">{}</span>'
        '<span class="visually-hidden"> ({})</span></a></th>',
        css,
        aria_attr,
        params.urlencode(),
        label,
        arrow,
        hint,
    )


@register.simple_tag(takes_context=True)
def export_links(context, label: str = ""):
    """CSV (comma and semicolon) and JSON downloads of the current list, filters kept."""
    request = context["request"]
    links = []
    for fmt, extra, text in (
        ("csv", {}, _("CSV")),
        ("csv", {"sep": "semicolon"}, _("CSV pour tableur français (;)")),
        ("json", {}, _("JSON")),
    ):
        params = request.GET.copy()
        params.pop("page", None)
        params["format"] = fmt
        for key, value in extra.items():
            params[key] = value
        links.append(format_html('<a href="?{}" download>{}</a>', params.urlencode(), text))
    prefix = label or _("Télécharger :")
    return format_html(
        '<span class="caption-tools">{} {}</span>',
        prefix,
        format_html_join(" · ", "{}", ((link,) for link in links)),
    )


@register.simple_tag(takes_context=True)
def page_url(context, number: int):
    params = context["request"].GET.copy()
    params["page"] = number
    return "?" + params.urlencode()


@register.simple_tag
def field_widget(field):
    """The field's widget, described by its help text and its errors (aria-describedby)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
