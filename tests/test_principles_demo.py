"""Demo frugality and trust assessments: every grade A-E, idempotent, pages render."""

import pytest
from django.urls import reverse

from citeia.assessment.models import FrugalityAssessment, TrustAssessment


@pytest.fixture
def demo(db):
    from citeia.accounts.demo import load_demo_accounts
    from citeia.assessment.demo import load_demo_assessments
    from citeia.assessment.principles_demo import load_demo_principles
    from citeia.catalogue.demo import load_demo_catalogue

    load_demo_accounts(password="demo-mot-de-passe-42")
    load_demo_catalogue(password="demo-mot-de-passe-42")
    load_demo_assessments()
    first = load_demo_principles()
    second = load_demo_principles()  # idempotent
    assert second == {**first, "created": 0}
    return first


def test_demo_spans_every_frugality_grade(demo):
    assert demo["grades"] == "ABCDE"
    grades = set(FrugalityAssessment.objects.values_list("grade", flat=True))
    assert grades == {"A", "B", "C", "D", "E"}
    assert FrugalityAssessment.objects.exclude(status="completed").count() == 0
    assert TrustAssessment.objects.filter(status="completed").count() == demo["trust"] >= 5
    chatbot = FrugalityAssessment.objects.get(file__name__startswith="Agent conversationnel")
    assert chatbot.estimate["method"] == "generative"


def test_demo_result_pages_render_for_a_member(demo, client):
    from citeia.accounts.models import User

    client.force_login(User.objects.get(email__startswith="editeur.montreuil@"))
    for row in FrugalityAssessment.objects.filter(file__organisation__slug="montreuil"):
        for name in ("frugality_result", "trust_profile"):
            response = client.get(reverse(f"assessment:{name}", args=[row.file_id]))
            assert response.status_code == 200
        assert f"Sobriété : {row.grade}" in client.get(row.file.get_absolute_url()).content.decode()
