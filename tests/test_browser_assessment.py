"""The AI Act journeys of issue 4 in a real browser (axe-core on every page visited):

(a) a commune agent classifies a social-benefit eligibility scoring tool: high risk,
    Annex III 5(a), FRIA required; fills the FRIA and exports it as PDF;
(b) a chatbot answering residents that the commune built itself (provider): minimal risk
    with the Art. 50(1) duty to tell people they talk to an AI.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from citeia.accounts.models import Organisation
from citeia.assessment.models import AiActAssessment, Fria
from citeia.core.permissions import MemberRole

from .browser import axe_violations, describe_violations, log_in
from .factories import MembershipFactory

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

SOCIAL = {
    "is_ai_system": "Oui",
    "exclusion": "Aucune exclusion",
    "role": "Déployeur : nous l'utilisons sous notre autorité",
    "prohibited_practices": None,
    "annex_i_safety_component": "Non",
    "annex_iii_point": re.compile(r"^5\(a\) Éligibilité"),
    "derogation": "Aucune dérogation",
    "deployer_changes": None,
    "emotion_recognition_or_biometric_categorisation": "Non",
    "deepfake_or_public_interest_text": "Non",
    "first_put_into_service": "Pas encore en service",
}
CHATBOT = {
    "is_ai_system": "Oui",
    "exclusion": "Aucune exclusion",
    "role": "Fournisseur : nous le développons ou le faisons développer sous notre nom",
    "prohibited_practices": None,
    "annex_i_safety_component": "Non",
    "annex_iii_point": "Aucun point de l'annexe III",
    "interacts_with_people": "Oui",
    "generates_synthetic_content": "Non",
}


def check_axe(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def agent(password):
    membership = MembershipFactory(
        organisation=Organisation.objects.get(slug="montreuil"), role=MemberRole.EDITOR
    )
    return membership.user.email


def new_system(page: Page, name: str) -> None:
    page.goto("/evaluations/")
    check_axe(page, "mes évaluations")
    page.get_by_role("link", name="Évaluer un système utilisé par ma collectivité").click()
    check_axe(page, "nouveau système")
    page.get_by_label("Nom du système").fill(name)
    page.get_by_role("button", name="Créer le dossier et commencer").click()


def answer_all(page: Page, answers: dict) -> None:
    """Answer each question shown (htmx swaps them in place) until the result page."""
    for _ in range(len(answers) + 1):
        page.wait_for_url(re.compile(r"/(question/[a-z_]+|resultat)/$"))
        if page.url.endswith("/resultat/"):
            return
        key = page.url.rstrip("/").rsplit("/", 1)[-1]
        expect(page.locator("#question-title")).to_be_visible()
        check_axe(page, f"question {key}")
        label = answers[key]
        if label is not None:
            page.get_by_label(label, exact=isinstance(label, str)).check()
        title = page.locator("#question-title").inner_text()
        page.get_by_role("button", name="Enregistrer et continuer").click()
        page.wait_for_function(
            "t => !document.querySelector('#question-title') || "
            "document.querySelector('#question-title').innerText !== t",
            arg=title,
        )
    raise AssertionError("the questionnaire did not end")


def test_agent_classifies_social_benefit_scoring_and_fills_the_fria(open_page, password):
    email = agent(password)
    page = open_page()
    log_in(page, email, password)
    new_system(page, "Score d'éligibilité RSA")
    answer_all(page, SOCIAL)
    expect(page.locator("main")).to_contain_text("Risque élevé — Annexe III 5 a")
    check_axe(page, "résultat provisoire")
    page.get_by_role("button", name="Valider l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Score d'éligibilité RSA")
    expect(page.locator("main")).to_contain_text("Art. 27")
    check_axe(page, "dossier")
    page.get_by_role("link", name="Remplir la FRIA").click()
    check_axe(page, "formulaire FRIA")
    page.get_by_label("a) Processus").fill("Instruction des demandes de RSA par le CCAS.")
    page.get_by_label("b) Période").fill("Toute l'année, environ 80 dossiers par mois.")
    page.get_by_label("c) Catégories").fill("Demandeurs du RSA et leurs foyers.")
    page.get_by_label("d) Risques").fill("Refus injustifié pour les revenus irréguliers.")
    page.get_by_label("e) Mise en œuvre").fill("L'instructeur décide et peut écarter le score.")
    page.get_by_label("f) Mesures").fill("Suspension, recours gracieux, médiateur.")
    page.get_by_label("Référence de l'AIPD").fill("AIPD-CCAS-2026-01")
    page.get_by_label("Statut").select_option("completed")
    page.get_by_role("button", name="Enregistrer la FRIA").click()
    expect(page.locator("#fria")).to_contain_text("AIPD-CCAS-2026-01")
    check_axe(page, "dossier avec FRIA")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la FRIA (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    fria = Fria.objects.get()
    assert fria.status == "completed"
    assert AiActAssessment.objects.get().result["fria_required"] is True


def test_commune_chatbot_it_built_is_minimal_with_art_50_1(open_page, password):
    email = agent(password)
    page = open_page()
    log_in(page, email, password)
    new_system(page, "Allô Mairie")
    answer_all(page, CHATBOT)
    main = page.locator("main")
    expect(main).to_contain_text("Risque minimal")
    expect(main).to_contain_text("Art. 50(1)")
    check_axe(page, "résultat chatbot")
    page.get_by_role("button", name="Valider l'évaluation").click()
    expect(page.locator("main")).to_contain_text("Art. 50(1)")
    check_axe(page, "dossier chatbot")
    assert AiActAssessment.objects.get().result["transparency"] == ["50(1)"]
