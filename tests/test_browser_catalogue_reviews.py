"""In a real browser: an expert reviews a solution; axe-core finds no WCAG 2.1 A/AA violation
on the review form (empty and with errors), the reviews page, the ranking and the guide."""

import pytest
from playwright.sync_api import expect

from citeia.catalogue.models import Criterion, GridVersion, Review

from .browser import axe_violations, describe_violations, log_in
from .catalogue_factories import SolutionFactory
from .factories import UserFactory

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser


def test_expert_reviews_a_solution_and_pages_are_accessible(open_page, password):
    solution = SolutionFactory(name="Assistant courriels")
    expert = UserFactory(platform_role="expert")
    grid = GridVersion.objects.order_by("-number").first()
    criteria = list(Criterion.objects.filter(grid=grid, axis="criterion").order_by("position"))
    reports = []

    def audit(label):
        assert page.title().endswith("— Cité IA"), label
        violations = axe_violations(page)
        if violations:
            reports.append(describe_violations(label, violations))

    page = open_page()
    log_in(page, expert.email, password)
    page.goto(f"/catalogue/solutions/{solution.slug}/evaluer/")
    expect(page.locator("h1")).to_have_text("Évaluer « Assistant courriels »")
    audit("review form")

    # Submitting an empty form: errors summarised, nothing saved.
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    expect(page.locator(".error-summary")).to_contain_text("Choisissez une note pour ce critère.")
    audit("review form with errors")
    assert not Review.objects.exists()

    # Scores are chosen by the words of their level.
    for index, criterion in enumerate(criteria):
        section = page.locator(f"#critere-{criterion.key}")
        section.get_by_label(f"{index % 5} — ", exact=False).first.check()
        section.get_by_label("Justification").fill(f"Constaté lors de l’audit ({criterion.name}).")
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    page.wait_for_url(f"**/catalogue/solutions/{solution.slug}/evaluations/")
    expect(page.locator(".messages")).to_contain_text("est enregistrée")
    expect(page.locator("main")).to_contain_text(f"Constaté lors de l’audit ({criteria[0].name}).")
    audit("reviews page")
    review = Review.objects.get(expert=expert)
    assert review.scores.count() == len(criteria)

    page.goto("/catalogue/guide/")
    audit("guide")
    page.get_by_label("Logiciel libre").check()
    page.get_by_role("button", name="Voir les solutions classées").click()
    expect(page.locator("h1")).to_have_text("Classement selon vos besoins")
    expect(page.locator("main")).to_contain_text("Assistant courriels")
    audit("ranking")

    assert not reports, "WCAG 2.1 A/AA violations:\n" + "\n".join(reports)
