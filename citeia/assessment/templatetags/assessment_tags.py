import datetime

from django import template
from django.utils.translation import gettext as _

from ..selectors import outcome_label

register = template.Library()

BADGES = {
    "prohibited": "badge-error",
    "high_risk": "badge-warn",
    "minimal": "badge-ok",
    "out_of_scope": "badge-neutral",
    "undetermined": "badge-neutral",
}


@register.filter
def outcome_badge(outcome) -> str:
    return BADGES.get(outcome or "", "badge-neutral")


@register.filter
def result_label(result) -> str:
    return outcome_label(result)


@register.filter
def iso_date(value):
    """An ISO date string from a result, as a date for the |date filter."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value


@register.filter
def role_label(role) -> str:
    return {"provider": _("fournisseur"), "deployer": _("déployeur")}.get(role or "", _("inconnu"))
