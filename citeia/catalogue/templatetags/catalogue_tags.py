"""Catalogue template helpers: an assessment's class and grade in words."""

from django import template

from ..selectors import AiActClass

register = template.Library()

BADGES = {
    "prohibited": "badge-error",
    "high_risk": "badge-warn",
    "minimal": "badge-ok",
    "out_of_scope": "badge-neutral",
    "undetermined": "badge-neutral",
    "A": "badge-ok",
    "B": "badge-ok",
    "C": "badge-neutral",
    "D": "badge-warn",
    "E": "badge-error",
}


@register.filter
def aiact_class(outcome: str) -> str:
    """ "high_risk" -> "Risque élevé" (the Annex III point is on the solution page)."""
    return dict(AiActClass.choices).get(outcome, outcome)


@register.filter
def assessment_badge(value: str) -> str:
    return BADGES.get(value or "", "badge-neutral")
