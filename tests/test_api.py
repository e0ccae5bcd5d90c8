"""The public API through HTTP: territory, communes, organisations, tokens, schema and docs."""

import hashlib
import re
from io import StringIO

import pytest
import schemathesis
from django.core.management import CommandError, call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, settings

from citeia.accounts.models import ApiToken, Organisation
from citeia.accounts.services import api_token_create, api_token_revoke
from citeia.territory.models import Commune
from citeia.wsgi import application

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# Territories and communes


def test_territories_lists_the_twelve_territories_in_order(client):
    response = client.get("/api/territories")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 12
    assert [item["code"] for item in body["items"]] == [f"T{n}" for n in range(1, 13)]
    paris = body["items"][0]
    assert paris["seat_insee_code"] == "75056"
    assert paris["population"] == 2103778


def test_territory_detail_gives_its_siren_and_figures(client):
    response = client.get("/api/territories/T6")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "T6"
    assert body["commune_count"] == 8
    assert re.fullmatch(r"\d{9}", body["siren"])
    assert body["population"] == sum(
        Commune.objects.filter(territory__code="T6").values_list("population", flat=True)
    )


def test_territory_code_is_case_insensitive(client):
    assert client.get("/api/territories/t6").json()["code"] == "T6"


def test_communes_filtered_by_territory_are_the_eight_of_t6(client):
    body = client.get("/api/communes", {"territory": "T6"}).json()
    assert body["count"] == 8
    assert len(body["items"]) == 8
    assert {item["territory_code"] for item in body["items"]} == {"T6"}
    assert "93066" in {item["insee_code"] for item in body["items"]}  # Saint-Denis


def test_communes_filtered_by_department(client):
    body = client.get("/api/communes", {"department": "93", "page_size": 500}).json()
    expected = Commune.objects.filter(department_code="93").count()
    assert expected > 30
    assert body["count"] == expected == len(body["items"])
    assert {item["department_code"] for item in body["items"]} == {"93"}


def test_communes_are_paginated(client):
    first = client.get("/api/communes").json()
    assert first["count"] == 130
    assert len(first["items"]) == 50
    last = client.get("/api/communes", {"page": 3}).json()
    assert len(last["items"]) == 30
    seen = {item["insee_code"] for item in first["items"]} & {
        item["insee_code"] for item in last["items"]
    }
    assert not seen


def test_commune_detail_gives_paris(client):
    response = client.get("/api/communes/75056")
    assert response.status_code == 200
    assert response.json() == {
        "insee_code": "75056",
        "name": "Paris",
        "department_code": "75",
        "territory_code": "T1",
        "population": 2103778,
        "population_year": response.json()["population_year"],
    }


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/api/territories/T99", "Aucun territoire"),
        ("/api/communes/99999", "Aucune commune"),
        ("/api/communes?territory=T99", "Aucun territoire"),
        ("/api/organisations/organisation-inconnue", "Aucune organisation"),
    ],
)
def test_unknown_code_is_a_json_404_in_french(client, url, words):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations?page=z%C3%A9ro",
        "/api/organisations?page=0",
        # Past the last page is an empty page; a page that would overflow SQL is refused.
        "/api/communes?page=100000000000000000000",
        # PostgreSQL cannot store or compare NUL characters: refused before the query.
        "/api/organisations?q=a%00b",
        "/api/organisations?type=%00",
        "/api/communes?territory=T%006",
        "/api/communes?department=9%003",
        "/api/territories/T%006",
        "/api/communes/75%00056",
        "/api/organisations/mont%00reuil",
    ],
)
def test_invalid_parameter_is_a_json_422_in_french(client, url):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["detail"] == "Paramètres invalides."
    assert response.json()["errors"]


def test_page_past_the_end_is_empty(client):
    body = client.get("/api/communes", {"page": 99}).json()
    assert body == {"items": [], "count": 130}


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_a_json_404(client, method):
    response = getattr(client, method)("/api/inconnu/chemin")
    assert response.status_code == 404
    assert "n'existe pas" in response.json()["detail"]


# Organisations


def test_organisations_are_paginated_by_fifty(client):
    total = Organisation.objects.count()
    assert total >= 142  # the Métropole, 11 EPT and 130 communes
    body = client.get("/api/organisations").json()
    assert body["count"] == total
    assert len(body["items"]) == 50
    last_page = (total + 49) // 50
    rest = client.get("/api/organisations", {"page": last_page}).json()
    assert len(rest["items"]) == total - 50 * (last_page - 1)
    assert len(client.get("/api/organisations", {"page_size": 7}).json()["items"]) == 7


def test_organisations_filtered_by_type_are_the_eleven_ept(client):
    body = client.get("/api/organisations", {"type": "ept"}).json()
    assert body["count"] == 11
    assert {item["kind"] for item in body["items"]} == {"ept"}
    assert all(item["territory_code"] for item in body["items"])


def test_organisations_filtered_by_name(client):
    body = client.get("/api/organisations", {"q": "montreuil"}).json()
    assert "montreuil" in [item["slug"] for item in body["items"]]


def test_organisation_detail_by_slug(client):
    response = client.get("/api/organisations/montreuil")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Montreuil"
    assert body["kind"] == "commune"
    assert body["kind_label"] == "Commune"
    assert body["insee_code"] == "93048"
    assert body["territory_code"] == "T8"


LIST_ENDPOINTS = [
    "/api/territories",
    "/api/communes",
    "/api/communes?territory=T6",
    "/api/organisations",
    "/api/organisations?type=commune",
]


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_endpoint_queries_are_bounded_whatever_the_page_size(
    client, url, django_assert_max_num_queries
):
    separator = "&" if "?" in url else "?"
    counts = []
    for page_size in (1, 10, 500):
        with django_assert_max_num_queries(3) as captured:
            response = client.get(f"{url}{separator}page_size={page_size}")
        assert response.status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts


