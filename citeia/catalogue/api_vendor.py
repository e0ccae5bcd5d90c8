"""Vendors' side of the catalogue API: create or update a solution, then submit it.

The body of a write is one record of the import format (docs/catalogue-import.md), checked
by the same `Importer` as a file, with the caller's rights: an editor of the vendor
organisation creates and edits drafts, never publishes. Added to the catalogue router.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Body, Path, Schema, Status
from ninja.errors import HttpError

from citeia.accounts.auth import RequiredBearer
from citeia.core.api import COMMON_ERRORS, NO_NUL, NOT_FOUND, ErrorOut
from citeia.core.permissions import Action, can

from . import selectors, services
from .importer import Importer
from .models import Solution
from .services import WorkflowError


class FieldError(Schema):
    field: str
    message: str


class WriteErrors(Schema):
    detail: str
    errors: list[FieldError]


class WriteResult(Schema):
    action: str  # created, updated, unchanged
    slug: str
    status: str
    url: str


def _result(request, solution: Solution, action: str) -> dict:
    return {
        "action": action,
        "slug": solution.slug,
        "status": solution.status,
        "url": request.build_absolute_uri(solution.get_absolute_url()),
    }


def write_solution(request, record: dict[str, Any] = Body(...)):  # noqa: B008
    """Une solution au format d'import (docs/catalogue-import.md), identifiée par son
    fournisseur et son nom : créée en brouillon si elle n'existe pas, mise à jour sinon
    (une fiche publiée reste publiée, la modification entre dans l'historique). Réservé aux
    éditeurs et gestionnaires de l'organisation fournisseur ; la publication reste une
    décision de l'équipe programme. Réponse 422 : chaque erreur avec son champ."""
    importer = Importer(actor=request.auth, publish=False)
    with transaction.atomic():
        result, errors = importer.import_one(record, line=1)
    if errors:
        return Status(
            422,
            {
                "detail": _("La solution n'a pas été enregistrée : corrigez les champs signalés."),
                "errors": [{"field": e.field, "message": str(e.message)} for e in errors],
            },
        )
    solution = Solution.objects.get(pk=result.solution_id)
    status = 201 if result.action == "created" else 200
    return Status(status, _result(request, solution, result.action))


def submit_solution(request, slug: str = Path(..., pattern=NO_NUL, max_length=140)):
    """Un brouillon (ou une fiche à modifier) part en relecture ; l'équipe programme est
    prévenue par courriel."""
    try:
        solution = selectors.get_solution_for_user(request.auth, slug)
    except Http404 as exc:
        raise HttpError(404, _("Solution introuvable.")) from exc
    if not can(request.auth, Action.SUBMIT, solution):
        raise HttpError(403, _("Seuls les éditeurs du fournisseur peuvent soumettre cette fiche."))
    try:
        solution = services.solution_transition(
            actor=request.auth, solution=solution, transition="submit", request=request
        )
    except PermissionDenied as exc:
        raise HttpError(403, _("Action non autorisée.")) from exc
    except (WorkflowError, ValidationError) as exc:
        return Status(
            409,
            {
                "detail": _("Cette fiche ne peut pas être soumise maintenant."),
                "errors": [{"field": "status", "message": str(exc.args[0]) if exc.args else ""}],
            },
        )
    return Status(200, _result(request, solution, "submitted"))


def register(router) -> None:
    """Add the vendors' operations to the catalogue router (same paths as the reads)."""
    router.post(
        "/solutions",
        auth=RequiredBearer(),
        response={200: WriteResult, 201: WriteResult, 403: ErrorOut, **COMMON_ERRORS},
        summary="Créer ou mettre à jour une solution (fournisseur)",
    )(write_solution)
    router.post(
        "/solutions/{slug}/submit",
        auth=RequiredBearer(),
        response={200: WriteResult, 403: ErrorOut, 409: WriteErrors, **COMMON_ERRORS, **NOT_FOUND},
        summary="Soumettre une solution à la relecture de l'équipe programme",
    )(submit_solution)
