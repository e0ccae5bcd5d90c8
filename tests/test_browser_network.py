"""No page makes the browser call a server other than ours (no CDN, font, tracker or badge)."""

import pytest
from playwright.sync_api import Page, expect

from citeia.accounts.models import MembershipStatus
from citeia.core.permissions import MemberRole

from .browser import NOT_FOUND, PUBLIC_PAGES, is_external, log_in, use_language
from .factories import MembershipFactory

SIGNED_IN_PAGES = ["/profil/", "/organisations/montreuil/membres/", "/organisations/montreuil/"]

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser


def record_requests(page: Page) -> list[str]:
    """Every URL the browser asks for, from this page and any other page of its context."""
    urls: list[str] = []
    page.context.on("request", lambda request: urls.append(request.url))
    return urls


def visit_all(page: Page, paths: list[str]) -> None:
    # "load" waits for the stylesheet, scripts and images; no page of ours fetches more later.
    for path in paths:
        page.goto(path, wait_until="load")


def test_pages_and_api_docs_request_only_our_own_server(
    open_page, live_site, password, commune_org
):
    manager = MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER).user
    MembershipFactory(organisation=commune_org, status=MembershipStatus.PENDING)
    page = open_page()
    urls = record_requests(page)

    visit_all(page, [*PUBLIC_PAGES, NOT_FOUND])
    # Swagger UI comes from our static files and reads our own OpenAPI schema.
    page.goto("/api/docs", wait_until="networkidle")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cité IA")
    log_in(page, manager.email, password)
    visit_all(page, SIGNED_IN_PAGES)
    use_language(page, live_site, "en")
    visit_all(page, ["/", "/territoire/communes/92002/", "/profil/"])

    assert any(url.endswith("/api/openapi.json") for url in urls), urls
    assert any("/static/" in url for url in urls), urls
    external = sorted({url for url in urls if is_external(url)})
    assert not external, "Requests leaving the local server:\n" + "\n".join(external)


def test_the_recorder_sees_a_request_to_another_server(open_page):
    """The check above can fail: a page without our CSP that loads an outside image is caught.

    The outside request is answered by the test itself (route), so nothing leaves the machine.
    """
    page = open_page()
    urls = record_requests(page)
    outside = "http://192.0.2.1/pixel.png"  # TEST-NET-1, reserved for documentation
    page.context.route(outside, lambda route: route.fulfill(status=204))
    page.set_content(f'<img src="{outside}" alt="">')
    page.wait_for_load_state("load")
    assert [url for url in urls if is_external(url)] == [outside]
    assert not is_external("data:image/png;base64,AAAA")
    assert not is_external("blob:http://127.0.0.1:8000/0c9e")
