"""Writes (and the few reads they need) for frugality and trust assessments.

Scores, grades and estimates are computed by the pure modules `frugality` and `trust`;
this module only loads the questionnaire in force, keeps drafts and completed
assessments, and flags the assessments made under an older questionnaire.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import frugality, trust
from .frugality.answers import AnswerIssue, AnswersError
from .models import (
    AssessmentFile,
    AssessmentStatus,
    FrugalityAssessment,
    Questionnaire,
    QuestionnaireKind,
    TrustAssessment,
)

# Questionnaires ------------------------------------------------------------------------


_PARSED: dict[tuple[str, str], object] = {}


def parsed(row: Questionnaire):
    """The pure questionnaire of a stored version (cached by content)."""
    key = (row.kind, hashlib.sha256(json.dumps(row.content, sort_keys=True).encode()).hexdigest())
    if key not in _PARSED:
        parse = trust.parse_questionnaire if row.kind == QuestionnaireKind.TRUST else None
        _PARSED[key] = parse(row.content) if parse else frugality.parse_questionnaire(row.content)
    return _PARSED[key]


def current_questionnaire(kind: str) -> Questionnaire:
    row = Questionnaire.objects.filter(kind=kind, is_current=True).first()
    if row is None:
        raise Questionnaire.DoesNotExist(f"No current {kind} questionnaire")
    return row


def validate_questionnaire_content(kind: str, content) -> None:
    """For the admin: raise ValidationError with the parser's French message."""
    try:
        if kind == QuestionnaireKind.TRUST:
            trust.parse_questionnaire(content)
        else:
            frugality.parse_questionnaire(content)
    except frugality.QuestionnaireError as error:
        raise ValidationError({"content": str(error)}) from error


# Reads of a file's assessments -----------------------------------------------------------


def latest(file: AssessmentFile, model, *, status: str | None = None):
    rows = model.objects.filter(file=file).select_related("questionnaire", "assessed_by")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk").first()


def draft_of(file: AssessmentFile, model):
    row = latest(file, model)
    return row if row is not None and row.status == AssessmentStatus.DRAFT else None


def carry_answers(previous, q) -> dict:
    """Answers of a previous assessment that still fit the questionnaire `q`."""
    if previous is None:
        return {}
    known = q.all_items()
    carried: dict = {}
    for section in ("gate", "items"):
        entries = (previous.answers or {}).get(section) or {}
        kept = {key: value for key, value in entries.items() if key in known}
        if q.gate is not None or section == "items":
            carried[section] = kept
    issues = (
        frugality.validate_answers(q, carried)
        if q.kind == "frugality"
        else trust.validate_answers(q, carried)
    )
    for issue in issues:
        carried.get(issue.path.split(".")[0], {}).pop(issue.item_id, None)
    return carried


# Frugality -------------------------------------------------------------------------------


@transaction.atomic
def frugality_start(*, file: AssessmentFile, user) -> FrugalityAssessment:
    """The draft being filled in, or a new one with the current questionnaire.

    A new draft starts from the latest completed answers and declared usage, so an update
    only asks what changed.
    """
    draft = draft_of(file, FrugalityAssessment)
    if draft is not None:
        return draft
    row = current_questionnaire(QuestionnaireKind.FRUGALITY)
    q = parsed(row)
    previous = latest(file, FrugalityAssessment, status=AssessmentStatus.COMPLETED)
    answers = carry_answers(previous, q)
    result = frugality.score(q, answers)
    return FrugalityAssessment.objects.create(
        file=file,
        questionnaire=row,
        answers=answers,
        usage=dict(previous.usage) if previous else {},
        estimate=dict(previous.estimate) if previous else {},
        result=result.to_dict(),
        grade=result.grade,
        assessed_by=user,
    )


def _frugality_score(assessment: FrugalityAssessment, answers: dict):
    return frugality.score(parsed(assessment.questionnaire), answers)


@transaction.atomic
def frugality_save(*, assessment: FrugalityAssessment, answers: dict, user) -> FrugalityAssessment:
    """Save the answers as a draft with a provisional result. AnswersError if invalid."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("Cette évaluation est terminée : ouvrez une mise à jour."))
    result = _frugality_score(assessment, answers)
    assessment.answers = answers
    assessment.result = result.to_dict()
    assessment.grade = result.grade
    assessment.assessed_by = user
    assessment.save()
    return assessment


@transaction.atomic
def frugality_complete(
    *, assessment: FrugalityAssessment, answers: dict, user
) -> FrugalityAssessment:
    """Save and complete: every question must be answered (AnswersError otherwise).

    When the gate fails, the items need not be answered: the service is not frugal.
    """
    result = _frugality_score(assessment, answers)
    q = parsed(assessment.questionnaire)
    missing = list(result.missing)
    if result.gate_status == "failed":
        gate_ids = {i.id for i in q.gate.items} if q.gate else set()
        missing = [m for m in missing if m in gate_ids]
    if missing:
        items = q.all_items()
        gate_ids = {i.id for i in q.gate.items} if q.gate else set()
        raise AnswersError(
            [
                AnswerIssue(
                    f"{'gate' if m in gate_ids else 'items'}.{m}",
                    m,
                    _("« %(question)s » : répondez pour terminer l'évaluation.")
                    % {"question": items[m].question},
                    "missing",
                )
                for m in missing
            ]
        )
    frugality_save(assessment=assessment, answers=answers, user=user)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.needs_review = False
    assessment.review_reason = ""
    assessment.save()
    assessment.file.save(update_fields=["updated_at"])
    _refresh_catalogue(assessment.file)
    return assessment


def _refresh_catalogue(file) -> None:
    """A solution's frugality grade is a catalogue facet: keep its figures current."""
    if file.solution_id:
        from citeia.catalogue.services import solution_figures_refresh

        solution_figures_refresh(solution_ids=[file.solution_id])


