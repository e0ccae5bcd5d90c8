from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from citeia.catalogue import selectors as catalogue_selectors
from citeia.core.exports import Column, export_response, requested_format

from . import selectors
from .maps import build_map, territory_fill

COMMUNE_COLUMNS = [
    Column("insee_code", pgettext_lazy("colonne d'export", "code_insee")),
    Column("name", pgettext_lazy("colonne d'export", "nom")),
    Column("department_code", pgettext_lazy("colonne d'export", "departement")),
    Column("territory_code", pgettext_lazy("colonne d'export", "territoire"), "territory.code"),
    Column("territory_name", pgettext_lazy("colonne d'export", "nom_territoire"), "territory.name"),
    Column("population", pgettext_lazy("colonne d'export", "population")),
    Column("population_year", pgettext_lazy("colonne d'export", "annee_population")),
]

TERRITORY_COLUMNS = [
    Column("code", pgettext_lazy("colonne d'export", "code")),
    Column("name", pgettext_lazy("colonne d'export", "nom")),
    Column("siren", pgettext_lazy("colonne d'export", "siren")),
    Column("kind", pgettext_lazy("colonne d'export", "nature")),
    Column(
        "seat_insee_code", pgettext_lazy("colonne d'export", "siege_code_insee"), "seat.insee_code"
    ),
    Column("commune_count", pgettext_lazy("colonne d'export", "nombre_communes")),
    Column("population", pgettext_lazy("colonne d'export", "population"), "population_total"),
]


def _legend(territories):
    return [(territory, territory_fill(territory.number)) for territory in territories]


def _lazy_communes_and_map(map_of, **filters):
    """The commune list and its map, computed only if the cached fragment is missing."""
    communes = SimpleLazyObject(lambda: list(selectors.communes(**filters)))
    return communes, SimpleLazyObject(lambda: map_of(communes))


def overview(request):
    territories = list(selectors.territories_with_figures())
    sort = request.GET.get("tri", "name")
    communes, svg_map = _lazy_communes_and_map(build_map, sort=sort)
    return render(
        request,
        "territory/overview.html",
        {
            "territories": territories,
            "legend": _legend(territories),
            "communes": communes,
            "commune_count": sum(t.commune_count for t in territories),
            "sort": sort,
            "map": svg_map,
            "population": sum(t.population_total or 0 for t in territories),
            "crumbs": [(_("Territoire"), None)],
        },
    )


def territory_export(request, fmt: str):
    if fmt not in ("csv", "json"):
        raise Http404(_("Format inconnu : utilisez .csv ou .json."))
    request.GET = request.GET.copy()
    request.GET["format"] = fmt
    return export_response(
        request,
        rows=selectors.territories_with_figures(),
        columns=TERRITORY_COLUMNS,
        filename="citeia-territoires",
    )


def commune_list(request):
    """The communes as a download (the page itself is the overview's table)."""
    territory = None
    code = request.GET.get("territoire", "")
    if code:
        territory = selectors.get_territory(code)
    rows = selectors.communes(
        territory=territory,
        department=request.GET.get("departement", ""),
        sort=request.GET.get("tri", "name"),
    )
    if not requested_format(request):
        request.GET = request.GET.copy()
        request.GET["format"] = "csv"
    return export_response(request, rows=rows, columns=COMMUNE_COLUMNS, filename="citeia-communes")


def territory_detail(request, code: str):
    territory = selectors.get_territory(code)
    sort = request.GET.get("tri", "name")
    communes, svg_map = _lazy_communes_and_map(
        lambda rows: build_map(rows, label_territories=False), territory=territory, sort=sort
    )
    return render(
        request,
        "territory/territory_detail.html",
        {
            "territory": territory,
            "communes": communes,
            "sort": sort,
            "map": svg_map,
            "organisation": territory.organisations.filter(kind__in=["ept", "commune"]).first(),
            "crumbs": [(_("Territoire"), reverse("territory:overview")), (territory.name, None)],
        },
    )


def commune_detail(request, insee_code: str):
    commune = selectors.get_commune(insee_code)
    _neighbours, svg_map = _lazy_communes_and_map(
        lambda rows: build_map(rows, current=commune, label_territories=False),
        territory=commune.territory,
    )
    organisation = getattr(commune, "organisation", None)
    commune_solutions = catalogue_selectors.solutions_used_by(organisation)
    return render(
        request,
        "territory/commune_detail.html",
        {
            "commune": commune,
            "organisation": organisation,
            "commune_solutions": commune_solutions,
            "map": svg_map,
            "crumbs": [
                (_("Territoire"), reverse("territory:overview")),
                (commune.territory.name, commune.territory.get_absolute_url()),
                (commune.name, None),
            ],
        },
    )
