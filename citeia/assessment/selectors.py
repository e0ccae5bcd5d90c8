"""Reads of assessment files: summaries for other apps, access helper, lists."""

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db.models import JSONField, OuterRef, Q, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from citeia.core.permissions import Action, can

from .aiact import rules
from .models import (
    AiActAssessment,
    AssessmentFile,
    AssessmentStatus,
    FileKind,
    FrugalityAssessment,
    TrustAssessment,
)


@dataclass(frozen=True)
class FileSummary:
    file_id: int
    outcome: str | None
    outcome_label: str
    high_risk_basis: str | None
    transparency: list[str] = field(default_factory=list)
    fria_required: bool = False
    fria_status: str = ""
    frugality_grade: str = ""
    trust_scores: dict[str, int] = field(default_factory=dict)
    needs_review: bool = False
    url: str = ""


def outcome_label(result: dict | None) -> str:
    """The AI Act class in words, e.g. "Risque élevé — Annexe III 5 a"."""
    if not result:
        return _("Non évalué")
    outcome = result.get("outcome")
    if outcome == "high_risk":
        basis = result.get("high_risk_basis") or ""
        if basis == "annex_i":
            return _("Risque élevé — Annexe I")
        if basis.startswith("annex_iii:"):
            point = basis.split(":", 1)[1]
            spaced = f"{point[:1]} {point[1:]}".strip()
            return _("Risque élevé — Annexe III %(point)s") % {"point": spaced}
        return _("Risque élevé")
    labels = {
        "out_of_scope": _("Hors du champ de l'AI Act"),
        "prohibited": _("Pratique interdite"),
        "minimal": _("Risque minimal"),
        "undetermined": _("Classement à compléter"),
    }
    return labels.get(outcome, _("Non évalué"))


def annex_iii_label(point: str) -> str:
    return rules.ANNEX_III_POINTS.get(point, point)


def _trust_scores(result: dict | None) -> dict[str, int]:
    """Principle -> score from a trust result dict (B's TrustResult.to_dict())."""
    if not result:
        return {}
    scores = result.get("scores")
    if isinstance(scores, dict):
        return {str(k): int(v) for k, v in scores.items() if isinstance(v, int | float)}
    principles = result.get("principles")
    out: dict[str, int] = {}
    if isinstance(principles, list):
        for item in principles:
            if isinstance(item, dict):
                key = item.get("id") or item.get("principle") or item.get("key")
                score = item.get("score")
                if key and isinstance(score, int | float):
                    out[str(key)] = int(score)
    elif isinstance(principles, dict):
        for key, item in principles.items():
            score = item.get("score") if isinstance(item, dict) else item
            if isinstance(score, int | float):
                out[str(key)] = int(score)
    return out


def _annotated(queryset):
    """Files with their latest completed assessments' data, in a single query."""
    ai_act = AiActAssessment.objects.filter(
        file=OuterRef("pk"), status=AssessmentStatus.COMPLETED
    ).order_by("-created_at", "-pk")
    frugality = FrugalityAssessment.objects.filter(
        file=OuterRef("pk"), status=AssessmentStatus.COMPLETED
    ).order_by("-created_at", "-pk")
    trust = TrustAssessment.objects.filter(
        file=OuterRef("pk"), status=AssessmentStatus.COMPLETED
    ).order_by("-created_at", "-pk")
    return queryset.annotate(
        ai_result=Subquery(ai_act.values("result")[:1], output_field=JSONField()),
        ai_needs_review=Subquery(ai_act.values("needs_review")[:1]),
        frugality_grade_value=Subquery(frugality.values("grade")[:1]),
        frugality_needs_review=Subquery(frugality.values("needs_review")[:1]),
        trust_result=Subquery(trust.values("result")[:1], output_field=JSONField()),
        trust_needs_review=Subquery(trust.values("needs_review")[:1]),
        fria_status_value=Subquery(
            AssessmentFile.objects.filter(pk=OuterRef("pk")).values("fria__status")[:1]
        ),
    )


def _decode(value):
    # Some backends hand a JSON subquery back as text.
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _summary(file: AssessmentFile) -> FileSummary:
    result = _decode(getattr(file, "ai_result", None)) or None
    return FileSummary(
        file_id=file.pk,
        outcome=result.get("outcome") if result else None,
        outcome_label=outcome_label(result),
        high_risk_basis=result.get("high_risk_basis") if result else None,
        transparency=list(result.get("transparency", [])) if result else [],
        fria_required=bool(result.get("fria_required")) if result else False,
        fria_status=file.fria_status_value or "",
        frugality_grade=file.frugality_grade_value or "",
        trust_scores=_trust_scores(_decode(file.trust_result)),
        needs_review=bool(
            file.ai_needs_review or file.frugality_needs_review or file.trust_needs_review
        ),
        url=reverse("assessment:file_detail", args=[file.pk]),
    )


