from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citeia.core.exports import Column, export_response, requested_format

from . import selectors
from .maps import build_map, territory_fill

COMMUNE_COLUMNS = [
    Column("insee_code", gettext_lazy("code_insee")),
    Column("name", gettext_lazy("nom")),
    Column("department_code", gettext_lazy("departement")),
    Column("territory_code", gettext_lazy("territoire"), "territory.code"),
    Column("territory_name", gettext_lazy("nom_territoire"), "territory.name"),
    Column("population", gettext_lazy("population")),
    Column("population_year", gettext_lazy("annee_population")),
]

TERRITORY_COLUMNS = [
    Column("code", gettext_lazy("code")),
    Column("name", gettext_lazy("nom")),
    Column("siren", gettext_lazy("siren")),
    Column("kind", gettext_lazy("nature")),
    Column("seat_insee_code", gettext_lazy("siege_code_insee"), "seat.insee_code"),
    Column("commune_count", gettext_lazy("nombre_communes")),
    Column("population", gettext_lazy("population"), "population_total"),
]


def _legend(territories):
    return [(territory, territory_fill(territory.number)) for territory in territories]


def overview(request):
    territories = list(selectors.territories_with_figures())
    communes = list(selectors.communes(sort=request.GET.get("tri", "name")))
    return render(
        request,
        "territory/overview.html",
        {
            "territories": territories,
            "legend": _legend(territories),
            "communes": communes,
            "map": build_map(communes),
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
    communes = list(selectors.communes(territory=territory, sort=request.GET.get("tri", "name")))
    return render(
        request,
        "territory/territory_detail.html",
        {
            "territory": territory,
            "communes": communes,
            "map": build_map(communes, label_territories=False),
            "organisation": territory.organisations.filter(kind__in=["ept", "commune"]).first(),
            "crumbs": [(_("Territoire"), reverse("territory:overview")), (territory.name, None)],
        },
    )


def commune_detail(request, insee_code: str):
    commune = selectors.get_commune(insee_code)
    neighbours = list(selectors.communes(territory=commune.territory))
    organisation = getattr(commune, "organisation", None)
    return render(
        request,
        "territory/commune_detail.html",
        {
            "commune": commune,
            "organisation": organisation,
            "map": build_map(neighbours, current=commune, label_territories=False),
            "crumbs": [
                (_("Territoire"), reverse("territory:overview")),
                (commune.territory.name, commune.territory.get_absolute_url()),
                (commune.name, None),
            ],
        },
    )
