"""Catalogue API: search the published solutions with the page's filters, and read one.

Registered in citeia/api.py with `api.add_router("/catalogue", catalogue_router)`.
"""

from datetime import datetime
from enum import Enum
from typing import Annotated

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from citeia.core.api import COMMON_ERRORS, NO_NUL, NOT_FOUND, PUBLIC, Pagination

from . import api_vendor, selectors
from .models import Deployment, Hosting, Maturity, PersonalData, Solution

router = Router(tags=["catalogue"])


class VendorOut(Schema):
    slug: str
    name: str
    siren: str | None

    @staticmethod
    def resolve_siren(obj) -> str | None:
        return obj.siren or None


class SolutionOut(Schema):
    slug: str
    name: str
    vendor: VendorOut
    summary: str
    domains: list[str]
    techniques: list[str]
    maturity: str
    licence: str
    free_software: bool
    deployment: str
    hosting: str
    personal_data: str
    references_count: int
    reviews_count: int
    mean_score: float | None
    ai_act_class: str = Field(
        description="Classe AI Act de la dernière évaluation terminée (out_of_scope, "
        "prohibited, high_risk, minimal, undetermined), vide si aucune."
    )
    frugality_grade: str = Field(description="Note de sobriété A à E, vide si aucune.")
    updated_at: datetime
    url: str

    @staticmethod
    def resolve_domains(obj: Solution) -> list[str]:
        return [domain.slug for domain in obj.domains.all()]

    @staticmethod
    def resolve_techniques(obj: Solution) -> list[str]:
        return [technique.slug for technique in obj.techniques.all()]

    @staticmethod
    def resolve_free_software(obj: Solution) -> bool:
        return obj.is_free_software

    @staticmethod
    def resolve_references_count(obj: Solution) -> int:
        return obj.reference_count

    @staticmethod
    def resolve_reviews_count(obj: Solution) -> int:
        return obj.review_count

    @staticmethod
    def resolve_ai_act_class(obj: Solution) -> str:
        return obj.aiact_outcome

    @staticmethod
    def resolve_mean_score(obj: Solution) -> float | None:
        return None if obj.mean_score is None else round(obj.mean_score, 2)

    @staticmethod
    def resolve_url(obj: Solution, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class SolutionDetailOut(SolutionOut):
    status: str
    description: str
    certifications: list[str]
    model_provenance: str
    model_name: str
    reversibility: str
    accessibility: str
    accessibility_url: str
    pricing_model: str
    website: str
    repository: str
    documentation: str
    latest_version: str


# Closed lists are typed as enumerations, so an unknown value is a 422, not an empty page.
MaturityValue = Enum("MaturityValue", {value: value for value in Maturity.values}, type=str)
DeploymentValue = Enum("DeploymentValue", {value: value for value in Deployment.values}, type=str)
HostingValue = Enum("HostingValue", {value: value for value in Hosting.values}, type=str)
PersonalDataValue = Enum(
    "PersonalDataValue", {value: value for value in PersonalData.values}, type=str
)
AiActClassValue = Enum(
    "AiActClassValue", {value: value for value in selectors.AIACT_OUTCOMES}, type=str
)
FrugalityGradeValue = Enum(
    "FrugalityGradeValue", {value: value for value in selectors.FRUGALITY_GRADES}, type=str
)
SLUG = r"^[-a-z0-9_]+$"


class Filters(Schema):
    q: str = Field("", pattern=NO_NUL, max_length=200)
    domain: list[Annotated[str, StringConstraints(pattern=SLUG, max_length=60)]] = Field([])
    technique: list[Annotated[str, StringConstraints(pattern=SLUG, max_length=60)]] = Field([])
    maturity: list[MaturityValue] = Field([])
    free_software: bool | None = None
    deployment: list[DeploymentValue] = Field([])
    hosting: list[HostingValue] = Field([])
    personal_data: list[PersonalDataValue] = Field([])
    reviewed: bool | None = None
    ai_act_class: list[AiActClassValue] = Field([])
    frugality_grade: list[FrugalityGradeValue] = Field([])
    sort: str = Field("", pattern=r"^(|pertinence|recentes|utilisees|note)$")


def _page_filters(filters: Filters) -> selectors.CatalogueFilters:
    """The API's English parameters as the page's filters, so both give the same results."""
    params = QueryDict(mutable=True)
    params["q"] = filters.q
    params.setlist("domaine", filters.domain)
    params.setlist("technique", filters.technique)
    params.setlist("maturite", [value.value for value in filters.maturity])
    params.setlist("deploiement", [value.value for value in filters.deployment])
    params.setlist("hebergement", [value.value for value in filters.hosting])
    params.setlist("donnees", [value.value for value in filters.personal_data])
    params.setlist("aiact", [value.value for value in filters.ai_act_class])
    params.setlist("sobriete", [value.value for value in filters.frugality_grade])
    if filters.free_software is not None:
        params["libre"] = "oui" if filters.free_software else "non"
    if filters.reviewed is not None:
        params["evaluee"] = "oui" if filters.reviewed else "non"
    params["tri"] = filters.sort
    return selectors.CatalogueFilters.from_query(params)


@router.get(
    "/solutions",
    response={200: list[SolutionOut], **COMMON_ERRORS},
    openapi_extra=PUBLIC,
    summary="Rechercher dans le catalogue des solutions",
)
@paginate(Pagination, page_size=50)
def list_solutions(request, filters: Query[Filters]):
    """Solutions publiées, avec les filtres de la page du catalogue : `q` (texte libre,
    insensible aux accents), `domain`, `technique`, `maturity`, `deployment`, `hosting`,
    `personal_data`, `ai_act_class`, `frugality_grade` (répétables), `free_software`,
    `reviewed`, et `sort`."""
    return selectors.catalogue_search(_page_filters(filters), user=request.user)


@router.get(
    "/solutions/{slug}",
    response={200: SolutionDetailOut, **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Une solution du catalogue",
)
def get_solution(request, slug: str = Path(..., pattern=NO_NUL, max_length=140)):
    """Une solution publiée ; un brouillon n'existe que pour son fournisseur et l'équipe
    programme."""
    try:
        solution = selectors.get_solution_for_user(request.user, slug)
    except Http404 as exc:
        raise HttpError(404, str(exc.args[0]) if exc.args else _("Solution introuvable.")) from exc
    return selectors.with_figures(Solution.objects.filter(pk=solution.pk)).get()


# Vendors' writes (create or update, submit): citeia/catalogue/api_vendor.py.
api_vendor.register(router)
