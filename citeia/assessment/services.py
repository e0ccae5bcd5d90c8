"""Writes on assessment files: files, AI Act assessments, obligations checklist, FRIA, review flags."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .aiact import RULE_SET_VERSION, Facts, FactsError, classify
from .models import (
    AiActAssessment,
    AssessmentFile,
    AssessmentStatus,
    FileKind,
    Fria,
    FriaStatus,
    ObligationCheck,
)
from .questionnaire import QUESTIONS_BY_KEY, UNKNOWN_ANSWER


def _classify(facts: dict) -> dict:
    return classify(Facts.from_dict(facts)).to_dict()


# Files --------------------------------------------------------------------------------


@transaction.atomic
def file_for_system(*, organisation, name, solution=None, user, description="") -> AssessmentFile:
    """The file of a system the organisation uses, created on first call (the register links it)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Donnez le nom du système.")})
    file = AssessmentFile.objects.filter(
        kind=FileKind.SYSTEM, organisation=organisation, name=name
    ).first()
    if file is not None:
        return file
    return AssessmentFile.objects.create(
        kind=FileKind.SYSTEM,
        organisation=organisation,
        name=name,
        description=description,
        solution=solution,
        created_by=user,
    )


@transaction.atomic
def file_for_solution_get_or_create(*, solution, user) -> AssessmentFile:
    file, _created = AssessmentFile.objects.get_or_create(
        kind=FileKind.SOLUTION,
        solution=solution,
        defaults={
            "organisation": solution.vendor,
            "name": solution.name,
            "description": solution.summary,
            "created_by": user,
            "is_demo": getattr(solution, "is_demo", False),
        },
    )
    return file


# AI Act -------------------------------------------------------------------------------


def ai_act_draft(file: AssessmentFile) -> AiActAssessment | None:
    """The draft being filled in, if it is newer than the latest completed assessment."""
    latest = file.ai_act_assessments.order_by("-created_at", "-pk").first()
    if latest is not None and latest.status == AssessmentStatus.DRAFT:
        return latest
    return None


@transaction.atomic
def ai_act_start(*, file: AssessmentFile, user) -> AiActAssessment:
    """Resume the draft, or open one (from the latest completed answers, if any)."""
    draft = ai_act_draft(file)
    if draft is not None:
        return draft
    previous = file.ai_act_assessments.filter(status=AssessmentStatus.COMPLETED).first()
    facts = dict(previous.facts) if previous else {}
    if not previous and file.kind == FileKind.SYSTEM:
        # A commune assessing a system it uses: it is a public body and, most often, the deployer.
        from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS

        if file.organisation.kind in PUBLIC_AUTHORITY_KINDS:
            facts["public_body"] = True
    unknown = list(previous.unknown_answers) if previous else []
    return AiActAssessment.objects.create(
        file=file,
        facts=facts,
        unknown_answers=unknown,
        result=_classify(facts),
        rule_set_version=RULE_SET_VERSION,
        assessed_by=user,
    )


@transaction.atomic
def ai_act_answer(*, assessment: AiActAssessment, key: str, value, user) -> AiActAssessment:
    """Record one answer (value UNKNOWN_ANSWER for "je ne sais pas") and re-classify.

    Raises FactsError naming the field when the answer contradicts another one; nothing
    is then saved.
    """
    if key not in QUESTIONS_BY_KEY:
        raise ValidationError({"key": _("Question inconnue.")})
    facts = dict(assessment.facts)
    unknown = [name for name in assessment.unknown_answers if name != key]
    if value is UNKNOWN_ANSWER:
        facts.pop(key, None)
        unknown.append(key)
    else:
        facts[key] = value
    result = _classify(facts)  # raises FactsError on contradictions
    assessment.facts = facts
    assessment.unknown_answers = unknown
    assessment.result = result
    assessment.rule_set_version = RULE_SET_VERSION
    assessment.current_step = key
    assessment.assessed_by = user
    assessment.save()
    return assessment


def _sync_checks(assessment: AiActAssessment, previous: AiActAssessment | None) -> None:
    """One check per obligation; ticks and evidence carry over from the previous assessment."""
    carried = {}
    if previous is not None:
        carried = {check.article: check for check in previous.obligation_checks.all()}
    articles = [item["article"] for item in assessment.result.get("obligations", [])]
    existing = set(assessment.obligation_checks.values_list("article", flat=True))
    for article in articles:
        if article in existing:
            continue
        old = carried.get(article)
        ObligationCheck.objects.create(
            assessment=assessment,
            article=article,
            done=old.done if old else False,
            evidence=old.evidence if old else "",
            evidence_url=old.evidence_url if old else "",
            checked_by=old.checked_by if old else None,
            checked_at=old.checked_at if old else None,
        )


@transaction.atomic
def ai_act_complete(*, assessment: AiActAssessment, user) -> AiActAssessment:
    previous = (
        assessment.file.ai_act_assessments.filter(status=AssessmentStatus.COMPLETED)
        .exclude(pk=assessment.pk)
        .first()
    )
    assessment.result = _classify(assessment.facts)
    assessment.rule_set_version = RULE_SET_VERSION
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.assessed_by = user
    assessment.needs_review = False
    assessment.review_reason = ""
    assessment.save()
    _sync_checks(assessment, previous)
    assessment.file.save(update_fields=["updated_at"])
    if assessment.file.solution_id:
        # The AI Act class is a catalogue facet: keep the solution's figures current.
        from citeia.catalogue.services import solution_figures_refresh

        solution_figures_refresh(solution_ids=[assessment.file.solution_id])
    return assessment


