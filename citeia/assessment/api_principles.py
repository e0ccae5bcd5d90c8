"""Frugality and trust assessments — API (added to the assessment router, /api/assessments).

- POST /frugality/estimate: public; declared usage in, yearly kWh and kgCO2e out;
- GET /questionnaires/{kind}: public; the questionnaire in force (item ids, references);
- GET, PUT /files/{id}/frugality and /files/{id}/trust: a file's assessments (token);
  POST .../complete completes the draft; PUT /files/{id}/frugality/usage saves the estimate.
"""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Router, Status
from ninja.errors import HttpError

from citeia.core.api import COMMON_ERRORS, NOT_FOUND, PUBLIC, ErrorOut, ValidationErrorOut

from . import frugality, selectors, trust
from . import services_principles as services
from .frugality import GRID_FRANCE, ZONES
from .frugality.answers import ANSWER_VALUES, EVIDENCE_MAX_LENGTH, AnswerIssue, AnswersError
from .frugality.estimate import FIELD_LABELS, LIMITS, SOURCE_MAX_LENGTH
from .models import AssessmentStatus, FrugalityAssessment, QuestionnaireKind, TrustAssessment

router = Router(tags=["Évaluations"])
USAGE_BODY = Body(...)  # the usage object is the whole request body
ANSWERS_BODY = Body(...)  # {"answers": {...}}

NON_BLANK = r"^[^\x00]*\S[^\x00]*$"
NO_NUL_TEXT = r"^[^\x00]*$"
INFERENCE_OPTIONAL = (
    "days_per_year",
    "training_energy_kwh",
    "lifetime_years",
    "pue",
    "servers",
    "gpus",
    "server_embodied_kgco2e",
    "gpu_embodied_kgco2e",
    "server_lifetime_years",
    "gpu_lifetime_years",
)


def _number(key: str) -> dict[str, Any]:
    low, high, unit = LIMITS[key]
    description = FIELD_LABELS[key] + (f" ({unit})" if unit else "")
    return {"type": "number", "minimum": low, "maximum": high, "description": description}


def _inference_variant(energy: tuple[str, ...], *, declared: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"method": {"type": "string", "enum": ["inference"]}}
    for key in (*energy, "requests_per_day", *INFERENCE_OPTIONAL):
        properties[key] = _number(key)
    required = [*energy, "requests_per_day"]
    if declared:
        properties["carbon_intensity_g_per_kwh"] = _number("carbon_intensity_g_per_kwh")
        properties["carbon_intensity_source"] = {
            "type": "string",
            "minLength": 1,
            "maxLength": SOURCE_MAX_LENGTH,
            "pattern": NON_BLANK,
        }
        required += ["carbon_intensity_g_per_kwh", "carbon_intensity_source"]
    else:
        properties["grid"] = {"type": "string", "enum": list(GRID_FRANCE)}
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


GENERATIVE_VARIANT = {
    "type": "object",
    "properties": {
        "method": {"type": "string", "enum": ["generative"]},
        **{
            key: _number(key)
            for key in (
                "total_parameters_billion",
                "active_share",
                "output_tokens_per_request",
                "requests_per_day",
                "days_per_year",
                "pue",
            )
        },
        "electricity_zone": {"type": "string", "enum": list(ZONES)},
    },
    "required": [
        "method",
        "total_parameters_billion",
        "output_tokens_per_request",
        "requests_per_day",
    ],
    "additionalProperties": False,
}
USAGE_SCHEMA = {
    "oneOf": [
        _inference_variant(("energy_per_inference_wh",), declared=False),
        _inference_variant(("energy_per_inference_wh",), declared=True),
        _inference_variant(("energy_per_1000_tokens_wh", "tokens_per_request"), declared=False),
        _inference_variant(("energy_per_1000_tokens_wh", "tokens_per_request"), declared=True),
        GENERATIVE_VARIANT,
    ]
}


def _entry_schema(values: list[str]) -> dict[str, Any]:
    evidence = {"type": "string", "maxLength": EVIDENCE_MAX_LENGTH, "pattern": NO_NUL_TEXT}
    variants = [
        {
            "type": "object",
            "properties": {
                "answer": {"type": "string", "enum": ["yes"]},
                "evidence": {**evidence, "pattern": NON_BLANK},
            },
            "required": ["answer", "evidence"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {
                "answer": {"type": "string", "enum": [v for v in values if v != "yes"]},
                "evidence": evidence,
            },
            "required": ["answer"],
            "additionalProperties": False,
        },
    ]
    return {"oneOf": variants}


def _section_schema(ids: list[str], values: list[str]) -> dict[str, Any]:
    entry = _entry_schema(values)
    return {
        "type": "object",
        "properties": {item_id: entry for item_id in ids},
        "additionalProperties": False,
    }


def _answers_schema(kind: str) -> dict[str, Any]:
    # Item ids of the shipped questionnaire; GET /questionnaires/{kind} gives those in force.
    if kind == "frugality":
        q = frugality.parse_questionnaire(frugality.shipped_questionnaire())
        sections = {
            "gate": _section_schema([i.id for i in q.gate.items] if q.gate else [], ["yes", "no"]),
            "items": _section_schema(
                [i.id for t in q.themes for i in t.items], list(ANSWER_VALUES)
            ),
        }
    else:
        q = trust.parse_questionnaire(trust.shipped_questionnaire())
        sections = {"items": _section_schema(list(q.all_items()), list(ANSWER_VALUES))}
    return {
        "type": "object",
        "properties": {
            "answers": {"type": "object", "properties": sections, "additionalProperties": False}
        },
        "required": ["answers"],
        "additionalProperties": False,
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"content": {"application/json": {"schema": schema}}}}