def test_me_queries_are_bounded(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(5):
        MembershipFactory(user=user)
    _token, key = api_token_create(user=user, name="test")
    with django_assert_max_num_queries(4):
        response = client.get("/api/me", **_bearer(key))
    assert len(response.json()["memberships"]) == 5


# Tokens and /api/me


def test_me_without_authentication_is_401_in_french(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert "Authentification requise" in response.json()["detail"]


def test_me_with_a_valid_token_returns_the_account_and_its_memberships(client, commune_org):
    user = UserFactory(full_name="Camille Agent")
    MembershipFactory(user=user, organisation=commune_org, role="editor")
    token, key = api_token_create(user=user, name="tableur")
    assert key.startswith("cia_")
    response = client.get("/api/me", **_bearer(key))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["full_name"] == "Camille Agent"
    assert body["memberships"] == [
        {"organisation": "montreuil", "role": "editor", "status": "active"}
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_me_with_a_revoked_token_is_401(client):
    token, key = api_token_create(user=UserFactory(), name="ancien")
    assert client.get("/api/me", **_bearer(key)).status_code == 200
    api_token_revoke(token=token)
    response = client.get("/api/me", **_bearer(key))
    assert response.status_code == 401
    assert "révoqué" in response.json()["detail"]


def test_me_with_an_unknown_token_is_401(client):
    response = client.get("/api/me", **_bearer("cia_" + "x" * 43))
    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton d'API invalide ou révoqué."


def test_token_of_a_deactivated_account_is_401(client):
    user = UserFactory()
    _token, key = api_token_create(user=user, name="t")
    user.is_active = False
    user.save()
    assert client.get("/api/me", **_bearer(key)).status_code == 401


def test_a_bad_token_is_refused_even_on_public_endpoints(client):
    """A caller who sends a token expects it to count: a wrong one must not pass silently."""
    response = client.get("/api/territories", **_bearer("cia_faux"))
    assert response.status_code == 401


def test_tokens_are_stored_hashed_never_in_clear(client):
    token, key = api_token_create(user=UserFactory(), name="hash")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert len(token.key_prefix) < 16 and key.startswith(token.key_prefix)
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the table name is ours
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert not [value for value in stored if key in value or key[len(token.key_prefix) :] in value]


def test_create_api_token_command_prints_a_working_key(client):
    user = UserFactory(email="agent@exemple.test")
    out = StringIO()
    call_command("create_api_token", "AGENT@exemple.test", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("cia_")
    assert ApiToken.objects.filter(user=user).count() == 1
    response = client.get("/api/me", **_bearer(key))
    assert response.status_code == 200
    assert response.json()["email"] == "agent@exemple.test"


def test_create_api_token_command_fails_clearly_on_an_unknown_email():
    message = re.escape("Aucun compte avec l'adresse personne@inconnue.test.")
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", "personne@inconnue.test", stdout=StringIO())
    assert not ApiToken.objects.exists()


# Schema and docs


def test_openapi_schema_is_valid_and_lists_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    raw = response.json()
    assert raw["info"]["title"] == "Cité IA"
    assert set(raw["paths"]) == {
        "/api/territories",
        "/api/territories/{code}",
        "/api/communes",
        "/api/communes/{insee_code}",
        "/api/organisations",
        "/api/organisations/{slug}",
        "/api/me",
        "/api/catalogue/solutions",
        "/api/catalogue/solutions/{slug}",
        "/api/catalogue/solutions/{slug}/submit",
        "/api/assessments/ai-act/classify",
        "/api/assessments/files",
        "/api/assessments/files/{file_id}",
        "/api/assessments/files/{file_id}/ai-act",
        "/api/assessments/files/{file_id}/frugality",
        "/api/assessments/files/{file_id}/frugality/complete",
        "/api/assessments/files/{file_id}/frugality/usage",
        "/api/assessments/files/{file_id}/trust",
        "/api/assessments/files/{file_id}/trust/complete",
        "/api/assessments/frugality/estimate",
        "/api/assessments/questionnaires/{kind}",
        "/api/register/records",
        "/api/register/records/{public_id}",
        "/api/register/records/{public_id}/draft",
        "/api/register/records/{public_id}/history",
        "/api/register/records/{public_id}/publish",
        "/api/register/records/{public_id}/retire",
        "/api/register/records/{public_id}/submit",
        "/api/sandbox/datasets",
        "/api/sandbox/datasets/{dataset_id}",
        "/api/sandbox/models",
        "/api/sandbox/runs",
        "/api/sandbox/runs/{run_id}",
        "/api/sandbox/runs/{run_id}/report.pdf",
        "/api/sandbox/runs/{run_id}/results",
    }
    assert raw["components"]["securitySchemes"]["OptionalBearer"]["scheme"] == "bearer"
    # Validates the document against the OpenAPI meta-schema.
    schemathesis.openapi.from_dict(raw).validate()


def test_api_docs_load_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
        served = client.get(asset)
        served.close()  # static files are streamed from open files
        assert served.status_code == 200, asset
    assert "http://" not in html and "https://" not in html


# Fuzzing the schema: every generated call must answer as the schema says, never 5xx.


# Loaded at collection: serving the schema touches no database. (The lazy
# `schemathesis.pytest.from_fixture` loader does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def wsgi_calls_keep_the_test_connection():
    """Schemathesis calls the WSGI app directly; like Django's test Client, keep the
    request signals from closing the connection that holds the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
# The fixture only detaches two signal handlers: it holds for every generated example.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, wsgi_calls_keep_the_test_connection):
    # Schemathesis' WSGI transport does not inflate gzip bodies (GZipMiddleware is on).
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
