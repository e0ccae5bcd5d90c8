from django.db.models import Count, Q, Sum

from citeia.accounts.models import Organisation, OrganisationKind
from citeia.territory.models import Commune, Territory


def home_figures() -> dict[str, int]:
    """The figures on the home page, in two queries."""
    communes = Commune.objects.aggregate(count=Count("pk"), population=Sum("population"))
    organisations = Organisation.objects.aggregate(
        total=Count("pk"),
        partners=Count(
            "pk",
            filter=~Q(
                kind__in=[
                    OrganisationKind.COMMUNE,
                    OrganisationKind.TERRITORY,
                    OrganisationKind.METROPOLE,
                ]
            ),
        ),
    )
    return {
        "communes": communes["count"] or 0,
        "population": communes["population"] or 0,
        "territories": Territory.objects.count(),
        "organisations": organisations["total"] or 0,
        "partners": organisations["partners"] or 0,
    }
