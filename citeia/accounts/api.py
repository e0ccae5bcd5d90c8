from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from citeia.core.api import COMMON_ERRORS, NO_NUL, NOT_FOUND, PUBLIC, Pagination

from . import selectors
from .models import Organisation, OrganisationKind

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    kind_label: str
    siren: str | None
    territory_code: str | None
    insee_code: str | None
    website: str
    is_demo: bool

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        # Not get_kind_display(): it rebuilds and hashes every translated choice on each
        # call: about 3 ms per page of 50 against 0.3 ms this way (docs/PERFORMANCE.md).
        try:
            return str(OrganisationKind(obj.kind).label)
        except ValueError:
            return obj.kind

    @staticmethod
    def resolve_siren(obj: Organisation) -> str | None:
        return obj.siren or None

    @staticmethod
    def resolve_territory_code(obj: Organisation) -> str | None:
        return obj.territory.code if obj.territory_id else None

    @staticmethod
    def resolve_insee_code(obj: Organisation) -> str | None:
        return obj.commune.insee_code if obj.commune_id else None


class MembershipOut(Schema):
    organisation: str
    role: str
    status: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class MeOut(Schema):
    email: str
    full_name: str
    platform_role: str
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj) -> list:
        return list(obj.memberships.select_related("organisation"))


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **COMMON_ERRORS},
    openapi_extra=PUBLIC,
    summary="Liste des organisations",
)
@paginate(Pagination, page_size=50)
def list_organisations(
    request, type: str = Query("", pattern=NO_NUL), q: str = Query("", pattern=NO_NUL)
):
    """Organisations, filtrables par type (`metropole`, `ept`, `commune`, `company`…) et par nom."""
    return selectors.organisation_list(kind=type, query=q[:100])


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Une organisation",
)
def get_organisation(request, slug: str = Path(..., pattern=NO_NUL)):
    try:
        return selectors.get_organisation_for_user(request.user, slug)
    except Http404 as exc:
        raise HttpError(
            404, str(exc.args[0]) if exc.args else _("Organisation introuvable.")
        ) from exc


@router.get("/me", response={200: MeOut, **COMMON_ERRORS}, summary="Le compte qui appelle")
def me(request):
    """Le compte associé au jeton (ou à la session) ; 401 sans authentification."""
    if not request.user.is_authenticated:
        raise HttpError(401, _("Authentification requise : en-tête Authorization: Bearer <jeton>."))
    return request.user