@transaction.atomic
def ai_act_write_facts(*, file: AssessmentFile, facts: dict, user) -> AiActAssessment:
    """Write a whole set of facts (API): a new completed assessment. FactsError if invalid."""
    normalised = Facts.from_dict(facts).to_dict()
    draft = ai_act_draft(file)
    if draft is None:
        draft = AiActAssessment.objects.create(file=file, assessed_by=user)
    draft.facts = normalised
    draft.unknown_answers = []
    draft.save()
    return ai_act_complete(assessment=draft, user=user)


@transaction.atomic
def obligation_check_update(
    *, check: ObligationCheck, done: bool, evidence: str, evidence_url: str, user
) -> ObligationCheck:
    if done and not evidence.strip() and not evidence_url.strip():
        raise ValidationError(
            {"evidence": _("Décrivez ce qui a été fait ou donnez un lien vers la preuve.")}
        )
    check.done = done
    check.evidence = evidence.strip()
    check.evidence_url = evidence_url.strip()
    check.checked_by = user
    check.checked_at = timezone.now()
    check.save()
    return check


# FRIA ---------------------------------------------------------------------------------


@transaction.atomic
def fria_save(*, file: AssessmentFile, data: dict, user) -> Fria:
    fria = Fria.objects.filter(file=file).first() or Fria(file=file)
    for name in (*Fria.PARTS, "dpia_reference", "eu_database_summary", "status", "notified_on"):
        if name in data:
            setattr(fria, name, data[name])
    errors = {}
    if fria.status in (FriaStatus.COMPLETED, FriaStatus.NOTIFIED):
        for name in Fria.PARTS:
            if not (getattr(fria, name) or "").strip():
                errors[name] = _("Cette partie est obligatoire pour terminer la FRIA.")
    if fria.status == FriaStatus.NOTIFIED and not fria.notified_on:
        errors["notified_on"] = _("Indiquez la date de notification.")
    if errors:
        raise ValidationError(errors)
    if not fria.eu_database_summary.strip():
        fria.eu_database_summary = eu_database_summary_text(fria)
    fria.updated_by = user
    fria.save()
    return fria


def eu_database_summary_text(fria: Fria) -> str:
    """The summary of the FRIA (and DPIA reference) for the EU database entry (Art. 49(3))."""
    file = fria.file
    lines = [
        _("Système : %(name)s — %(organisation)s")
        % {"name": file.name, "organisation": file.organisation.name},
    ]
    parts = [
        (_("Processus"), fria.processes),
        (_("Période et fréquence"), fria.period_and_frequency),
        (_("Personnes concernées"), fria.affected_categories),
        (_("Risques identifiés"), fria.specific_risks),
        (_("Contrôle humain"), fria.human_oversight),
        (_("Mesures et réclamations"), fria.mitigation_and_complaints),
    ]
    for label, text in parts:
        text = " ".join((text or "").split())
        if text:
            if len(text) > 300:
                text = text[:297].rstrip() + "…"
            lines.append(f"{label} : {text}")
    if fria.dpia_reference:
        lines.append(_("AIPD (RGPD) : %(ref)s") % {"ref": fria.dpia_reference})
    return "\n".join(lines)


# Rule-set changes ---------------------------------------------------------------------


def _obligation_keys(result: dict) -> set[tuple[str, str]]:
    return {(item["article"], item["applies_from"]) for item in result.get("obligations", [])}


def review_reason(old: dict, new: dict, old_version: str, new_version: str) -> str:
    """The difference between a stored result and the one the current rules give, in words."""
    from .selectors import outcome_label

    lines = [
        _("Les règles AI Act sont passées de la version %(old)s à %(new)s.")
        % {"old": old_version or "?", "new": new_version}
    ]
    if old.get("outcome") != new.get("outcome") or old.get("high_risk_basis") != new.get(
        "high_risk_basis"
    ):
        lines.append(
            _("Le classement change : %(old)s → %(new)s.")
            % {"old": outcome_label(old), "new": outcome_label(new)}
        )
    else:
        lines.append(_("Le classement ne change pas (%(label)s).") % {"label": outcome_label(new)})
    before, after = _obligation_keys(old), _obligation_keys(new)
    added = sorted(after - before)
    removed = sorted(before - after)
    if added:
        lines.append(
            _("Obligations nouvelles ou redatées : %(list)s.")
            % {"list": ", ".join(f"{article} ({date})" for article, date in added)}
        )
    if removed:
        lines.append(
            _("Obligations retirées ou redatées : %(list)s.")
            % {"list": ", ".join(f"{article} ({date})" for article, date in removed)}
        )
    if not added and not removed:
        lines.append(_("Les obligations ne changent pas."))
    return "\n".join(lines)


@transaction.atomic
def flag_outdated_assessments(*, current_version: str = RULE_SET_VERSION) -> list[AiActAssessment]:
    """Mark completed assessments made under another rule set as "to review", with the difference."""
    from .selectors import outdated_ai_act_assessments

    flagged = []
    for assessment in outdated_ai_act_assessments(current_version).filter(needs_review=False):
        try:
            new = _classify(assessment.facts)
        except FactsError as exc:
            reason = _(
                "Les règles AI Act sont passées de la version %(old)s à %(new)s et les faits "
                "enregistrés ne sont plus valides : %(error)s"
            ) % {"old": assessment.rule_set_version, "new": current_version, "error": exc}
        else:
            reason = review_reason(
                assessment.result, new, assessment.rule_set_version, current_version
            )
        assessment.needs_review = True
        assessment.review_reason = reason
        assessment.flagged_at = timezone.now()
        assessment.save(update_fields=["needs_review", "review_reason", "flagged_at"])
        flagged.append(assessment)
    return flagged