def _usage_error(error: frugality.UsageError) -> Status:
    return Status(
        422,
        {
            "detail": _("L'usage déclaré contient une erreur."),
            "errors": [{"field": error.field, "code": error.code, "message": error.message}],
        },
    )


def _answers_error(error: AnswersError) -> Status:
    return Status(
        422,
        {
            "detail": _("Les réponses contiennent des erreurs."),
            "errors": [
                {"field": i.path, "code": i.code, "message": i.message} for i in error.issues
            ],
        },
    )


@router.post(
    "/frugality/estimate",
    response={200: dict[str, Any], 400: ErrorOut, **COMMON_ERRORS},
    openapi_extra={**PUBLIC, **_body(USAGE_SCHEMA)},
    summary="Estimer l'énergie et les émissions d'un service d'IA (public)",
)
def frugality_estimate(request, usage: dict[str, Any] = USAGE_BODY):
    """L'usage déclaré (docs/frugality.md) en entrée ; l'énergie (kWh) et les émissions
    (kgCO2e) par an en sortie, avec la formule et chaque constante (valeur, source, version).
    `"method": "generative"` utilise le calcul hors ligne d'EcoLogits. Rien n'est enregistré.
    Un chiffre négatif ou invraisemblable donne 422 en nommant le champ."""
    try:
        return frugality.estimate(usage).to_dict()
    except frugality.UsageError as error:
        return _usage_error(error)


@router.get(
    "/questionnaires/{kind}",
    response={200: dict[str, Any], **NOT_FOUND, **COMMON_ERRORS},
    openapi_extra=PUBLIC,
    summary="Le questionnaire de sobriété ou de confiance en vigueur (public)",
)
def questionnaire_current(request, kind: Literal["frugality", "trust"]):
    row = services.current_questionnaire(kind)
    return {"version": row.version, "kind": row.kind, "content": row.content}


def _get(request, file_id: int, *, write: bool = False):
    if not request.user.is_authenticated:
        raise HttpError(401, _("Authentification requise : en-tête Authorization: Bearer <jeton>."))
    try:
        file = selectors.get_file_for_user(request.user, file_id, write=write)
    except Http404 as exc:
        raise HttpError(404, _("Dossier introuvable.")) from exc
    except PermissionDenied as exc:
        raise HttpError(403, _("Vous ne pouvez pas modifier ce dossier.")) from exc
    if not selectors.can_read_details(request.user, file) and not write:
        raise HttpError(403, _("Vous ne pouvez pas lire ce dossier en entier."))
    return file


def _row_out(row) -> dict[str, Any] | None:
    if row is None:
        return None
    out = {
        "id": row.pk,
        "status": row.status,
        "questionnaire_version": row.questionnaire.version,
        "answers": row.answers,
        "result": row.result,
        "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        "needs_review": row.needs_review,
        "review_reason": row.review_reason,
    }
    if isinstance(row, FrugalityAssessment):
        out.update(grade=row.grade, usage=row.usage, estimate=row.estimate or None)
    return out


def _state(file, model) -> dict[str, Any]:
    return {
        "file_id": file.pk,
        "completed": _row_out(services.latest(file, model, status=AssessmentStatus.COMPLETED)),
        "draft": _row_out(services.draft_of(file, model)),
    }


# 422 bodies: {"detail", "errors": [{"field", "code", "message"}]} (field = usage key, or
# "items.<id>" / "gate.<id>" for an answer). 409: the draft cannot be completed yet.
AUTH_ERRORS = {**COMMON_ERRORS, 403: ErrorOut, **NOT_FOUND}
WRITE_ERRORS = {**AUTH_ERRORS, 400: ErrorOut}
COMPLETE_ERRORS = {**AUTH_ERRORS, 409: ValidationErrorOut}


def _answers_in(body: dict[str, Any]) -> Any:
    extra = sorted(set(body) - {"answers"})
    if extra:
        issues = [AnswerIssue(k, "", f"{k} : champ inconnu.", "unknown_field") for k in extra]
        raise AnswersError(issues)
    return body.get("answers", {})


