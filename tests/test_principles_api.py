"""API of frugality and trust assessments: public estimate, a file's assessments."""

import json

import pytest

from citeia.assessment.models import FrugalityAssessment, TrustAssessment

from .assessment_factories import SystemFileFactory
from .principles_factories import FRUGALITY_Q, frugality_answers, trust_answers

ESTIMATE = "/api/assessments/frugality/estimate"
pytestmark = pytest.mark.django_db


def send(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def file(commune_org):
    return SystemFileFactory(organisation=commune_org)


def test_estimate_is_public_and_returns_formula_and_constants(client):
    response = send(
        client,
        ESTIMATE,
        {"energy_per_inference_wh": 0.5, "requests_per_day": 1000, "training_energy_kwh": 300},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["yearly_kwh"] == pytest.approx(412.45)
    assert body["version"] == "frugality-estimate-1"
    assert {c["key"] for c in body["constants"]} >= {"pue", "carbon_intensity"}
    assert all(c["source"] for c in body["constants"])
    assert body["lines"]


def test_estimate_generative_with_ecologits(client):
    body = send(
        client,
        ESTIMATE,
        {
            "method": "generative",
            "total_parameters_billion": 70,
            "active_share": 0.2,
            "output_tokens_per_request": 250,
            "requests_per_day": 2000,
        },
    ).json()
    assert body["method"] == "generative"
    assert body["yearly_embodied_kgco2e"] > 0 and body["yearly_usage_kgco2e"] > 0


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        ({"energy_per_inference_wh": 1, "requests_per_day": -1}, "requests_per_day"),
        ({"energy_per_inference_wh": 1, "requests_per_day": 5, "pue": 12}, "pue"),
        ({"requests_per_day": 5}, "energy_per_inference_wh"),
    ],
)
def test_estimate_bad_usage_names_the_field(client, usage, field):
    response = send(client, ESTIMATE, usage)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_current_questionnaires_are_public(client):
    body = client.get("/api/assessments/questionnaires/frugality").json()
    assert body["version"] == "1" and body["content"]["gate"]["items"]
    assert client.get("/api/assessments/questionnaires/trust").status_code == 200
    assert client.get("/api/assessments/questionnaires/autre").status_code == 422


def test_editor_writes_and_completes_a_frugality_assessment(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    url = f"/api/assessments/files/{file.pk}/frugality"
    assert client.get(url).json() == {"file_id": file.pk, "completed": None, "draft": None}
    # Completing before any draft, or with questions left, is a conflict (409).
    assert client.post(f"{url}/complete").status_code == 409
    partial = frugality_answers("partial")
    first = next(iter(partial["items"]))
    del partial["items"][first]
    assert send(client, url, {"answers": partial}, method="put").status_code == 200
    response = client.post(f"{url}/complete")
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == f"items.{first}"
    response = send(client, url, {"answers": frugality_answers("partial")}, method="put")
    assert response.json()["draft"]["grade"] == "C"
    usage = {"energy_per_inference_wh": 0.2, "requests_per_day": 300}
    assert send(client, f"{url}/usage", usage, method="put").status_code == 200
    body = client.post(f"{url}/complete").json()
    assert body["completed"]["grade"] == "C"
    assert body["completed"]["estimate"]["yearly_kwh"] > 0
    assert body["draft"] is None
    assert client.get(url).json()["completed"]["result"]["overall"] == 50


def test_usage_endpoint_names_the_faulty_field(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    url = f"/api/assessments/files/{file.pk}/frugality/usage"
    response = send(
        client, url, {"energy_per_inference_wh": -1, "requests_per_day": 3}, method="put"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "energy_per_inference_wh"
    assert not FrugalityAssessment.objects.exists()


def test_unknown_body_key_is_refused(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    url = f"/api/assessments/files/{file.pk}/frugality"
    response = send(client, url, {"answers": {}, "complete": True}, method="put")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "complete"


def test_yes_without_evidence_is_422_naming_the_item(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    answers = frugality_answers("no")
    item = FRUGALITY_Q.themes[2].items[0].id
    answers["items"][item] = {"answer": "yes"}
    response = send(
        client, f"/api/assessments/files/{file.pk}/frugality", {"answers": answers}, method="put"
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == f"items.{item}"
    assert error["code"] == "evidence_required"
    assert not FrugalityAssessment.objects.exists()


def test_trust_write_and_read(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    url = f"/api/assessments/files/{file.pk}/trust"
    response = send(client, url, {"answers": trust_answers("yes")}, method="put")
    assert response.status_code == 200
    response = client.post(f"{url}/complete")
    assert response.json()["completed"]["result"]["scores"]["securite"] == 100
    assert TrustAssessment.objects.get().status == "completed"
    assert client.get(f"/api/assessments/files/{file.pk}").json()["trust_scores"]["securite"] == 100


def test_access_rules(client, make_user, commune_org, other_commune_org, file):
    url = f"/api/assessments/files/{file.pk}/frugality"
    assert client.get(url).status_code == 401
    client.force_login(make_user("editor", other_commune_org))
    assert client.get(url).status_code == 404
    assert send(client, url, {"answers": {}}, method="put").status_code == 404
    client.force_login(make_user("member", commune_org))
    assert client.get(url).status_code == 200
    assert send(client, url, {"answers": {}}, method="put").status_code == 403


def test_nul_characters_are_refused_not_stored(client, make_user, commune_org, file):
    client.force_login(make_user("editor", commune_org))
    answers = frugality_answers("no")
    item = FRUGALITY_Q.themes[0].items[0].id
    answers["items"][item] = {"answer": "no", "evidence": "a\x00b"}
    response = send(
        client, f"/api/assessments/files/{file.pk}/frugality", {"answers": answers}, method="put"
    )
    assert response.status_code == 422
    usage = {
        "energy_per_inference_wh": 1,
        "requests_per_day": 1,
        "carbon_intensity_g_per_kwh": 50,
        "carbon_intensity_source": "x\x00",
    }
    assert send(client, ESTIMATE, usage).status_code == 422
