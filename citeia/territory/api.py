from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from citeia.core.api import COMMON_ERRORS, NO_NUL, NOT_FOUND, PUBLIC, Pagination

from . import selectors

router = Router(tags=["territoire"])


class TerritoryOut(Schema):
    code: str
    name: str
    siren: str
    kind: str
    seat_insee_code: str | None
    commune_count: int
    population: int

    @staticmethod
    def resolve_seat_insee_code(obj) -> str | None:
        return obj.seat.insee_code if obj.seat_id else None

    @staticmethod
    def resolve_population(obj) -> int:
        return obj.population_total or 0


class CommuneOut(Schema):
    insee_code: str
    name: str
    department_code: str
    territory_code: str
    population: int
    population_year: int

    @staticmethod
    def resolve_territory_code(obj) -> str:
        return obj.territory.code


def _not_found(exc: Http404) -> HttpError:
    return HttpError(404, str(exc.args[0]) if exc.args else "Not found")


@router.get(
    "/territories",
    response={200: list[TerritoryOut], **COMMON_ERRORS},
    openapi_extra=PUBLIC,
    summary="Les territoires (T1 à T12)",
)
@paginate(Pagination, page_size=50)
def list_territories(request):
    return selectors.territories_with_figures().order_by("number")


@router.get(
    "/territories/{code}",
    response={200: TerritoryOut, **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Un territoire",
)
def get_territory(request, code: str = Path(..., pattern=NO_NUL)):
    try:
        return selectors.get_territory(code)
    except Http404 as exc:
        raise _not_found(exc) from exc


@router.get(
    "/communes",
    response={200: list[CommuneOut], **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Les communes",
)
@paginate(Pagination, page_size=50)
def list_communes(
    request,
    territory: str = Query("", pattern=NO_NUL),
    department: str = Query("", pattern=NO_NUL),
):
    """Communes, filtrables par territoire (`T6`) et par département (`93`)."""
    selected = None
    if territory:
        try:
            selected = selectors.get_territory(territory)
        except Http404 as exc:
            raise _not_found(exc) from exc
    return selectors.communes(territory=selected, department=department)


@router.get(
    "/communes/{insee_code}",
    response={200: CommuneOut, **COMMON_ERRORS, **NOT_FOUND},
    openapi_extra=PUBLIC,
    summary="Une commune",
)
def get_commune(request, insee_code: str = Path(..., pattern=NO_NUL)):
    try:
        return selectors.get_commune(insee_code)
    except Http404 as exc:
        raise _not_found(exc) from exc
