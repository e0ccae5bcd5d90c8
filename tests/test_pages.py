"""Every page: French layout, one h1, skip link, breadcrumbs, security headers, few queries."""

import html
import re

import pytest
from django.urls import reverse

from citeia.accounts.services import api_token_create
from citeia.territory.models import Commune, Territory

from .factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/donnees-ouvertes/",
    "/territoire/",
    "/territoire/?tri=-population",
    "/territoire/T1/",
    "/territoire/T6/",
    "/territoire/T12/",
    "/territoire/communes/75056/",
    "/territoire/communes/93048/",
    "/organisations/",
    "/organisations/?type=commune&q=mont&tri=-name",
    "/organisations/?page=2",
    "/organisations/montreuil/",
    "/organisations/metropole-du-grand-paris/",
    "/organisations/ept-est-ensemble/",
    "/connexion/",
    "/inscription/",
    "/mot-de-passe/oubli/",
    "/mot-de-passe/oubli/envoye/",
    "/mot-de-passe/nouveau/termine/",
]

# Pages below home that are reached signed in (the manager of Montreuil).
SIGNED_IN_PAGES = [
    "/profil/",
    "/organisations/montreuil/membres/",
    "/organisations/",
    "/territoire/",
]

LIST_PAGES = [
    "/organisations/",
    "/territoire/",
    "/territoire/T12/",
    "/territoire/communes/75056/",
]


def _head_title(page: str) -> str:
    # The SVG maps have <title> elements of their own; the page title is the one in <head>.
    match = re.search(r"<head>.*?<title>(.*?)</title>.*?</head>", page, re.S)
    assert match, "no <title> in <head>"
    return html.unescape(match.group(1)).strip()


def assert_layout(response, *, below_home: bool, lang: str = "fr") -> str:
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    title = _head_title(page)
    assert title.endswith("— Cité IA"), title
    assert len(title) > len("— Cité IA"), "the title names the page"
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert '<a class="skip-link" href="#contenu">' in page
    assert 'id="contenu"' in page
    has_breadcrumbs = 'class="breadcrumbs"' in page
    assert has_breadcrumbs is below_home
    # The Content-Security-Policy forbids inline code: none may be in the page.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert not re.search(r"\son[a-z]+=\"", page), "inline event handler"
    assert not re.search(r"<style|\sstyle=\"", page), "inline style"
    assert_only_local_resources(page)
    return page


def assert_only_local_resources(page: str) -> None:
    """Nothing is fetched from another server (links to other sites are fine)."""
    for tag, url in re.findall(
        r"<(script|link|img|iframe|source|object|embed)\b[^>]*?\b(?:src|href|data)=\"([^\"]*)\"",
        page,
    ):
        local = url.startswith("/") and not url.startswith("//")
        assert local or url.startswith("data:"), f"<{tag}> loads {url}"


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_has_the_french_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert_layout(response, below_home=url != "/")


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_sends_the_security_headers(client, url):
    assert_security_headers(client.get(url))


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_signed_in_page_has_the_french_layout(client, make_user, commune_org, url):
    client.force_login(make_user("manager", commune_org))
    response = client.get(url)
    assert response.status_code == 200
    assert_layout(response, below_home=True)
    assert_security_headers(response)
    assert "Se déconnecter" in response.content.decode()


def test_token_revoke_confirmation_page_has_the_layout(client, make_user, commune_org):
    user = make_user("member", commune_org)
    token, _key = api_token_create(user=user, name="Script")
    client.force_login(user)
    response = client.get(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 200
    assert_layout(response, below_home=True)


def test_invalid_reset_link_page_has_the_layout(client):
    response = client.get(reverse("accounts:password_reset_confirm", args=["Zm9v", "abc-def"]))
    assert response.status_code == 400
    assert_layout(response, below_home=True)


def test_every_territory_and_commune_page_has_the_layout(client):
    for territory in Territory.objects.all():
        response = client.get(territory.get_absolute_url())
        assert response.status_code == 200, territory.code
        assert_layout(response, below_home=True)
    for commune in Commune.objects.all():
        response = client.get(commune.get_absolute_url())
        assert response.status_code == 200, commune.insee_code
        page = assert_layout(response, below_home=True)
        assert html.escape(commune.name) in page


def test_error_pages_send_the_security_headers(client):
    assert_security_headers(client.get("/page-inconnue/"))


def test_api_docs_page_is_served_from_our_own_origin(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert_security_headers(response)
    page = response.content.decode()
    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in page
    assert_only_local_resources(page)


def test_current_page_is_marked_in_the_main_navigation(client):
    page = client.get("/organisations/montreuil/").content.decode()
    assert '<a href="/organisations/" aria-current="page">' in page
    crumbs = page[page.index('class="breadcrumbs"') :]
    assert '<span aria-current="page">Montreuil</span>' in crumbs


# --- Queries stay bounded whatever the data size --------------------------------------


@pytest.fixture
def many_organisations(db, commune_org):
    for _index in range(40):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation)
        MembershipFactory(organisation=commune_org)


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_makes_few_queries(
    client, many_organisations, django_assert_max_num_queries, url
):
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_page_makes_few_queries_when_signed_in(
    client, many_organisations, make_user, commune_org, django_assert_max_num_queries, url
):
    client.force_login(make_user("manager", commune_org))
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_organisation_pages_make_few_queries(
    client, many_organisations, make_user, commune_org, django_assert_max_num_queries
):
    client.force_login(make_user("manager", commune_org))
    for url in ["/organisations/montreuil/", "/organisations/montreuil/membres/", "/profil/"]:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


# --- French formats and the language switch -----------------------------------------


def test_overview_writes_numbers_the_french_way(client):
    page = client.get("/territoire/").content.decode()
    # Django's French format groups thousands with a non-breaking space.
    assert "2\u00a0103\u00a0778" in page
    assert "2103778" not in page
    assert "2,103,778" not in page


def test_home_writes_the_population_the_french_way(client):
    total = sum(Commune.objects.values_list("population", flat=True))
    grouped = f"{total:,}".replace(",", "\u00a0")
    assert grouped in client.get("/").content.decode()


def test_language_switch_shows_the_pages_in_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/territoire/"})
    assert response.status_code == 302
    assert response["Location"] == "/territoire/"
    assert response.cookies["citeia_language"].value == "en"
    for url in ["/", "/territoire/", "/organisations/montreuil/"]:
        page = client.get(url)
        assert page.status_code == 200
        assert page["Content-Language"] == "en"
        assert_layout(page, below_home=url != "/", lang="en")
    page = client.get("/").content.decode()
    assert '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in page


def test_language_switch_back_to_french(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_language_switch_ignores_an_unknown_language(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_language_switch_never_redirects_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://exemple.test/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
