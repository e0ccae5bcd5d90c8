"""Accessibility in a real browser: axe-core finds no WCAG 2.1 A/AA violation on any page,
in French and in English, signed in or not, forms with errors included; the skip link
works from the keyboard; pages reflow at 320 CSS pixels.

Each audit visits several pages and reports every violation of every page at once
(rule id, impact, target, help), so that one run shows all there is to fix. axe is injected
by Playwright's evaluate, which the pages' Content-Security-Policy does not restrict, so
the contexts keep the real CSP (no bypass_csp).
"""

import pytest
from playwright.sync_api import Page, expect

from citeia.accounts.models import MembershipStatus
from citeia.core.permissions import MemberRole

from .browser import (
    NOT_FOUND,
    PUBLIC_PAGES,
    axe_violations,
    describe_violations,
    log_in,
    use_language,
)
from .factories import MembershipFactory, UserFactory

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

# Public pages again in English; the territory overview is left out because its 130-row
# table and map make the contrast check slow, and its template is audited in French.
ENGLISH_PAGES = ["/", "/territoire/communes/92002/", "/organisations/", "/organisations/antony/"]


class Audit:
    """Collects the violations of several pages, then fails once with all of them."""

    def __init__(self, page: Page):
        self.page = page
        self.reports: list[str] = []

    def visit(self, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None
        assert response.status == status, f"{path}: HTTP {response.status}"
        self.check(path)

    def check(self, label: str) -> None:
        assert self.page.title().endswith("— Cité IA"), label
        violations = axe_violations(self.page)
        if violations:
            self.reports.append(describe_violations(label, violations))

    def assert_clean(self) -> None:
        assert not self.reports, "WCAG 2.1 A/AA violations:\n" + "\n".join(self.reports)


def test_axe_reports_the_faults_it_is_meant_to_find(open_page):
    """The audit itself works: an image without text and an empty link are reported."""
    page = open_page()
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const img = document.createElement("img");
            img.src = "/static/citeia/favicon.svg";
            const link = document.createElement("a");
            link.href = "/territoire/";
            main.append(img, link);
        }"""
    )
    violations = axe_violations(page)
    assert {"image-alt", "link-name"} <= {violation["id"] for violation in violations}
    report = describe_violations("/", violations)
    assert "image-alt (critical) at img — Images must have alternative text" in report


def test_public_pages_have_no_wcag_violation(open_page):
    audit = Audit(open_page())
    for path in PUBLIC_PAGES:
        audit.visit(path)
    audit.visit(NOT_FOUND, status=404)
    audit.assert_clean()


def test_english_pages_have_no_wcag_violation(open_page, live_site):
    page = open_page(locale="en-GB")
    use_language(page, live_site, "en")
    audit = Audit(page)
    for path in ENGLISH_PAGES:
        audit.visit(path)
        assert page.locator("html").get_attribute("lang") == "en", path
    audit.visit(NOT_FOUND, status=404)
    audit.assert_clean()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_forms_showing_errors_have_no_wcag_violation(open_page, live_site, password, language):
    user = UserFactory()
    page = open_page()
    use_language(page, live_site, language)
    audit = Audit(page)

    page.goto("/inscription/")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    audit.check(f"/inscription/ with errors ({language})")

    page.goto("/connexion/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(password + "-faux")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    audit.check(f"/connexion/ with a wrong password ({language})")
    audit.assert_clean()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_signed_in_pages_have_no_wcag_violation(
    open_page, live_site, password, commune_org, language
):
    manager = MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER).user
    MembershipFactory(
        organisation=commune_org,
        status=MembershipStatus.PENDING,
        user__job_title="Chargée de mission",
    )
    page = open_page()
    use_language(page, live_site, language)
    log_in(page, manager.email, password)
    audit = Audit(page)

    # The profile as it is right after creating a token: the key, then the table of tokens.
    page.locator("#id_name").fill("Tableur du registre")
    page.locator("form[action='/profil/jetons/'] button[type=submit]").click()
    page.wait_for_selector("#new-token")
    audit.check(f"/profil/ with a new API token ({language})")

    page.locator("a[href*='/revoquer/']").first.click()
    page.wait_for_url("**/revoquer/")
    audit.check(f"token revoke confirmation ({language})")

    audit.visit("/organisations/montreuil/membres/")
    assert page.locator(".cards .card").count() == 1, "one pending request expected"
    if language == "fr":
        audit.visit("/organisations/montreuil/")
    audit.assert_clean()


def test_skip_link_comes_first_is_visible_and_moves_focus_to_the_content(open_page):
    page = open_page()
    page.goto("/territoire/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Aller au contenu")
    box = focused.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the skip link shows on focus"
    assert focused.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is inside the content (the first commune of the map), not back in the header.
    assert page.evaluate("document.activeElement.closest('main') !== null")


NARROW_AUDITED = {"/", "/territoire/T6/", "/organisations/", "/inscription/"}


def test_pages_reflow_on_a_narrow_screen_without_horizontal_scrolling(open_page):
    """WCAG 1.4.10: at 320 CSS pixels (a phone, or 400 % zoom) nothing needs scrolling
    sideways except inside data tables; a few pages are also audited at that width, where
    tables become scrolling regions."""
    width = 320
    page = open_page(viewport={"width": width, "height": 640})
    audit = Audit(page)
    too_wide = []
    for path in [*PUBLIC_PAGES, NOT_FOUND]:
        response = page.goto(path)
        assert response is not None
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{path}: {scroll_width}px")
        if path in NARROW_AUDITED:
            audit.check(f"{path} at {width}px")
    assert not too_wide, "Pages wider than the screen:\n" + "\n".join(too_wide)
    audit.assert_clean()
