"""Public register: home with search, filters, sorting and pagination; organisation and
commune pages; coverage; exports that parse back; DCAT; the public and write API."""

import csv
import datetime
import io
import json

import pytest
from django.test import Client

from citeia.accounts.models import Organisation
from citeia.accounts.services import api_token_create
from citeia.registry import selectors, services
from citeia.registry.models import Record, RecordStatus
from citeia.registry.schema import FIELDS

from .registry_factories import COMPLETE, admin_user, make_published, make_record


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


@pytest.fixture
def register(db, commune_org, other_commune_org):
    """Montreuil (T8), Antony (T2), Est Ensemble (EPT of Montreuil) and the Métropole."""
    admin = admin_user()
    est_ensemble = Organisation.objects.get(kind="ept", territory__code="T8")
    metropole = Organisation.objects.get(kind="metropole")
    return {
        "cantine": make_published(commune_org, user=admin),
        "voirie": make_published(
            other_commune_org,
            user=admin,
            name="Détection des nids-de-poule",
            summary="Repère les trous de la chaussée sur les photos des véhicules.",
            theme="mobility",
            decision_type="none",
            automation="na",
            personal_data="none",
            technique="ml",
        ),
        "ept": make_published(
            est_ensemble, user=admin, name="Tri des demandes de logement", theme="urbanism"
        ),
        "metropole": make_published(
            metropole,
            user=admin,
            name="Prévision des crues",
            summary="Prévoit la hauteur de la Seine.",
            theme="environment",
            decision_type="support",
            technique="hybrid",
        ),
    }


def names(response) -> list[str]:
    return sorted(item["name"] for item in json.loads(body(response)))


def test_home_lists_published_records_with_a_bounded_number_of_queries(
    client, register, django_assert_max_num_queries
):
    for n in range(25):
        make_published(register["cantine"].organisation, name=f"Fiche {n:02d}")
    with django_assert_max_num_queries(12):
        response = client.get("/registre/")
    text = response.content.decode()
    assert "29 fiches" in text
    assert "Calcul du quotient familial" in text
    assert "page=2" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("organisation=montreuil", ["Calcul du quotient familial"]),
        (
            "territoire=T8",
            ["Calcul du quotient familial", "Prévision des crues", "Tri des demandes de logement"],
        ),
        ("theme=mobility", ["Détection des nids-de-poule"]),
        ("decision=support", ["Prévision des crues"]),
        ("donnees=none", ["Détection des nids-de-poule"]),
        ("technique=ml&technique=hybrid", ["Détection des nids-de-poule", "Prévision des crues"]),
        ("theme=education&territoire=T8", ["Calcul du quotient familial"]),
        ("q=chaussee", ["Détection des nids-de-poule"]),
        ("q=crue", ["Prévision des crues"]),
        ("statut=retired", []),
        (
            "theme=inconnu",
            [
                "Calcul du quotient familial",
                "Détection des nids-de-poule",
                "Prévision des crues",
                "Tri des demandes de logement",
            ],
        ),
    ],
)
def test_filters_and_search(client, register, query, expected):
    assert names(client.get(f"/registre/?{query}&format=json")) == expected


def test_sorting_by_date_and_organisation(client, register):
    rows = json.loads(body(client.get("/registre/?tri=-date&format=json")))
    assert rows[0]["name"] == "Prévision des crues"
    rows = json.loads(body(client.get("/registre/?tri=organisation&format=json")))
    assert rows[0]["organisation"] == "Antony"