def file_summary(file: AssessmentFile | None) -> FileSummary | None:
    if file is None:
        return None
    annotated = _annotated(AssessmentFile.objects.filter(pk=file.pk)).first()
    return _summary(annotated) if annotated else None


def summaries_for_solutions(solution_ids) -> dict[int, FileSummary]:
    """Summaries of the solution files of these solutions, keyed by solution id (one query)."""
    files = _annotated(
        AssessmentFile.objects.filter(kind=FileKind.SOLUTION, solution_id__in=list(solution_ids))
    )
    return {file.solution_id: _summary(file) for file in files}


def file_for_solution(solution) -> AssessmentFile | None:
    return (
        AssessmentFile.objects.filter(kind=FileKind.SOLUTION, solution=solution)
        .select_related("organisation", "solution")
        .first()
    )


# Access -------------------------------------------------------------------------------


def _private(file: AssessmentFile) -> SimpleNamespace:
    """The file as if it were not public: who may see its non-public parts."""
    return SimpleNamespace(owner_organisation=file.organisation, is_public=False, in_review=False)


def _evaluates_solution(user, file: AssessmentFile) -> bool:
    # Experts and the programme team assess published catalogue solutions.
    return file.kind == FileKind.SOLUTION and can(user, Action.EVALUATE, file.solution)


def can_read_details(user, file: AssessmentFile) -> bool:
    """Members, programme team, evaluating experts, administrators: the whole file."""
    return can(user, Action.VIEW, _private(file)) or _evaluates_solution(user, file)


def can_write(user, file: AssessmentFile) -> bool:
    return can(user, Action.CHANGE, file) or _evaluates_solution(user, file)


def get_file_for_user(user, pk, *, write: bool = False) -> AssessmentFile:
    """The file if the user may read it (and write it with write=True); 404/403 otherwise."""
    file = (
        AssessmentFile.objects.select_related("organisation", "solution", "solution__vendor")
        .filter(pk=pk)
        .first()
    )
    if file is None:
        raise Http404
    readable = can_read_details(user, file) or can(user, Action.VIEW, file)
    if not readable:
        # Never say that another organisation's file exists.
        raise Http404
    if write and not can_write(user, file):
        raise PermissionDenied
    return file


def files_for_user(user):
    """Files of the user's organisations (members of any role), newest first."""
    org_ids = list(user.active_roles()) if user.is_authenticated else []
    return _annotated(
        AssessmentFile.objects.filter(organisation_id__in=org_ids)
        .select_related("organisation", "solution")
        .order_by("-updated_at", "-pk")
    )


def solutions_without_file(user):
    """Catalogue solutions of organisations the user edits for, still without a file."""
    roles = user.active_roles() if user.is_authenticated else {}
    editable = [pk for pk, role in roles.items() if role in ("editor", "manager")]
    from citeia.catalogue.models import Solution

    return list(
        Solution.objects.filter(vendor_id__in=editable)
        .exclude(assessment_files__kind=FileKind.SOLUTION)
        .select_related("vendor")
        .order_by("name")[:100]
    )


def summaries(files) -> list[tuple[AssessmentFile, FileSummary]]:
    return [(file, _summary(file)) for file in files]


def history(file: AssessmentFile) -> list[dict]:
    """Who assessed what, when, under which rule set or questionnaire version."""
    rows: list[dict] = []
    for assessment in file.ai_act_assessments.select_related("assessed_by"):
        rows.append(
            {
                "when": assessment.completed_at or assessment.created_at,
                "what": _("AI Act"),
                "who": assessment.assessed_by,
                "version": assessment.rule_set_version,
                "status": assessment.get_status_display(),
                "detail": outcome_label(assessment.result),
                "needs_review": assessment.needs_review,
            }
        )
    for kind, queryset in (
        (_("Sobriété"), file.frugality_assessments.select_related("assessed_by", "questionnaire")),
        (_("Confiance"), file.trust_assessments.select_related("assessed_by", "questionnaire")),
    ):
        for assessment in queryset:
            rows.append(
                {
                    "when": assessment.completed_at or assessment.created_at,
                    "what": kind,
                    "who": assessment.assessed_by,
                    "version": assessment.questionnaire.version,
                    "status": assessment.get_status_display(),
                    "detail": getattr(assessment, "grade", "") or "",
                    "needs_review": assessment.needs_review,
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows


def outdated_ai_act_assessments(current_version: str):
    return AiActAssessment.objects.filter(status=AssessmentStatus.COMPLETED).filter(
        ~Q(rule_set_version=current_version)
    )
