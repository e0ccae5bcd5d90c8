"""DCAT-AP description of the catalogue dataset, for open-data portals (data.gouv.fr…)."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from .. import selectors

LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def catalogue_dcat(request):
    absolute = request.build_absolute_uri
    modified = selectors.last_catalogue_update() or timezone.now()
    publisher = {"@type": "foaf:Organization", "foaf:name": settings.OPERATOR_NAME}
    licence = {"@id": LICENCE_OUVERTE}
    list_url = absolute(reverse("catalogue:solution_list"))
    api_url = absolute("/api/catalogue/solutions")

    def distribution(fmt: str, media_type: str, title: str) -> dict:
        url = absolute(reverse("catalogue:solution_export", args=[fmt]))
        return {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": title,
            "dct:format": fmt.upper(),
            "dcat:mediaType": media_type,
            "dcat:accessURL": {"@id": list_url},
            "dcat:downloadURL": {"@id": url},
            "dct:license": licence,
        }

    body = {
        "@context": CONTEXT,
        "@id": absolute(reverse("catalogue:dcat")),
        "@type": "dcat:Catalog",
        "dct:title": "Cité IA — catalogue des solutions d'IA",
        "dct:publisher": publisher,
        "dct:language": "fr",
        "dcat:dataset": [
            {
                "@id": list_url,
                "@type": "dcat:Dataset",
                "dct:title": "Catalogue des solutions d'IA",
                "dct:description": (
                    "Solutions d'intelligence artificielle pour les services publics locaux "
                    "publiées sur Cité IA : fournisseur, domaines, techniques, maturité, "
                    "licence, hébergement, données personnelles, nombre de collectivités "
                    "utilisatrices et note moyenne des évaluations par des experts."
                ),
                "dct:publisher": publisher,
                "dct:license": licence,
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:dateTime"},
                "dcat:keyword": ["intelligence artificielle", "collectivités", "catalogue"],
                "dcat:landingPage": {"@id": list_url},
                "dcat:distribution": [
                    distribution("csv", "text/csv", "Catalogue des solutions (CSV)"),
                    distribution("json", "application/json", "Catalogue des solutions (JSON)"),
                ],
            }
        ],
        "dcat:service": [
            {
                "@id": api_url,
                "@type": "dcat:DataService",
                "dct:title": "API de Cité IA — catalogue",
                "dcat:endpointURL": {"@id": api_url},
                "dcat:endpointDescription": {"@id": absolute("/api/openapi.json")},
                "dcat:servesDataset": {"@id": list_url},
                "dct:license": licence,
            }
        ],
    }
    return JsonResponse(
        body, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )
