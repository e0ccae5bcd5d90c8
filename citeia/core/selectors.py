from functools import cache

from django.db.models import Count, Q, Sum

from citeia.accounts.models import Organisation, OrganisationKind
from citeia.territory.models import Commune, Territory


@cache
def api_operations() -> list[dict]:
    """The API's operations (method, path, summary, parameters) read from its schema."""
    from citeia.api import api

    schema = api.get_openapi_schema(path_prefix="/api")
    operations = []
    for raw_path, methods in schema["paths"].items():
        # Routers nested with an empty prefix lose the slash after the path prefix.
        path = "/api/" + raw_path.removeprefix("/api").lstrip("/")
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": (operation.get("description") or "").strip(),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": [
                        p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
                    ],
                }
            )
    return operations


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
