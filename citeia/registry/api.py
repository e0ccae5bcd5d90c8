"""Registre public des algorithmes — API. Registered in citeia/api.py under "/register".

Reads are public and return published versions only. Writes need a personal token
(`Authorization: Bearer …`) of an editor or manager of the organisation; the same
permission rules as the pages apply.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from citeia.accounts.auth import RequiredBearer
from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS, Organisation
from citeia.core.api import COMMON_ERRORS, NO_NUL, NOT_FOUND, PUBLIC, ErrorOut, Pagination

from . import schema, selectors, services, upkeep
from .models import DecisionType, PersonalData, Record, Technique, Theme

router = Router(tags=["Registre"])

PUBLIC_ID = r"^CIA-[A-Z0-9]{1,12}-[0-9]{4,}$"
WRITE_ERRORS: dict[int, type[Schema]] = {
    **COMMON_ERRORS,
    **NOT_FOUND,
    403: ErrorOut,
    409: ErrorOut,
    400: ErrorOut,
}

ThemeValue = Enum("ThemeValue", {v: v for v in Theme.values}, type=str)
DecisionValue = Enum("DecisionValue", {v: v for v in DecisionType.values}, type=str)
PersonalDataValue = Enum("RegisterPersonalData", {v: v for v in PersonalData.values}, type=str)
TechniqueValue = Enum("RegisterTechnique", {v: v for v in Technique.values}, type=str)


class RecordOrganisationOut(Schema):
    name: str
    slug: str
    kind: str
    siren: str | None
    insee: str | None


class VersionOut(Schema):
    public_id: str
    version: int
    schema_version: int
    status: str
    published_at: datetime
    note: str
    organisation: RecordOrganisationOut
    fields: dict[str, Any]
    withheld: dict[str, str]
    ai_act: dict[str, Any] | None
    solution: dict[str, Any] | None
    url: str

    @staticmethod
    def resolve_public_id(obj) -> str:
        return obj.snapshot["public_id"]

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.number

    @staticmethod
    def resolve_organisation(obj) -> dict:
        return obj.snapshot["organisation"]

    @staticmethod
    def resolve_fields(obj) -> dict:
        return obj.snapshot["fields"]

    @staticmethod
    def resolve_withheld(obj) -> dict:
        return obj.snapshot.get("withheld", {})

    @staticmethod
    def resolve_ai_act(obj) -> dict | None:
        return obj.snapshot.get("ai_act")

    @staticmethod
    def resolve_solution(obj) -> dict | None:
        return obj.snapshot.get("solution")

    @staticmethod
    def resolve_url(obj, context) -> str:
        from django.urls import reverse

        return context["request"].build_absolute_uri(
            reverse("registry:record_detail", args=[obj.snapshot["public_id"]])
        )


class BrokenLinkOut(Schema):
    field: str
    url: str
    status: str = Field(..., description="Code HTTP reçu, ou nom de l'erreur de connexion.")
    checked_at: datetime


class RecordDetailOut(VersionOut):
    broken_links: list[BrokenLinkOut] = Field(
        ...,
        description="Liens de la version en vigueur inaccessibles lors de la dernière "
        "vérification automatique (vide si aucun, ou si les liens ne sont pas vérifiés).",
    )

    @staticmethod
    def resolve_broken_links(obj) -> list[dict]:
        return [
            {"field": name, **link, "status": str(link["status"])}
            for name, link in obj.broken_links.items()
        ]


class RecordFilters(Schema):
    q: str = Field("", pattern=NO_NUL, max_length=200)
    organisation: str = Field("", pattern=r"^[-a-z0-9_]*$", max_length=120)
    territory: str = Field("", pattern=r"^(|T[0-9]{1,2})$")
    theme: list[ThemeValue] = Field([])
    decision_type: list[DecisionValue] = Field([])
    personal_data: list[PersonalDataValue] = Field([])
    technique: list[TechniqueValue] = Field([])
    risk_class: list[Annotated[str, StringConstraints(pattern=NO_NUL, max_length=40)]] = Field([])
    status: str = Field("", pattern=r"^(|published|retired|archived)$")
    sort: str = Field("", pattern=r"^(|pertinence|nom|-nom|date|-date|organisation|-organisation)$")


def _page_filters(filters: RecordFilters) -> selectors.RegisterFilters:
    params = QueryDict(mutable=True)
    params["q"] = filters.q
    params["organisation"] = filters.organisation
    params["territoire"] = filters.territory
    params.setlist("theme", [v.value for v in filters.theme])
    params.setlist("decision", [v.value for v in filters.decision_type])
    params.setlist("donnees", [v.value for v in filters.personal_data])
    params.setlist("technique", [v.value for v in filters.technique])
    params.setlist("risque", filters.risk_class)
    params["statut"] = filters.status
    params["tri"] = filters.sort
    return selectors.RegisterFilters.from_query(params)


def _public(public_id: str):
    try:
        return selectors.get_public_record(public_id)
    except Http404 as exc:
        raise HttpError(404, str(exc.args[0]) if exc.args else _("Fiche introuvable.")) from exc


@router.get(
    "/records",
    response={200: list[VersionOut], **COMMON_ERRORS},
    openapi_extra=PUBLIC,
    summary="Rechercher dans le registre",
)
@paginate(Pagination, page_size=50)
def list_records(request, filters: Query[RecordFilters]):
    """Fiches publiées (version en vigueur), avec les filtres de la page du registre."""
    return selectors.register_search(_page_filters(filters))


@router.get(
    "/records/{public_id}",
    response={200: RecordDetailOut, **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Une fiche du registre (version en vigueur)",
)
def get_record(request, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)):
    record = _public(public_id)
    version = record.current_version
    version.broken_links = upkeep.published_broken_links(record)
    return version


@router.get(
    "/records/{public_id}/history",
    response={200: list[VersionOut], **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Toutes les versions publiées d'une fiche",
)
def get_history(request, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)):
    return list(_public(public_id).versions.order_by("number"))


# --- Writes ---------------------------------------------------------------------------------


class RecordIn(Schema):
    organisation: str = Field("", pattern=r"^[-a-z0-9_]*$", max_length=120)
    fields: dict[str, Any] = Field(default_factory=dict)
    withheld: dict[str, str] | None = None


class WorkingCopyOut(Schema):
    public_id: str
    status: str
    organisation: str
    name: str
    missing_fields: list[str]
    published_version: int | None
    url: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_missing_fields(obj) -> list[str]:
        return schema.missing_fields(obj)

    @staticmethod
    def resolve_published_version(obj) -> int | None:
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class NoteIn(Schema):
    note: str = Field("", pattern=NO_NUL, max_length=300)


def _clean_fields(raw: dict) -> dict:
    """Form-validated values (dates, choices, lengths) or a 422 naming the fields."""
    from .forms import RecordForm

    unknown = sorted(set(raw) - set(schema.FIELDS))
    if unknown:
        raise HttpError(422, _("Champs inconnus : %(f)s.") % {"f": ", ".join(unknown)})
    form = RecordForm(
        data={k: ("" if v is None else v) for k, v in raw.items()},
        solutions=Record.solution.field.related_model.objects.none(),
    )
    form.is_valid()
    errors = {name: form.errors[name] for name in raw if name in form.errors}
    if errors:
        raise HttpError(
            422,
            "; ".join(f"{name} : {' '.join(msgs)}" for name, msgs in errors.items()),
        )
    return {name: form.cleaned_data[name] for name in raw}


def _writable(request, public_id: str) -> Record:
    try:
        return selectors.get_record_for_user(request.user, public_id, write=True)
    except Http404 as exc:
        raise HttpError(404, str(exc.args[0]) if exc.args else _("Fiche introuvable.")) from exc
    except PermissionDenied as exc:
        raise HttpError(403, _("Vous ne pouvez pas modifier cette fiche.")) from exc


def _run(call):
    try:
        return call()
    except PermissionDenied as exc:
        raise HttpError(403, _("Action non autorisée pour votre rôle.")) from exc
    except services.WorkflowError as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc


@router.post(
    "/records",
    auth=RequiredBearer(),
    response={201: WorkingCopyOut, **WRITE_ERRORS},
    summary="Créer une fiche (brouillon)",
)
def create_record(request, payload: RecordIn):
    organisation = Organisation.objects.filter(
        slug=payload.organisation, kind__in=PUBLIC_AUTHORITY_KINDS
    ).first()
    if organisation is None:
        raise HttpError(404, _("Organisation inconnue : donnez le slug d'une collectivité."))
    data = _clean_fields(payload.fields)
    record = _run(
        lambda: services.record_create(
            user=request.user, organisation=organisation, data=data, withheld=payload.withheld
        )
    )
    return Status(201, record)


@router.patch(
    "/records/{public_id}/draft",
    auth=RequiredBearer(),
    response={200: WorkingCopyOut, **WRITE_ERRORS},
    summary="Modifier le brouillon d'une fiche",
)
def update_record(
    request, payload: RecordIn, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)
):
    record = _writable(request, public_id)
    data = _clean_fields(payload.fields)
    return _run(
        lambda: services.record_update(
            user=request.user, record=record, data=data, withheld=payload.withheld
        )
    )


@router.get(
    "/records/{public_id}/draft",
    auth=RequiredBearer(),
    response={200: WorkingCopyOut, **WRITE_ERRORS},
    summary="L'état du brouillon d'une fiche",
)
def get_draft(request, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)):
    return _writable(request, public_id)


@router.post(
    "/records/{public_id}/submit",
    auth=RequiredBearer(),
    response={200: WorkingCopyOut, **WRITE_ERRORS},
    summary="Soumettre une fiche à la relecture",
)
def submit_record(request, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)):
    record = _writable(request, public_id)
    return _run(lambda: services.record_submit(user=request.user, record=record))


def _visible(request, public_id: str) -> Record:
    try:
        return selectors.get_record_for_user(request.user, public_id)
    except Http404 as exc:
        raise HttpError(404, str(exc.args[0]) if exc.args else _("Fiche introuvable.")) from exc


@router.post(
    "/records/{public_id}/publish",
    auth=RequiredBearer(),
    response={200: WorkingCopyOut, **WRITE_ERRORS},
    summary="Publier une fiche en relecture",
)
def publish_record(
    request, payload: NoteIn, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)
):
    record = _visible(request, public_id)
    _run(lambda: services.record_publish(user=request.user, record=record, note=payload.note))
    return Record.objects.select_related("organisation", "current_version").get(pk=record.pk)


@router.post(
    "/records/{public_id}/retire",
    auth=RequiredBearer(),
    response={200: WorkingCopyOut, **WRITE_ERRORS},
    summary="Retirer une fiche (l'algorithme n'est plus utilisé)",
)
def retire_record(
    request, payload: NoteIn, public_id: str = Path(..., pattern=PUBLIC_ID, max_length=32)
):
    record = _visible(request, public_id)
    _run(lambda: services.record_retire(user=request.user, record=record, note=payload.note))
    return Record.objects.select_related("organisation", "current_version").get(pk=record.pk)