@transaction.atomic
def frugality_estimate_save(
    *, assessment: FrugalityAssessment, usage: dict, user, measurement: dict | None = None
) -> FrugalityAssessment:
    """Store the declared usage and its estimate (UsageError naming the field otherwise).

    The estimate is kept even on a completed assessment: it does not change the grade.
    `measurement` (a sandbox run's energy, `sandbox.selectors.energy_measurement`) is
    recorded with the estimate when its energy per request was used.
    """
    usage = {key: value for key, value in usage.items() if value not in (None, "")}
    result = frugality.estimate(usage)
    assessment.usage = usage
    assessment.estimate = result.to_dict()
    if measurement is not None:
        assessment.estimate["measurement"] = {
            "run": str(measurement["run"].public_id),
            "wh_per_prediction": measurement["wh_per_prediction"],
            "it_wh_per_prediction": measurement["it_wh_per_prediction"],
            "pue": measurement["pue"],
            "method": measurement["method"],
            "date": measurement["date"].isoformat() if measurement["date"] else "",
        }
    assessment.assessed_by = user
    assessment.save()
    return assessment


# Trust -----------------------------------------------------------------------------------


@transaction.atomic
def trust_start(*, file: AssessmentFile, user) -> TrustAssessment:
    draft = draft_of(file, TrustAssessment)
    if draft is not None:
        return draft
    row = current_questionnaire(QuestionnaireKind.TRUST)
    q = parsed(row)
    previous = latest(file, TrustAssessment, status=AssessmentStatus.COMPLETED)
    answers = carry_answers(previous, q)
    return TrustAssessment.objects.create(
        file=file,
        questionnaire=row,
        answers=answers,
        result=trust.score(q, answers).to_dict(),
        assessed_by=user,
    )


@transaction.atomic
def trust_save(*, assessment: TrustAssessment, answers: dict, user) -> TrustAssessment:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("Cette évaluation est terminée : ouvrez une mise à jour."))
    result = trust.score(parsed(assessment.questionnaire), answers)
    assessment.answers = answers
    assessment.result = result.to_dict()
    assessment.assessed_by = user
    assessment.save()
    return assessment


@transaction.atomic
def trust_complete(*, assessment: TrustAssessment, answers: dict, user) -> TrustAssessment:
    q = parsed(assessment.questionnaire)
    result = trust.score(q, answers)
    if result.missing:
        items = q.all_items()
        raise AnswersError(
            [
                AnswerIssue(
                    f"items.{m}",
                    m,
                    _("« %(question)s » : répondez pour terminer l'évaluation.")
                    % {"question": items[m].question},
                    "missing",
                )
                for m in result.missing
            ]
        )
    trust_save(assessment=assessment, answers=answers, user=user)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.needs_review = False
    assessment.review_reason = ""
    assessment.save()
    assessment.file.save(update_fields=["updated_at"])
    return assessment


# Questionnaire changes -------------------------------------------------------------------


@transaction.atomic
def flag_outdated_principles() -> list[FrugalityAssessment | TrustAssessment]:
    """Mark completed assessments made with a questionnaire that is no longer in force as
    "to review", the reason being the difference between the two versions (in French)."""
    flagged: list[FrugalityAssessment | TrustAssessment] = []
    for kind, model in (
        (QuestionnaireKind.FRUGALITY, FrugalityAssessment),
        (QuestionnaireKind.TRUST, TrustAssessment),
    ):
        current = Questionnaire.objects.filter(kind=kind, is_current=True).first()
        if current is None:
            continue
        new = parsed(current)
        rows = (
            model.objects.filter(status=AssessmentStatus.COMPLETED, needs_review=False)
            .exclude(questionnaire=current)
            .select_related("questionnaire")
        )
        # Only the latest completed assessment of each file matters.
        seen: set[int] = set()
        for row in rows.order_by("file_id", "-created_at", "-pk"):
            if row.file_id in seen:
                continue
            seen.add(row.file_id)
            try:
                old = parsed(row.questionnaire)
                lines = (
                    trust.diff_questionnaires(old, new)
                    if kind == QuestionnaireKind.TRUST
                    else frugality.diff_questionnaires(old, new)
                )
            except frugality.QuestionnaireError:
                lines = [
                    _(
                        "Le questionnaire %(old)s n'est plus lisible ; la version %(new)s le remplace."
                    )
                    % {"old": row.questionnaire.version, "new": current.version}
                ]
            row.needs_review = True
            row.review_reason = "\n".join(lines)
            row.save(update_fields=["needs_review", "review_reason", "updated_at"])
            flagged.append(row)
    return flagged