def _write(request, file_id: int, body: dict[str, Any], model):
    """Save the answers as the draft (started from the latest completed answers)."""
    file = _get(request, file_id, write=True)
    pure = frugality if model is FrugalityAssessment else trust
    kind = QuestionnaireKind.FRUGALITY if model is FrugalityAssessment else QuestionnaireKind.TRUST
    draft = services.draft_of(file, model)
    row = draft.questionnaire if draft else services.current_questionnaire(kind)
    try:
        answers = _answers_in(body)
        issues = pure.validate_answers(services.parsed(row), answers)
        if issues:
            raise AnswersError(issues)
    except AnswersError as error:
        return _answers_error(error)
    start = services.frugality_start if pure is frugality else services.trust_start
    save = services.frugality_save if pure is frugality else services.trust_save
    save(assessment=start(file=file, user=request.user), answers=answers, user=request.user)
    return _state(file, model)


def _complete(request, file_id: int, model):
    file = _get(request, file_id, write=True)
    draft = services.draft_of(file, model)
    if draft is None:
        return Status(
            409,
            {
                "detail": _("Aucun brouillon à terminer : enregistrez d'abord des réponses."),
                "errors": [],
            },
        )
    complete = (
        services.frugality_complete if model is FrugalityAssessment else services.trust_complete
    )
    try:
        complete(assessment=draft, answers=draft.answers, user=request.user)
    except AnswersError as error:
        return Status(
            409,
            {
                "detail": _("Toutes les questions doivent avoir une réponse pour terminer."),
                "errors": [
                    {"field": i.path, "code": i.code, "message": i.message} for i in error.issues
                ],
            },
        )
    return _state(file, model)


@router.get("/files/{file_id}/frugality", response={200: dict[str, Any], **AUTH_ERRORS})
def frugality_read(request, file_id: int):
    """L'évaluation de sobriété terminée du dossier et le brouillon en cours, s'il y en a un."""
    return _state(_get(request, file_id), FrugalityAssessment)


@router.put(
    "/files/{file_id}/frugality",
    response={200: dict[str, Any], **WRITE_ERRORS},
    openapi_extra=_body(_answers_schema("frugality")),
)
def frugality_write(request, file_id: int, body: dict[str, Any] = ANSWERS_BODY):
    """Enregistre les réponses `{"answers": {"gate": {...}, "items": {...}}}` en brouillon
    (identifiants : GET /questionnaires/frugality). Un « yes » sans preuve est refusé (422,
    la question est nommée) ; rien n'est alors enregistré."""
    return _write(request, file_id, body, FrugalityAssessment)


@router.post(
    "/files/{file_id}/frugality/complete",
    response={200: dict[str, Any], **COMPLETE_ERRORS},
)
def frugality_complete(request, file_id: int):
    """Termine le brouillon : la note est enregistrée (409 tant qu'une question reste sans
    réponse, sauf préalable non satisfait : note E)."""
    return _complete(request, file_id, FrugalityAssessment)


@router.put(
    "/files/{file_id}/frugality/usage",
    response={200: dict[str, Any], **WRITE_ERRORS},
    openapi_extra=_body(USAGE_SCHEMA),
)
def frugality_usage(request, file_id: int, usage: dict[str, Any] = USAGE_BODY):
    """Enregistre l'usage déclaré du dossier et son estimation (même corps que
    /frugality/estimate)."""
    file = _get(request, file_id, write=True)
    try:
        frugality.estimate(usage)
    except frugality.UsageError as error:
        return _usage_error(error)
    assessment = services.draft_of(file, FrugalityAssessment) or services.latest(
        file, FrugalityAssessment, status=AssessmentStatus.COMPLETED
    )
    if assessment is None:
        assessment = services.frugality_start(file=file, user=request.user)
    services.frugality_estimate_save(assessment=assessment, usage=usage, user=request.user)
    return _state(file, FrugalityAssessment)


@router.get("/files/{file_id}/trust", response={200: dict[str, Any], **AUTH_ERRORS})
def trust_read(request, file_id: int):
    """L'auto-évaluation de confiance terminée du dossier et le brouillon en cours."""
    return _state(_get(request, file_id), TrustAssessment)


@router.put(
    "/files/{file_id}/trust",
    response={200: dict[str, Any], **WRITE_ERRORS},
    openapi_extra=_body(_answers_schema("trust")),
)
def trust_write(request, file_id: int, body: dict[str, Any] = ANSWERS_BODY):
    """Enregistre les réponses `{"answers": {"items": {...}}}` en brouillon (identifiants :
    GET /questionnaires/trust)."""
    return _write(request, file_id, body, TrustAssessment)


@router.post(
    "/files/{file_id}/trust/complete",
    response={200: dict[str, Any], **COMPLETE_ERRORS},
)
def trust_complete(request, file_id: int):
    """Termine l'auto-évaluation : un score par principe (409 tant qu'une question reste
    sans réponse)."""
    return _complete(request, file_id, TrustAssessment)
