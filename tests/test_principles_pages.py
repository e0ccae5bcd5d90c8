"""Frugality and trust assessment pages: drafts, completion, grades, estimates, access."""

import pytest
from django.urls import reverse

from citeia.assessment.models import (
    AssessmentStatus,
    FrugalityAssessment,
    Questionnaire,
    TrustAssessment,
)
from citeia.assessment.services_principles import flag_outdated_principles

from .assessment_factories import SystemFileFactory
from .principles_factories import FRUGALITY_Q, as_post, frugality_answers, trust_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(commune_org):
    return SystemFileFactory(organisation=commune_org, name="Tri du courrier entrant")


@pytest.fixture
def editor(make_user, commune_org):
    return make_user("editor", commune_org)


def url(name, file):
    return reverse(f"assessment:{name}", args=[file.pk])


def test_editor_saves_a_draft_then_completes_with_a_grade(client, editor, file):
    client.force_login(editor)
    assert client.get(url("frugality_edit", file)).status_code == 200
    answers = frugality_answers("yes")
    response = client.post(url("frugality_edit", file), as_post(answers, "save"))
    assert response.status_code == 302
    draft = FrugalityAssessment.objects.get(file=file)
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.grade == "A"
    response = client.post(url("frugality_edit", file), as_post(answers, "complete"))
    assert response.status_code == 302
    assert response.url == url("frugality_result", file)
    done = FrugalityAssessment.objects.get(file=file)
    assert done.status == AssessmentStatus.COMPLETED and done.grade == "A"
    assert done.result["overall"] == 100
    page = client.get(url("frugality_result", file))
    assert "Sobriété : A" in page.content.decode()
    detail = client.get(file.get_absolute_url()).content.decode()
    assert "Sobriété : A" in detail
    assert url("frugality_result", file) in detail


def test_yes_without_evidence_is_refused_with_the_item_named_and_nothing_saved(
    client, editor, file
):
    client.force_login(editor)
    answers = frugality_answers("partial")
    item = FRUGALITY_Q.themes[1].items[0]
    answers["items"][item.id] = {"answer": "yes", "evidence": ""}
    response = client.post(url("frugality_edit", file), as_post(answers, "save"))
    assert response.status_code == 422
    content = response.content.decode()
    assert "demande une preuve" in content
    assert f'href="#id_items-{item.id}-evidence"' in content
    assert not FrugalityAssessment.objects.filter(file=file).exists()
    # The typed answers are kept in the form.
    assert f'value="partial" id="id_items-{FRUGALITY_Q.themes[0].items[0].id}_1" checked' in content


def test_completing_with_unanswered_items_keeps_the_draft_and_answers_422(client, editor, file):
    client.force_login(editor)
    answers = frugality_answers("no")
    del answers["items"][FRUGALITY_Q.themes[0].items[0].id]
    response = client.post(url("frugality_edit", file), as_post(answers, "complete"))
    assert response.status_code == 422
    assert "Brouillon enregistré" in response.content.decode()
    draft = FrugalityAssessment.objects.get(file=file)
    assert draft.status == AssessmentStatus.DRAFT
    assert len(draft.answers["items"]) == len(FRUGALITY_Q.all_items()) - 3


def test_failed_gate_completes_as_grade_e_without_the_items(client, editor, file):
    client.force_login(editor)
    answers = {"gate": frugality_answers(gate="no")["gate"]}
    response = client.post(url("frugality_edit", file), as_post(answers, "complete"))
    assert response.status_code == 302
    done = FrugalityAssessment.objects.get(file=file)
    assert done.grade == "E" and done.result["frugal"] is False
    assert "Préalable non satisfait" in client.get(url("frugality_result", file)).content.decode()


def test_an_update_starts_a_new_draft_from_the_completed_answers(client, editor, file):
    client.force_login(editor)
    client.post(url("frugality_edit", file), as_post(frugality_answers("yes"), "complete"))
    page = client.get(url("frugality_edit", file)).content.decode()
    assert "ouvrez une mise à jour" in page
    client.post(url("frugality_edit", file), as_post(frugality_answers("partial"), "save"))
    rows = list(FrugalityAssessment.objects.filter(file=file).order_by("created_at", "pk"))
    assert [r.status for r in rows] == ["completed", "draft"]
    assert rows[0].grade == "A" and rows[1].grade == "C"


def test_usage_estimate_is_saved_with_formula_and_constants(client, editor, file):
    client.force_login(editor)
    response = client.post(
        url("frugality_estimate", file),
        {
            "method": "inference",
            "energy_per_inference_wh": "0,5",
            "requests_per_day": "1000",
            "training_energy_kwh": "300",
            "grid": "fr-codecarbon",
        },
    )
    assert response.status_code == 302
    row = FrugalityAssessment.objects.get(file=file)
    assert row.estimate["yearly_kwh"] == pytest.approx(412.45)
    page = client.get(url("frugality_result", file)).content.decode()
    assert "412,45 kWh" in page
    assert "Arcep" in page and "CodeCarbon 3.3.2" in page


