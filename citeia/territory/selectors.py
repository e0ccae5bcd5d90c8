from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Commune, Territory

COMMUNE_SORTS = {
    "name": "name",
    "-name": "-name",
    "insee": "insee_code",
    "-insee": "-insee_code",
    "population": "population",
    "-population": "-population",
    "territory": "territory__number",
    "-territory": "-territory__number",
    "department": "department_code",
    "-department": "-department_code",
}


def territories_with_figures() -> QuerySet[Territory]:
    return Territory.objects.select_related("seat").annotate(
        commune_count=Count("communes"), population_total=Sum("communes__population")
    )


def communes(
    *, territory: Territory | None = None, department: str = "", sort: str = "name"
) -> QuerySet[Commune]:
    qs = Commune.objects.select_related("territory")
    if territory is not None:
        qs = qs.filter(territory=territory)
    if department:
        qs = qs.filter(department_code=department)
    return qs.order_by(COMMUNE_SORTS.get(sort, "name"), "name")


def get_territory(code: str) -> Territory:
    try:
        return territories_with_figures().get(code=code.upper())
    except Territory.DoesNotExist as exc:
        raise Http404(
            _("Aucun territoire n'a le code « %(code)s ». Les codes vont de T1 (Paris) à T12.")
            % {"code": code}
        ) from exc


def get_commune(insee_code: str) -> Commune:
    try:
        return Commune.objects.select_related("territory", "territory__seat").get(
            insee_code=insee_code
        )
    except Commune.DoesNotExist as exc:
        raise Http404(
            _(
                "Aucune commune du territoire n'a le code INSEE « %(code)s ». Le code INSEE a "
                "5 caractères (par exemple 92002 pour Antony) ; il diffère du code postal."
            )
            % {"code": insee_code}
        ) from exc
