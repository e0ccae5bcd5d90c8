"""The catalogue shows each solution's AI Act class and frugality grade, from the
assessment file: facets, cards, solution page, comparison, exports and API."""

import csv
import io

import pytest
from django.urls import reverse

from citeia.assessment import services as assessment_services
from citeia.assessment import services_principles
from citeia.catalogue.models import SolutionFigures
from citeia.core import search

from .assessment_factories import CHATBOT_FACTS, SOCIAL_BENEFIT_FACTS
from .catalogue_factories import SolutionFactory
from .principles_factories import frugality_answers

pytestmark = pytest.mark.django_db

LIST = reverse("catalogue:solution_list")


@pytest.fixture
def assessed(make_user):
    """Scoring: high risk (Annex III 5 a), frugality A. Chatbot: minimal, not graded.
    Planner: never assessed."""
    team = make_user("programme_team")
    scoring = SolutionFactory(name="Score d'éligibilité")
    chatbot = SolutionFactory(name="Agent conversationnel")
    planner = SolutionFactory(name="Planificateur de tournées")
    for solution, facts in ((scoring, SOCIAL_BENEFIT_FACTS), (chatbot, CHATBOT_FACTS)):
        search.index(solution)
        file = assessment_services.file_for_solution_get_or_create(solution=solution, user=team)
        assessment_services.ai_act_write_facts(file=file, facts=dict(facts), user=team)
    file = assessment_services.file_for_solution_get_or_create(solution=scoring, user=team)
    draft = services_principles.frugality_start(file=file, user=team)
    services_principles.frugality_complete(assessment=draft, answers=frugality_answers(), user=team)
    return scoring, chatbot, planner


def test_completing_assessments_updates_the_solution_figures(assessed):
    scoring, chatbot, planner = assessed
    figures = {f.solution_id: f for f in SolutionFigures.objects.all()}
    assert (figures[scoring.pk].aiact_outcome, figures[scoring.pk].frugality_grade) == (
        "high_risk",
        "A",
    )
    assert (figures[chatbot.pk].aiact_outcome, figures[chatbot.pk].frugality_grade) == (
        "minimal",
        "",
    )
    assert planner.pk not in figures or figures[planner.pk].aiact_outcome == ""


def test_facets_filter_and_count_by_ai_act_class_and_frugality_grade(client, assessed):
    scoring, chatbot, planner = assessed
    page = client.get(LIST).content.decode()
    assert "Classe AI Act" in page and "Sobriété (AFNOR SPEC 2314)" in page
    assert "AI Act : Risque élevé" in page and "Sobriété : A" in page
    high = client.get(LIST, {"aiact": "high_risk"}).content.decode()
    assert scoring.name.replace("'", "&#x27;") in high
    assert chatbot.name not in high and planner.name not in high
    graded = client.get(LIST, {"sobriete": "A"}).content.decode()
    assert chatbot.name not in graded and planner.name not in graded
    both = client.get(LIST, {"aiact": ["high_risk", "minimal"]}).content.decode()
    assert chatbot.name in both and planner.name not in both


def test_solution_page_shows_the_class_with_its_basis_and_links_the_public_file(client, assessed):
    scoring, chatbot, planner = assessed
    page = client.get(scoring.get_absolute_url()).content.decode()
    assert "Risque élevé — Annexe III 5 a" in page
    assert "Sobriété : A" in page
    assert "Raisonnement, obligations et sobriété expliqués" in page
    page = client.get(chatbot.get_absolute_url()).content.decode()
    assert "Risque minimal" in page and "article 50(1)" in page
    page = client.get(planner.get_absolute_url()).content.decode()
    assert "Raisonnement, obligations et sobriété expliqués" not in page


def test_comparison_exports_and_api_carry_class_and_grade(client, assessed):
    scoring, chatbot, planner = assessed
    compare = client.get(
        reverse("catalogue:solution_compare"), {"s": [scoring.slug, chatbot.slug, planner.slug]}
    ).content.decode()
    assert "Risque élevé — Annexe III 5 a" in compare and "Risque minimal" in compare
    assert compare.count("pas encore évaluée") == 3  # planner: both; chatbot: its grade
    export = client.get(LIST, {"format": "csv", "sep": "semicolon"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_name = {row["nom"]: row for row in rows}
    assert by_name[scoring.name]["classe_ai_act"] == "high_risk"
    assert by_name[scoring.name]["note_sobriete"] == "A"
    assert by_name[planner.name]["classe_ai_act"] == ""
    api = client.get("/api/catalogue/solutions", {"ai_act_class": "minimal"}).json()
    assert [item["name"] for item in api["items"]] == [chatbot.name]
    assert api["items"][0]["ai_act_class"] == "minimal"
    assert client.get("/api/catalogue/solutions", {"ai_act_class": "risky"}).status_code == 422


def test_solution_page_leads_those_who_may_assess_to_the_assessment_file(client, make_user):
    solution = SolutionFactory()
    start = reverse("assessment:solution_file", args=[solution.pk])
    assert start not in client.get(solution.get_absolute_url()).content.decode()
    client.force_login(make_user("member", solution.vendor))
    assert start not in client.get(solution.get_absolute_url()).content.decode()
    for user in (make_user("editor", solution.vendor), make_user("expert")):
        client.force_login(user)
        assert start in client.get(solution.get_absolute_url()).content.decode()
        assert client.get(start).status_code == 200
