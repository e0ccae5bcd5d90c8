"""Browser-test helpers: Debian's Chromium driven by Playwright against the live server.

Test modules register this module with `pytest_plugins = ["tests.browser"]` and import its
helper functions. Registration makes its fixtures and hooks one plugin for the whole run,
so that the browser is a single instance whatever the number of modules. Modules import
it before pytest registers it, hence this marker, which spares a warning (an error here)
about assertions that cannot be rewritten: PYTEST_DONT_REWRITE.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from citeia.accounts.models import Organisation
from citeia.territory.models import Commune, Territory

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# WCAG 2.1 levels A and AA: what the French RGAA refers to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

REFERENCE_COMMUNES = 130
REFERENCE_TERRITORIES = 12

# Every page a visitor can reach without an account, one per template or state.
PUBLIC_PAGES = [
    "/",
    "/territoire/",
    "/territoire/T6/",
    "/territoire/communes/92002/",
    "/organisations/",
    "/organisations/?type=commune&tri=-name",
    "/organisations/antony/",
    "/inscription/",
    "/connexion/",
    "/mot-de-passe/oubli/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/donnees-ouvertes/",
    "/catalogue/",
    "/catalogue/guide/",
    "/catalogue/classement/",
    "/evaluations/ai-act/",
    "/evaluations/sobriete/estimation/",
    "/evaluations/sobriete/methode/",
    "/registre/",
    "/registre/couverture/",
]
NOT_FOUND = "/territoire/communes/99999/"


class SharedBrowser:
    """One Chromium for the browser tests of the session, stopped after the last of them.

    Playwright's sync API leaves its asyncio loop marked as running in the main thread
    while test code runs. Two consequences shape this class:

    - Django keeps database connections in a thread-critical `asgiref.local.Local`, which
      switches to a separate, context-variable storage while a loop runs. Test code would
      get new connection objects, without what pytest-django set on the old ones
      (`_test_serialized_contents`, used to restore the reference data). `start()` puts
      the existing connections in that storage too, so both see the same objects.
    - Tests that run later (async_to_sync, asyncio.run...) must not inherit a running
      loop: the browser stops as soon as the next test does not need it (see the hook
      below), rather than when the session ends.
    """

    def __init__(self) -> None:
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def start(self) -> Browser:
        if self.browser is None:
            existing = {alias: connections[alias] for alias in connections}
            self.playwright = sync_playwright().start()
            for alias, connection in existing.items():
                connections[alias] = connection
            try:
                self.browser = self.playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=LAUNCH_ARGS
                )
            except BaseException:
                self.stop()
                raise
        return self.browser

    def stop(self) -> None:
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self.playwright is not None:
            self.playwright.stop()
            self.playwright = None


SHARED_BROWSER = SharedBrowser()


@pytest.fixture
def chromium() -> Browser:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium); "
            "never `playwright install`."
        )
    return SHARED_BROWSER.start()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if nextitem is None or "chromium" not in getattr(nextitem, "fixturenames", ()):
            SHARED_BROWSER.stop()


@pytest.fixture(scope="module")
def migrated_data_left_behind(django_db_setup, django_db_blocker) -> Iterator[None]:
    """When a module's browser tests are over, put back what the migrations created.

    Transactional tests end by emptying every table (and, with serialized rollback, skip
    re-creating content types and permissions). Tests of other modules that run later
    in the same database then find it as the migrations left it, not empty.
    """
    yield
    connection = connections[DEFAULT_DB_ALIAS]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def live_site(
    migrated_data_left_behind, live_server, django_db_serialized_rollback
) -> Iterator[str]:
    """The live server's URL, with the reference territory and its public organisations.

    The live server needs transactional tests, and those empty every table when they end.
    `django_db_serialized_rollback` restores what the migrations created (communes,
    territories, public organisations) before each test; the check below says so plainly
    if it ever stops doing it.
    """
    communes, territories = Commune.objects.count(), Territory.objects.count()
    assert (communes, territories) == (REFERENCE_COMMUNES, REFERENCE_TERRITORIES), (
        f"reference data missing: {communes} communes, {territories} territories"
    )
    assert Organisation.objects.filter(slug="montreuil").exists(), "public organisations missing"
    yield live_server.url
    # The database cache is not emptied between transactional tests: drop the login
    # failures counted for 127.0.0.1 so that later tests start with none.
    cache.clear()


@pytest.fixture
def open_page(live_site: str, chromium: Browser) -> Iterator[Callable[..., Page]]:
    """open_page(**context_options) -> a page in a new browser context, French by default."""
    contexts = []

    def open_(**options) -> Page:
        options.setdefault("locale", "fr-FR")
        context = chromium.new_context(base_url=live_site, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def use_language(page: Page, live_site: str, language: str) -> None:
    """Choose the interface language by its cookie, as the header button would."""
    page.context.add_cookies([{"name": "citeia_language", "value": language, "url": live_site}])


def log_in(page: Page, email: str, password: str) -> None:
    """Sign in through the login page, in whichever language the page is shown."""
    page.goto("/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/profil/")


def axe_violations(page: Page) -> list[dict]:
    """WCAG 2.1 A/AA violations that axe-core finds on the page as it is now."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def describe_violations(label: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{label}: {violation['id']} ({violation['impact']}) at "
                f"{', '.join(map(str, node['target']))} — {violation['help']} "
                f"[{violation['helpUrl']}]\n    {node.get('failureSummary', '').strip()}"
            )
    return "\n".join(lines)


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return parts.hostname not in LOCAL_HOSTS
