import json

import pytest

from citeia.assessment import services
from citeia.assessment.models import AiActAssessment

from .assessment_factories import CHATBOT_FACTS, SOCIAL_BENEFIT_FACTS, SystemFileFactory

CLASSIFY = "/api/assessments/ai-act/classify"


def post_json(client, url, data, method="post", **extra):
    return getattr(client, method)(
        url, data=json.dumps(data), content_type="application/json", **extra
    )


@pytest.mark.django_db
def test_classify_is_public_and_returns_the_documented_result(client):
    response = post_json(client, CLASSIFY, SOCIAL_BENEFIT_FACTS)
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "high_risk"
    assert body["high_risk_basis"] == "annex_iii:5a"
    assert body["fria_required"] is True
    assert body["rule_set"]["version"] == "aiact-2026.1"


@pytest.mark.django_db
def test_classify_chatbot_provider_is_minimal_with_50_1(client):
    body = post_json(client, CLASSIFY, CHATBOT_FACTS).json()
    assert body["outcome"] == "minimal"
    assert body["transparency"] == ["50(1)"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("facts", "field", "code"),
    [
        ({"annex_iii_point": "9a"}, "annex_iii_point", "unknown_value"),
        (
            {"exclusion": "defence", "prohibited_practices": ["c"]},
            "prohibited_practices",
            "contradiction",
        ),
        ({"is_ai_system": "oui"}, "is_ai_system", "invalid_type"),
        ({"colour": "blue"}, "colour", "unknown_field"),
    ],
)
def test_classify_names_the_faulty_field_with_422(client, facts, field, code):
    response = post_json(client, CLASSIFY, facts)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in errors
    ]
    assert all(e["message"] for e in errors)


@pytest.mark.django_db
def test_files_require_authentication(client):
    assert client.get("/api/assessments/files").status_code == 401


@pytest.mark.django_db
def test_files_list_only_the_callers_organisations(
    client, make_user, commune_org, other_commune_org
):
    mine = SystemFileFactory(organisation=commune_org, name="Aide RSA")
    SystemFileFactory(organisation=other_commune_org, name="Secret d'Antony")
    client.force_login(make_user("member", commune_org))
    names = [row["name"] for row in client.get("/api/assessments/files").json()]
    assert names == [mine.name]


@pytest.mark.django_db
def test_put_ai_act_writes_facts_and_returns_result(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    client.force_login(make_user("editor", commune_org))
    response = post_json(
        client, f"/api/assessments/files/{file.pk}/ai-act", SOCIAL_BENEFIT_FACTS, "put"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "high_risk"
    assert body["ai_act"]["result"]["high_risk_basis"] == "annex_iii:5a"
    assert AiActAssessment.objects.get(file=file).status == "completed"


@pytest.mark.django_db
def test_put_ai_act_contradiction_is_422_and_keeps_previous(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=user)
    client.force_login(user)
    bad = {**SOCIAL_BENEFIT_FACTS, "exclusion": "defence", "prohibited_practices": ["c"]}
    response = post_json(client, f"/api/assessments/files/{file.pk}/ai-act", bad, "put")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "prohibited_practices"
    assert AiActAssessment.objects.get(file=file).result["outcome"] == "minimal"


@pytest.mark.django_db
def test_other_organisation_cannot_read_or_write(client, make_user, commune_org, other_commune_org):
    file = SystemFileFactory(organisation=commune_org)
    client.force_login(make_user("editor", other_commune_org))
    assert client.get(f"/api/assessments/files/{file.pk}").status_code == 404
    response = post_json(client, f"/api/assessments/files/{file.pk}/ai-act", CHATBOT_FACTS, "put")
    assert response.status_code == 404


@pytest.mark.django_db
def test_member_reads_but_cannot_write(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    client.force_login(make_user("member", commune_org))
    assert client.get(f"/api/assessments/files/{file.pk}").status_code == 200
    response = post_json(client, f"/api/assessments/files/{file.pk}/ai-act", CHATBOT_FACTS, "put")
    assert response.status_code == 403
