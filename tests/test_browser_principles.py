"""An agent fills a frugality assessment (gate, items, a "Yes" refused without evidence then
accepted), sees the grade and declares the usage for the estimate; then a trust
self-assessment and its profile. axe-core checks every page on the way (WCAG 2.1 A/AA)."""

import pytest
from playwright.sync_api import Page, expect

from citeia.core.permissions import MemberRole

from .assessment_factories import SystemFileFactory
from .browser import axe_violations, describe_violations, log_in
from .factories import MembershipFactory
from .principles_factories import FRUGALITY_Q, TRUST_Q

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def test_agent_fills_frugality_and_trust_assessments(open_page, password, commune_org):
    editor = MembershipFactory(organisation=commune_org, role=MemberRole.EDITOR).user
    file = SystemFileFactory(organisation=commune_org, name="Assistant de tri du courrier")

    page = open_page()
    log_in(page, editor.email, password)
    page.goto(file.get_absolute_url())
    page.get_by_role("link", name="Commencer l'évaluation de sobriété").click()
    expect(page.locator("h1")).to_have_text("Assistant de tri du courrier")
    assert_accessible(page, "questionnaire de sobriété vide")

    for item in FRUGALITY_Q.gate.items:
        page.locator(f"#id_gate-{item.id}_0").check()
        page.locator(f"#id_gate-{item.id}-evidence").fill("Note de cadrage du service courrier")
    items = [i for t in FRUGALITY_Q.themes for i in t.items]
    for item in items[1:]:
        page.locator(f"#id_items-{item.id}_1").check()  # Partiellement
    first = items[0]
    page.locator(f"#id_items-{first.id}_0").check()  # Oui, without evidence
    page.get_by_role("button", name="Terminer l'évaluation").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("demande une preuve")
    expect(summary).to_contain_text(first.question)
    expect(page.locator(f"#id_items-{items[1].id}_1")).to_be_checked()
    assert_accessible(page, "questionnaire avec erreur")

    page.locator(f"#id_items-{first.id}-evidence").fill("Bilan chiffré du projet, mars 2026")
    page.get_by_role("button", name="Terminer l'évaluation").click()
    page.wait_for_url(f"**/dossiers/{file.pk}/sobriete/resultat/")
    expect(page.locator(".badge", has_text="Sobriété :")).to_have_text("Sobriété : C")
    expect(page.get_by_role("table", name="Besoin et usages")).to_be_visible()
    assert_accessible(page, "résultat de sobriété")

    page.get_by_role("link", name="Déclarer l'usage pour l'estimation").click()
    assert_accessible(page, "formulaire d'estimation")
    page.get_by_label("Requêtes par jour").fill("-5")
    page.get_by_label("Énergie par requête (Wh)").fill("0,5")
    page.get_by_role("button", name="Enregistrer l'estimation").click()
    expect(page.locator(".error-summary")).to_contain_text("négative")
    assert_accessible(page, "estimation avec erreur")
    page.get_by_label("Requêtes par jour").fill("1000")
    page.get_by_role("button", name="Enregistrer l'estimation").click()
    page.wait_for_url(f"**/dossiers/{file.pk}/sobriete/resultat/")
    expect(page.locator("dd").first).to_have_text("266,45 kWh")
    expect(page.get_by_role("table", name="Constantes utilisées")).to_contain_text("Arcep")

    page.goto(file.get_absolute_url())
    badge = page.get_by_role("link", name="Sobriété : C")
    expect(badge).to_be_visible()
    page.get_by_role("link", name="Commencer l'auto-évaluation de confiance").click()
    assert_accessible(page, "auto-évaluation de confiance")
    for theme in TRUST_Q.themes:
        for n, item in enumerate(theme.items):
            choice = 0 if n == 0 else 2  # Oui for the first question of each principle, else Non
            page.locator(f"#id_items-{item.id}_{choice}").check()
            if choice == 0:
                page.locator(f"#id_items-{item.id}-evidence").fill("Procédure écrite")
    page.get_by_role("button", name="Terminer l'évaluation").click()
    page.wait_for_url(f"**/dossiers/{file.pk}/confiance/profil/")
    expect(page.locator("svg[role=img] title")).to_have_text(
        "Profil de confiance par principe (score sur 100)"
    )
    expect(
        page.get_by_role("table", name="Profil de confiance : données du graphique")
    ).to_contain_text("Sobriété")
    assert_accessible(page, "profil de confiance")
    page.goto(file.get_absolute_url())
    assert_accessible(page, "dossier avec sobriété et confiance")


def test_public_estimate_without_account(open_page):
    page = open_page()
    page.goto("/evaluations/sobriete/estimation/")
    assert_accessible(page, "estimation publique")
    page.get_by_label("IA générative par API").check()
    page.get_by_label("Taille du modèle (milliards de paramètres)").fill("7")
    page.get_by_label("Jetons générés par requête").fill("400")
    page.get_by_label("Requêtes par jour").fill("500")
    page.get_by_role("button", name="Calculer l'estimation").click()
    expect(page.locator("#estimate-title")).to_be_visible()
    expect(page.get_by_role("table", name="Constantes utilisées")).to_contain_text("EcoLogits")
    assert_accessible(page, "estimation publique avec résultat")
