"""A vendor proposes and submits a solution; the programme team publishes it. axe-core checks
every page of the workflow on the way (WCAG 2.1 A/AA)."""

import pytest
from playwright.sync_api import Page, expect

from citeia.catalogue.models import Solution, SolutionStatus
from citeia.core.permissions import MemberRole

from .browser import axe_violations, describe_violations, log_in
from .catalogue_factories import VendorFactory
from .factories import MembershipFactory, UserFactory

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def test_vendor_submits_and_programme_team_publishes(open_page, password):
    vendor = VendorFactory(name="Logiciels Exemple")
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    team = UserFactory(platform_role="programme_team")

    page = open_page()
    log_in(page, editor.email, password)
    page.goto("/catalogue/mes-solutions/")
    expect(page.locator("h1")).to_have_text("Mes solutions")
    assert_accessible(page, "Mes solutions (vide)")

    page.get_by_role("link", name="Proposer une solution").click()
    expect(page.locator("h1")).to_have_text("Proposer une solution")
    assert_accessible(page, "formulaire vide")

    # Sent empty: errors summarised at the top, linked to their fields, status 422.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "formulaire avec erreurs")

    page.locator("#id_name").fill("Assistant courrier")
    page.locator("#id_summary").fill("Trie le courrier entrant des mairies.")
    page.locator("#id_description").fill("Une **aide** au tri du courrier.")
    page.get_by_label("Relation aux habitants").check()
    page.get_by_label("Traitement du langage").check()
    page.locator("#id_maturity").select_option("pilot")
    page.locator("#id_licence").fill("EUPL-1.2")
    page.locator("#id_model_provenance").select_option("own")
    page.locator("#id_deployment").select_option("saas")
    page.locator("#id_personal_data").select_option("personal")
    # The htmx preview renders the sanitised Markdown in place.
    page.get_by_role("button", name="Aperçu de la description").click()
    expect(page.locator("#description-preview strong")).to_have_text("aide")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/catalogue/mes-solutions/")
    row = page.locator("tr", has_text="Assistant courrier")
    expect(row).to_contain_text("Brouillon")
    assert_accessible(page, "Mes solutions")

    row.get_by_role("button", name="Soumettre pour relecture").click()
    expect(page.locator("tr", has_text="Assistant courrier")).to_contain_text("En relecture")
    assert Solution.objects.get().status == SolutionStatus.IN_REVIEW

    reviewer = open_page()
    log_in(reviewer, team.email, password)
    reviewer.goto("/catalogue/relecture/")
    assert_accessible(reviewer, "file de relecture")
    reviewer.get_by_role("link", name="Assistant courrier").click()
    expect(reviewer.locator("h1")).to_have_text("Assistant courrier")
    assert_accessible(reviewer, "page de décision")
    reviewer.get_by_role("button", name="Publier la solution").click()
    expect(reviewer.locator(".messages")).to_contain_text("« Assistant courrier » est publiée.")
    assert Solution.objects.get().status == SolutionStatus.PUBLISHED

    page.reload()
    expect(page.locator("tr", has_text="Assistant courrier")).to_contain_text("Publiée")
