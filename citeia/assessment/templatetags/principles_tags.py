"""Template helpers of the frugality and trust blocks (file page, result pages)."""

from django import template
from django.utils.translation import get_language

from .. import trust
from ..models import AssessmentStatus, FrugalityAssessment, TrustAssessment

register = template.Library()

GRADE_BADGES = {
    "A": "badge-ok",
    "B": "badge-ok",
    "C": "badge-neutral",
    "D": "badge-warn",
    "E": "badge-error",
}


@register.filter
def grade_badge(grade) -> str:
    return GRADE_BADGES.get(grade or "", "badge-neutral")


@register.simple_tag
def principles_for(file) -> dict:
    """The latest completed frugality and trust assessments of a file, and any draft."""
    out: dict = {}
    for key, model in (("frugality", FrugalityAssessment), ("trust", TrustAssessment)):
        rows = list(
            model.objects.filter(file=file)
            .select_related("questionnaire", "assessed_by")
            .order_by("-created_at", "-pk")[:10]
        )
        out[key] = next((r for r in rows if r.status == AssessmentStatus.COMPLETED), None)
        out[f"{key}_draft"] = rows[0] if rows and rows[0].status == AssessmentStatus.DRAFT else None
    shown = out["trust"] or out["trust_draft"]
    if shown is not None and shown.result:
        lang = "en" if (get_language() or "fr").startswith("en") else "fr"
        out["trust_svg"] = trust.profile_svg(
            shown.result, id_prefix=f"trust-block-{file.pk}", lang=lang
        )
    return out


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