def test_negative_usage_answers_422_naming_the_field(client, editor, file):
    client.force_login(editor)
    response = client.post(
        url("frugality_estimate", file),
        {"method": "inference", "energy_per_inference_wh": "1", "requests_per_day": "-3"},
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert "Requêtes par jour : une valeur négative" in content
    assert 'href="#id_requests_per_day"' in content
    assert not FrugalityAssessment.objects.filter(file=file).exists()


def test_generative_estimate_through_the_form(client, editor, file):
    client.force_login(editor)
    response = client.post(
        url("frugality_estimate", file),
        {
            "method": "generative",
            "total_parameters_billion": "7",
            "output_tokens_per_request": "400",
            "requests_per_day": "500",
            "electricity_zone": "FRA",
        },
    )
    assert response.status_code == 302
    row = FrugalityAssessment.objects.get(file=file)
    assert row.estimate["method"] == "generative"
    assert row.estimate["yearly_embodied_kgco2e"] > row.estimate["yearly_usage_kgco2e"]


def test_public_estimate_needs_no_account_and_saves_nothing(client):
    page = client.get(reverse("assessment:estimate_public"))
    assert page.status_code == 200
    response = client.post(
        reverse("assessment:estimate_public"),
        {"method": "inference", "energy_per_inference_wh": "2", "requests_per_day": "100"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "kgCO2e" in content and "1,46" in content
    bad = client.post(reverse("assessment:estimate_public"), {"method": "inference"})
    assert bad.status_code == 422
    assert FrugalityAssessment.objects.count() == 0


def test_method_page_lists_thresholds_and_sources(client):
    content = client.get(reverse("assessment:frugality_method")).content.decode()
    assert "RGESN 9.3" in content and "AFNOR SPEC 2314" in content
    assert "Seuils des notes" in content


def test_trust_self_assessment_and_its_profile(client, editor, file):
    client.force_login(editor)
    answers = trust_answers("yes")
    first = next(iter(answers["items"]))
    answers["items"][first] = {"answer": "no", "evidence": ""}
    response = client.post(url("trust_edit", file), as_post(answers, "complete"))
    assert response.status_code == 302
    row = TrustAssessment.objects.get(file=file)
    assert row.status == AssessmentStatus.COMPLETED
    assert row.result["scores"]["interet-general"] == 67
    page = client.get(url("trust_profile", file)).content.decode()
    assert "<svg" in page and "<title" in page and "<desc" in page
    assert "Profil de confiance : données du graphique" in page
    detail = client.get(file.get_absolute_url()).content.decode()
    assert 'role="img"' in detail


@pytest.mark.parametrize("name", ["frugality_edit", "frugality_estimate", "trust_edit"])
def test_a_member_reads_but_may_not_write(client, make_user, commune_org, file, name):
    client.force_login(make_user("member", commune_org))
    assert client.get(url(name, file)).status_code == 403
    assert client.get(file.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["frugality_edit", "frugality_result", "frugality_estimate", "trust_edit", "trust_profile"],
)
def test_another_organisation_never_sees_the_file(client, make_user, other_commune_org, file, name):
    client.force_login(make_user("editor", other_commune_org))
    assert client.get(url(name, file)).status_code == 404
    assert client.post(url(name, file), as_post(frugality_answers())).status_code == 404


def test_anonymous_cannot_post_answers(client, file):
    response = client.post(url("frugality_edit", file), as_post(frugality_answers(), "complete"))
    assert response.status_code in (302, 404)
    assert not FrugalityAssessment.objects.exists()


def test_result_pages_404_before_any_assessment(client, editor, file):
    client.force_login(editor)
    assert client.get(url("frugality_result", file)).status_code == 404
    assert client.get(url("trust_profile", file)).status_code == 404


def test_new_questionnaire_version_flags_completed_assessments_with_the_difference(
    client, editor, file
):
    client.force_login(editor)
    client.post(url("frugality_edit", file), as_post(frugality_answers("yes"), "complete"))
    old = Questionnaire.objects.get(kind="frugality", is_current=True)
    content = dict(old.content)
    content["version"] = "2"
    content["themes"] = [dict(t) for t in content["themes"]]
    content["themes"][0]["weight"] = 5
    old.is_current = False
    old.save()
    Questionnaire.objects.create(kind="frugality", version="2", content=content, is_current=True)
    flagged = flag_outdated_principles()
    assert [row.file_id for row in flagged] == [file.pk]
    row = FrugalityAssessment.objects.get(file=file)
    assert row.needs_review
    assert "Poids du thème « Besoin et usages » : 2 → 5." in row.review_reason
    assert flag_outdated_principles() == []  # already flagged
    page = client.get(file.get_absolute_url()).content.decode()
    assert "À revoir : le questionnaire de sobriété a changé." in page
    # An update uses version 2 and clears the flag.
    client.post(url("frugality_edit", file), as_post(frugality_answers("yes"), "complete"))
    latest = FrugalityAssessment.objects.order_by("-pk").first()
    assert latest.questionnaire.version == "2" and not latest.needs_review


def test_estimate_formula_and_constants_in_english(client):
    client.cookies["citeia_language"] = "en"
    response = client.post(
        reverse("assessment:estimate_public"),
        {"method": "inference", "energy_per_inference_wh": "0.5", "requests_per_day": "1000"},
    )
    content = response.content.decode()
    assert "Inference energy = 0.5 Wh × 1,000 requests/day" in content
    assert "Average PUE of data centres in France" in content
    assert "Énergie d'inférence" not in content
