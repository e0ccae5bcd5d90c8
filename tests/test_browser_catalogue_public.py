"""The public catalogue in a real browser: a search with a facet updates the results
through htmx and keeps its state in the URL; no WCAG 2.1 A/AA violation on the list and
solution pages."""

import re

import pytest
from playwright.sync_api import expect

from citeia.accounts.models import Organisation
from citeia.catalogue.models import Domain, Solution
from citeia.core import search

from .browser import axe_violations, describe_violations
from .catalogue_factories import ReferenceFactory, ReviewFactory, SolutionFactory, score_review

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser


def test_search_with_a_facet_then_open_an_accessible_solution_page(open_page):
    waste = Domain.objects.get(slug="dechets")
    found = SolutionFactory(
        name="Tri Malin",
        slug="tri-malin",
        summary="Optimise la collecte des déchets ménagers.",
        is_free_software=True,
        domains=[waste],
    )
    SolutionFactory(
        name="Collecte Propriétaire",
        summary="Planifie la collecte des déchets.",
        is_free_software=False,
        licence="LicenseRef-Proprietary",
        domains=[waste],
    )
    SolutionFactory(name="Acte Clair", summary="Rédige les délibérations.")
    for solution in Solution.objects.all():
        search.index(solution)
    ReferenceFactory(solution=found, organisation=Organisation.objects.get(slug="montreuil"))
    score_review(ReviewFactory(solution=found), {"innovation": 3, "sobriete": 2})

    page = open_page()
    page.goto("/catalogue/")
    expect(page.get_by_role("heading", level=2, name="3 solutions")).to_be_visible()
    reports = []
    violations = axe_violations(page)
    if violations:
        reports.append(describe_violations("/catalogue/", violations))

    page.get_by_label("Rechercher une solution").fill("dechets")
    page.get_by_label("Rechercher une solution").press("Enter")
    expect(page.get_by_role("heading", level=2, name="2 solutions")).to_be_visible()
    # htmx: checking the box fetches the results fragment, without reloading the page.
    with page.expect_request(lambda request: request.headers.get("hx-request") == "true"):
        page.locator("#f-libre-oui").check()
    expect(page.get_by_role("heading", level=2, name="1 solution")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=dechets.*libre=oui"))
    expect(page.locator("#f-libre-oui")).to_be_checked()
    violations = axe_violations(page)
    if violations:
        reports.append(describe_violations("/catalogue/?q=dechets&libre=oui", violations))

    # The URL keeps the state: opening it again gives the same results without htmx.
    page.reload()
    expect(page.get_by_role("heading", level=2, name="1 solution")).to_be_visible()
    page.get_by_role("link", name="Tri Malin").click()
    expect(page.get_by_role("heading", level=1, name="Tri Malin")).to_be_visible()
    assert page.title() == "Tri Malin — Cité IA"
    violations = axe_violations(page)
    if violations:
        reports.append(describe_violations(found.get_absolute_url(), violations))
    assert not reports, "WCAG 2.1 A/AA violations:\n" + "\n".join(reports)
