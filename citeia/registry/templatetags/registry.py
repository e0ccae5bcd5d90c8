"""The register's records on other apps' pages (the commune page), without their views
knowing about the register."""

from django import template

from citeia.registry import selectors

register = template.Library()


@register.inclusion_tag("registry/includes/commune_records_list.html")
def commune_records(commune):
    return {"commune": commune, "versions": selectors.records_for_commune(commune)}