def test_htmx_request_returns_the_results_fragment(client, register):
    response = client.get("/registre/?theme=mobility", headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert "Détection des nids-de-poule" in response.content.decode()


def test_csv_export_parses_back_with_stable_ids_and_every_published_field(client, register):
    response = client.get("/registre/?format=csv&sep=semicolon")
    rows = list(csv.DictReader(io.StringIO(body(response)), delimiter=";"))
    assert len(rows) == 4
    cantine = next(row for row in rows if row["identifiant"] == register["cantine"].public_id)
    assert cantine["organisation_insee"] == "93048"
    metropole = next(row for row in rows if row["identifiant"] == register["metropole"].public_id)
    assert metropole["organisation_siren"] == Organisation.objects.get(kind="metropole").siren
    for name in FIELDS:
        assert name in cantine
    assert cantine["parameters"] == COMPLETE["parameters"]


def test_json_export_and_one_record_export_and_history(client, register):
    record = register["cantine"]
    rows = json.loads(body(client.get("/registre/?format=json")))
    assert {row["public_id"] for row in rows} == {r.public_id for r in register.values()}
    one = json.loads(body(client.get(f"/registre/fiches/{record.public_id}.json")))
    assert one[0]["public_id"] == record.public_id
    assert one[0]["organisation_insee"] == "93048"
    services.record_update(user=admin_user(), record=record, data={"goal": "Nouveau"})
    services.record_submit(user=admin_user(), record=record)
    services.record_publish(user=admin_user(), record=record)
    history = json.loads(body(client.get(f"/registre/fiches/{record.public_id}.json?historique=1")))
    assert [row["version"] for row in history] == [1, 2]
    assert history[1]["goal"] == "Nouveau"


def test_dcat_catalogue_entry(client, register):
    data = json.loads(client.get("/registre/dcat.jsonld").content)
    assert data["@type"] == "dcat:Catalog"
    formats = {d["dct:format"] for d in data["dcat:dataset"][0]["dcat:distribution"]}
    assert formats == {"CSV", "JSON"}


def test_organisation_page_lists_its_records_and_request_statistics(client, register):
    page = client.get("/registre/organisations/montreuil/").content.decode()
    assert "Calcul du quotient familial" in page
    assert "Détection des nids-de-poule" not in page
    assert "Demandes d’explication" in page
    assert client.get("/registre/organisations/inconnue/").status_code == 404


def test_commune_page_shows_its_own_its_territory_and_the_metropole_records(client, register):
    page = client.get("/territoire/communes/93048/").content.decode()
    for name in (
        "Calcul du quotient familial",
        "Tri des demandes de logement",
        "Prévision des crues",
    ):
        assert name in page
    assert "Détection des nids-de-poule" not in page
    antony = client.get("/territoire/communes/92002/").content.decode()
    assert "Tri des demandes de logement" not in antony
    assert "Détection des nids-de-poule" in antony


def test_coverage_uses_the_population_threshold(client, register):
    rows = {row.commune.insee_code: row for row in selectors.coverage()}
    assert rows["93048"].obliged and rows["93048"].records == 1
    assert rows["93048"].decision_records == 1
    assert rows["92002"].records == 1 and rows["92002"].decision_records == 0
    assert all(row.obliged == (row.commune.population > 3500) for row in rows.values())
    page = client.get("/registre/couverture/").content.decode()
    assert "3\xa0500 habitants" in page
    assert "L312-1-3" in page


def test_record_past_its_review_date_is_flagged(client, commune_org):
    record = make_published(commune_org, next_review=datetime.date(2020, 1, 1))
    page = client.get(record.get_absolute_url()).content.decode()
    assert "À revoir depuis le 01/01/2020" in page


def test_explicit_mention_only_for_individual_decisions(client, register):
    page = client.get(f"/registre/fiches/{register['cantine'].public_id}/mention/").content.decode()
    assert "traitement algorithmique" in page
    assert "CADA" in page
    assert (
        client.get(f"/registre/fiches/{register['voirie'].public_id}/mention/").status_code == 404
    )


# --- API ------------------------------------------------------------------------------------


def test_api_list_filters_detail_and_history(client, register):
    data = client.get("/api/register/records?theme=mobility").json()
    assert [item["fields"]["name"] for item in data["items"]] == ["Détection des nids-de-poule"]
    assert client.get("/api/register/records?theme=nope").status_code == 422
    record = register["cantine"]
    detail = client.get(f"/api/register/records/{record.public_id}").json()
    assert detail["organisation"]["insee"] == "93048"
    assert detail["fields"]["parameters"] == COMPLETE["parameters"]
    history = client.get(f"/api/register/records/{record.public_id}/history").json()
    assert [v["version"] for v in history] == [1]
    assert client.get("/api/register/records/CIA-93048-9999").status_code == 404


@pytest.fixture
def token_for(make_user, commune_org):
    def make(role="editor", organisation=None):
        user = make_user(role, organisation or commune_org)
        _token, key = api_token_create(user=user, name="test")
        return {"Authorization": f"Bearer {key}"}

    return make


def test_api_write_workflow_create_update_submit_publish_retire(client, token_for):
    editor, manager = token_for("editor"), token_for("manager")
    fields = {**COMPLETE, "next_review": "2099-01-01"}
    response = client.post(
        "/api/register/records",
        {"organisation": "montreuil", "fields": fields},
        content_type="application/json",
        headers=editor,
    )
    assert response.status_code == 201, response.content
    public_id = response.json()["public_id"]
    assert response.json()["missing_fields"] == []
    response = client.patch(
        f"/api/register/records/{public_id}/draft",
        {"fields": {"legal_basis": ""}},
        content_type="application/json",
        headers=editor,
    )
    assert response.json()["missing_fields"] == ["legal_basis"]
    response = client.post(f"/api/register/records/{public_id}/submit", headers=editor)
    assert response.status_code == 422
    assert "base légale" in response.json()["detail"]
    client.patch(
        f"/api/register/records/{public_id}/draft",
        {"fields": {"legal_basis": "Délibération"}},
        content_type="application/json",
        headers=editor,
    )
    assert (
        client.post(f"/api/register/records/{public_id}/submit", headers=editor).status_code == 200
    )
    publish = f"/api/register/records/{public_id}/publish"
    assert (
        client.post(publish, {}, content_type="application/json", headers=editor).status_code == 403
    )
    response = client.post(
        publish, {"note": "v1"}, content_type="application/json", headers=manager
    )
    assert response.status_code == 200 and response.json()["published_version"] == 1
    assert client.get(f"/api/register/records/{public_id}").status_code == 200
    response = client.post(
        f"/api/register/records/{public_id}/retire",
        {"note": "Arrêté"},
        content_type="application/json",
        headers=manager,
    )
    assert response.json()["status"] == RecordStatus.RETIRED


def test_api_writes_need_a_token_and_the_right_organisation(client, token_for, other_commune_org):
    fields = {**COMPLETE, "next_review": "2099-01-01"}
    payload = {"organisation": "montreuil", "fields": fields}
    assert (
        client.post("/api/register/records", payload, content_type="application/json").status_code
        == 401
    )
    other = token_for("editor", other_commune_org)
    response = client.post(
        "/api/register/records", payload, content_type="application/json", headers=other
    )
    assert response.status_code == 403
    record = make_published(Organisation.objects.get(slug="montreuil"))
    response = client.patch(
        f"/api/register/records/{record.public_id}/draft",
        {"fields": {"name": "x"}},
        content_type="application/json",
        headers=other,
    )
    assert response.status_code == 403
    assert not Record.objects.filter(name="x").exists()


def test_api_rejects_unknown_fields_and_bad_values(client, token_for):
    editor = token_for("editor")
    response = client.post(
        "/api/register/records",
        {"organisation": "montreuil", "fields": {"nom": "x"}},
        content_type="application/json",
        headers=editor,
    )
    assert response.status_code == 422
    assert "nom" in response.json()["detail"]
    response = client.post(
        "/api/register/records",
        {"organisation": "montreuil", "fields": {**COMPLETE, "next_review": "demain"}},
        content_type="application/json",
        headers=editor,
    )
    assert response.status_code == 422
    assert not Record.objects.exists()


def test_draft_of_an_api_record_is_invisible_to_the_public(client, commune_org):
    record = make_record(commune_org)
    assert Client().get(f"/api/register/records/{record.public_id}").status_code == 404
    assert record.public_id not in Client().get("/api/register/records").content.decode()


# --- AI Act class from the assessment file, EU database entry --------------------------------


def _high_risk_file(record, user):
    from citeia.assessment.models import AiActAssessment

    assessment_file = services.record_link_assessment(user=user, record=record)
    AiActAssessment.objects.create(
        file=assessment_file,
        status="completed",
        result={"outcome": "high_risk", "high_risk_basis": "annex_iii:5a"},
    )
    return assessment_file


def test_ai_act_class_comes_from_the_assessment_file_and_high_risk_exports_eu_entry(
    client, commune_org
):
    admin = admin_user()
    record = make_record(commune_org, user=admin, provider_eu_db_ref="EU-DB-0042")
    assessment_file = _high_risk_file(record, admin)
    assert record.assessment_file == assessment_file
    assert assessment_file.organisation == commune_org
    services.record_submit(user=admin, record=record)
    services.record_publish(user=admin, record=record)
    record.refresh_from_db()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Risque élevé — Annexe III 5 a" in page
    assert record.current_version.risk_class == "high_risk"
    rows = json.loads(body(client.get("/registre/?risque=high_risk&format=json")))
    assert [row["public_id"] for row in rows] == [record.public_id]
    entry = client.get(f"/registre/fiches/{record.public_id}/base-ue.json").json()
    assert entry["1_deployer"]["insee"] == "93048"
    assert entry["3_provider_eu_database_entry"] == "EU-DB-0042"
    assert entry["ai_act_class"]["high_risk_basis"] == "annex_iii:5a"
    assert "5_dpia_summary" in entry and "4_fria_summary" in entry


def test_no_eu_entry_for_a_record_that_is_not_high_risk(client, commune_org):
    record = make_published(commune_org)
    assert client.get(f"/registre/fiches/{record.public_id}/base-ue.json").status_code == 404


def test_editor_opens_the_assessment_file_from_the_record(client, make_user, commune_org):
    record = make_record(commune_org)
    editor = make_user("editor", commune_org)
    client.force_login(editor)
    response = client.post(f"/registre/gestion/fiches/{record.public_id}/evaluation/")
    record.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == record.assessment_file.get_absolute_url()


def test_list_pages_use_a_bounded_number_of_queries(
    client, register, make_user, commune_org, django_assert_max_num_queries
):
    from citeia.registry import request_services

    for n in range(15):
        record = make_published(commune_org, name=f"Fiche {n:02d}")
        request_services.explanation_request_create(
            record=record, data={"message": "Pourquoi ?", "email": "a@exemple.test"}
        )
    with django_assert_max_num_queries(8):
        assert client.get("/registre/organisations/montreuil/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/registre/couverture/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/territoire/communes/93048/").status_code == 200
    editor = Client()
    editor.force_login(make_user("manager", commune_org))
    with django_assert_max_num_queries(12):
        assert editor.get("/registre/gestion/").status_code == 200
    with django_assert_max_num_queries(10):
        assert editor.get("/registre/gestion/demandes/").status_code == 200
