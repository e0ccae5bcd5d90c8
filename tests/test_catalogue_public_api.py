"""The catalogue API (citeia/catalogue/api.py) through HTTP: list with the page's filters,
detail, stable ids, drafts never listed nor readable by the public or another vendor.

The router is mounted here on a test API at /test-api/ so that these tests do not depend on
where citeia/api.py registers it (`api.add_router("/catalogue", router)`).
"""

import pytest
from django.urls import path
from ninja import NinjaAPI

from citeia.accounts.auth import OptionalBearer
from citeia.catalogue.api import router
from citeia.catalogue.models import Domain, SolutionStatus
from citeia.core import search
from citeia.core.permissions import MemberRole
from citeia.urls import urlpatterns as site_urlpatterns

from .catalogue_factories import (
    ReferenceFactory,
    ReviewFactory,
    SolutionFactory,
    VendorFactory,
    score_review,
)
from .factories import MembershipFactory

test_api = NinjaAPI(auth=OptionalBearer(), urls_namespace="catalogue-public-test-api")
test_api.add_router("/catalogue", router)
urlpatterns = [path("test-api/", test_api.urls), *site_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

API = "/test-api/catalogue/solutions"


@pytest.fixture
def solutions(db):
    vendor = VendorFactory(siren="732829320")
    waste = SolutionFactory(
        name="Tri Malin",
        slug="tri-malin",
        vendor=vendor,
        summary="Collecte des déchets ménagers.",
        maturity="production",
        hosting="customer",
        is_free_software=True,
        domains=[Domain.objects.get(slug="dechets")],
    )
    acts = SolutionFactory(
        name="Acte Clair",
        slug="acte-clair",
        summary="Rédaction des délibérations.",
        is_free_software=False,
        deployment="on_premise",
        personal_data="none",
        domains=[Domain.objects.get(slug="deliberations-actes")],
    )
    draft = SolutionFactory(
        name="Brouillon Secret",
        slug="brouillon-secret",
        vendor=vendor,
        summary="Déchets, non publié.",
        status=SolutionStatus.DRAFT,
        domains=[Domain.objects.get(slug="dechets")],
    )
    for solution in (waste, acts, draft):
        search.index(solution)
    return {"waste": waste, "acts": acts, "draft": draft, "vendor": vendor}


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["slug"] for item in response.json()["items"])


def test_list_gives_published_solutions_with_stable_ids(client, solutions, commune_org):
    ReferenceFactory(solution=solutions["waste"], organisation=commune_org)
    score_review(ReviewFactory(solution=solutions["waste"]), {"innovation": 3})
    body = client.get(API).json()
    assert body["count"] == 2
    waste = next(item for item in body["items"] if item["slug"] == "tri-malin")
    assert waste["vendor"] == {
        "slug": solutions["vendor"].slug,
        "name": solutions["vendor"].name,
        "siren": "732829320",
    }
    assert waste["domains"] == ["dechets"]
    assert waste["techniques"] == ["langage"]
    assert waste["free_software"] is True
    assert waste["references_count"] == 1
    assert waste["reviews_count"] == 1
    assert waste["mean_score"] == 3.0
    assert waste["url"] == "http://testserver/catalogue/solutions/tri-malin/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "dechets"}, ["tri-malin"]),
        ({"q": "délibération"}, ["acte-clair"]),
        ({"domain": "dechets"}, ["tri-malin"]),
        ({"domain": ["dechets", "deliberations-actes"]}, ["acte-clair", "tri-malin"]),
        ({"technique": "langage"}, ["acte-clair", "tri-malin"]),
        ({"technique": "vision"}, []),
        ({"maturity": "production"}, ["tri-malin"]),
        ({"free_software": "true"}, ["tri-malin"]),
        ({"free_software": "false"}, ["acte-clair"]),
        ({"deployment": "on_premise"}, ["acte-clair"]),
        ({"hosting": "customer"}, ["tri-malin"]),
        ({"personal_data": "none"}, ["acte-clair"]),
        ({"reviewed": "true"}, []),
    ],
)
def test_list_filters_like_the_page(client, solutions, params, expected):
    assert slugs(client.get(API, params)) == expected


def test_list_rejects_malformed_parameters(client, solutions):
    assert client.get(API, {"sort": "nimporte"}).status_code == 422
    assert client.get(API, {"free_software": "peut-etre"}).status_code == 422
    assert client.get(API, {"page": 0}).status_code == 422


def test_list_is_paginated(client, db):
    for _n in range(7):
        SolutionFactory()
    body = client.get(API, {"page_size": 5, "page": 2}).json()
    assert body["count"] == 7
    assert len(body["items"]) == 2


def test_detail_gives_every_field(client, solutions):
    response = client.get(f"{API}/tri-malin")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "tri-malin"
    assert body["status"] == "published"
    assert {"description", "certifications", "model_provenance", "reversibility"} <= set(body)


def test_unknown_solution_is_a_404(client, db):
    response = client.get(f"{API}/inconnue")
    assert response.status_code == 404
    assert "inconnue" in response.json()["detail"]


def test_draft_is_not_listed_nor_readable_by_anonymous_or_another_vendor(client, solutions):
    assert "brouillon-secret" not in slugs(client.get(API, {"q": "dechets"}))
    assert client.get(f"{API}/brouillon-secret").status_code == 404
    client.force_login(MembershipFactory(organisation=VendorFactory(), role=MemberRole.EDITOR).user)
    assert client.get(f"{API}/brouillon-secret").status_code == 404
    assert "brouillon-secret" not in slugs(client.get(API))


def test_vendor_member_reads_its_own_draft_but_the_list_stays_public(client, solutions):
    client.force_login(
        MembershipFactory(organisation=solutions["vendor"], role=MemberRole.MEMBER).user
    )
    response = client.get(f"{API}/brouillon-secret")
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert "brouillon-secret" not in slugs(client.get(API))
