"""Form widgets rendered in Python for pages that must answer quickly.

Django renders a `<select>` through its form templates, one template per option: on the
needs ranking, whose form of seven lists is rendered on every request, that took about a
fifth of the page's time (docs/PERFORMANCE.md). `QuickSelect` writes the same markup from
the same context (`get_context`: selected values, attributes, labels), escaped by
`format_html`.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> SafeString:
    """As Django's `attrs.html`: in their order, `True` alone, `False` left out."""
    return mark_safe(  # noqa: S308 - each part escaped by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickSelect(forms.Select):
    """A single-choice list without option groups, written without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group, group_options, _index in widget["optgroups"]:
            if group:  # option groups: the templates know them
                return super().render(name, value, attrs, renderer)
            options += [
                (
                    "" if option["value"] is None else str(option["value"]),
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in group_options
            ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )
