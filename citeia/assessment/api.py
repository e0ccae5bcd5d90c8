"""Évaluations : AI Act, sobriété, confiance — API. Registered in citeia/api.py under "/assessments".

- POST /ai-act/classify: public, facts in, result out (422 naming each faulty field);
- GET /files, GET /files/{id}, PUT /files/{id}/ai-act: the caller's assessment files.
"""

import json
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.errors import HttpError

from citeia.core.api import COMMON_ERRORS, NOT_FOUND, PUBLIC, ErrorOut, ValidationErrorOut

from . import selectors, services
from .aiact import Facts, FactsError, classify, rules
from .api_principles import router as principles_router

router = Router(tags=["Évaluations"])
# A file id that fits the database column (a bigger one is a 422, not a 500).
FILE_ID = Path(..., ge=1, le=2_147_483_647)


class FileOut(Schema):
    id: int
    kind: str
    name: str
    organisation: str
    solution: str | None
    outcome: str | None
    outcome_label: str
    high_risk_basis: str | None
    transparency: list[str]
    fria_required: bool
    fria_status: str
    frugality_grade: str
    trust_scores: dict[str, int]
    needs_review: bool
    updated_at: datetime
    url: str


class FileDetailOut(FileOut):
    ai_act: dict[str, Any] | None


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _facts_schema() -> dict:
    """The facts as JSON Schema, contradictions included, so that the API says what it accepts."""
    boolean = _nullable({"type": "boolean"})

    def choice(values) -> dict:
        return _nullable({"type": "string", "enum": list(values)})

    def listing(values) -> dict:
        return _nullable(
            {
                "type": "array",
                "items": {"type": "string", "enum": list(values)},
                "uniqueItems": True,
            }
        )

    properties = {
        "is_ai_system": boolean,
        "exclusion": choice(rules.EXCLUSIONS),
        "role": choice(rules.ROLES),
        "deployer_changes": listing(rules.DEPLOYER_CHANGES),
        "public_body": boolean,
        "provides_public_service": boolean,
        "prohibited_practices": listing(rules.PROHIBITED_PRACTICES),
        "annex_i_safety_component": boolean,
        "annex_iii_point": choice(rules.ANNEX_III_POINTS),
        "derogation": choice(rules.DEROGATIONS),
        "profiles_natural_persons": boolean,
        "interacts_with_people": boolean,
        "generates_synthetic_content": boolean,
        "emotion_recognition_or_biometric_categorisation": boolean,
        "deepfake_or_public_interest_text": boolean,
        "first_put_into_service": _nullable({"type": "string", "format": "date"}),
    }
    some = {"type": "array", "minItems": 1}

    def never(**conditions) -> dict:
        return {"not": {"required": list(conditions), "properties": conditions}}

    return {
        "type": "object",
        "description": "Faits AI Act (docs/aiact.md) ; une clé absente vaut « inconnu ».",
        "properties": properties,
        "additionalProperties": False,
        "allOf": [
            never(exclusion={"type": "string"}, prohibited_practices=some),
            never(is_ai_system={"const": False}, prohibited_practices=some),
            never(derogation={"type": "string"}, annex_iii_point={"type": "null"}),
            never(role={"const": "provider"}, deployer_changes=some),
        ],
    }


FACTS_REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": _facts_schema()}},
}


def _read_facts(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise HttpError(400, _("Le corps de la requête n'est pas du JSON valide.")) from exc


def _user(request):
    if not request.user.is_authenticated:
        raise HttpError(401, _("Authentification requise : en-tête Authorization: Bearer <jeton>."))
    return request.user


def _file_out(request, file, summary) -> dict:
    return {
        "id": file.pk,
        "kind": file.kind,
        "name": file.name,
        "organisation": file.organisation.slug,
        "solution": file.solution.slug if file.solution_id else None,
        "outcome": summary.outcome,
        "outcome_label": summary.outcome_label,
        "high_risk_basis": summary.high_risk_basis,
        "transparency": summary.transparency,
        "fria_required": summary.fria_required,
        "fria_status": summary.fria_status,
        "frugality_grade": summary.frugality_grade,
        "trust_scores": summary.trust_scores,
        "needs_review": summary.needs_review,
        "updated_at": file.updated_at,
        "url": request.build_absolute_uri(summary.url),
    }


def _ai_act(file) -> dict | None:
    current = file.current_ai_act
    if current is None or current.status != "completed":
        return None
    return {
        "facts": current.facts,
        "result": current.result,
        "rule_set_version": current.rule_set_version,
        "completed_at": current.completed_at.isoformat() if current.completed_at else None,
        "needs_review": current.needs_review,
        "review_reason": current.review_reason,
    }


@router.post(
    "/ai-act/classify",
    response={200: dict[str, Any], 400: ErrorOut, 422: ValidationErrorOut},
    openapi_extra={**PUBLIC, "requestBody": FACTS_REQUEST_BODY},
    summary="Classer un système selon l'AI Act (public)",
)
def ai_act_classify(request):
    """Les faits (docs/aiact.md) en entrée, le résultat expliqué en sortie. Rien n'est enregistré."""
    facts = _read_facts(request)
    try:
        return classify(Facts.from_dict(facts)).to_dict()
    except FactsError as exc:
        return Status(
            422, {"detail": _("Les faits contiennent des erreurs."), "errors": exc.to_dict()}
        )


@router.get("/files", response={200: list[FileOut], **COMMON_ERRORS})
def files_list(request):
    """Les dossiers d'évaluation des organisations de l'appelant."""
    user = _user(request)
    files = list(selectors.files_for_user(user)[:500])
    return [_file_out(request, file, summary) for file, summary in selectors.summaries(files)]


def _get(request, file_id: int, *, write: bool = False):
    user = _user(request)
    try:
        return selectors.get_file_for_user(user, file_id, write=write)
    except Http404 as exc:
        raise HttpError(404, _("Dossier introuvable.")) from exc
    except PermissionDenied as exc:
        raise HttpError(403, _("Vous ne pouvez pas modifier ce dossier.")) from exc


@router.get(
    "/files/{file_id}",
    response={200: FileDetailOut, 403: ErrorOut, **NOT_FOUND, **COMMON_ERRORS},
)
def files_detail(request, file_id: int = FILE_ID):
    file = _get(request, file_id)
    if not selectors.can_read_details(request.user, file):
        raise HttpError(403, _("Vous ne pouvez pas lire ce dossier en entier."))
    data = _file_out(request, file, selectors.file_summary(file))
    data["ai_act"] = _ai_act(file)
    return data


@router.put(
    "/files/{file_id}/ai-act",
    response={
        200: FileDetailOut,
        400: ErrorOut,
        403: ErrorOut,
        422: ValidationErrorOut,
        **NOT_FOUND,
        401: ErrorOut,
    },
    openapi_extra={"requestBody": FACTS_REQUEST_BODY},
)
def files_ai_act_write(request, file_id: int = FILE_ID):
    """Enregistre les faits AI Act du dossier (évaluation terminée) et rend le résultat."""
    file = _get(request, file_id, write=True)
    facts = _read_facts(request)
    try:
        services.ai_act_write_facts(file=file, facts=facts, user=request.user)
    except FactsError as exc:
        return Status(
            422, {"detail": _("Les faits contiennent des erreurs."), "errors": exc.to_dict()}
        )
    file = selectors.get_file_for_user(request.user, file_id)
    data = _file_out(request, file, selectors.file_summary(file))
    data["ai_act"] = _ai_act(file)
    return data


router.add_router("", principles_router)
