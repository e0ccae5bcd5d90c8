"""A visitor's whole first journey, in a real browser: sign up, wait for approval,
be approved by a manager, switch to English, explore the territory map."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from citeia.accounts.models import Membership, MembershipStatus
from citeia.core.permissions import MemberRole
from citeia.territory.models import Commune

from .browser import log_in
from .factories import MembershipFactory

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

NEW_EMAIL = "claire.martin@montreuil.example"


def sign_up(page: Page, password: str) -> None:
    page.goto("/inscription/")
    page.get_by_label("Prénom et nom").fill("Claire Martin")
    page.get_by_label("Adresse e-mail professionnelle").fill(NEW_EMAIL)
    page.get_by_label("Fonction").fill("Chargée de mission numérique")
    page.locator("#id_organisation").select_option(label="Montreuil")
    page.get_by_label(re.compile("^Mot de passe")).fill(password)
    page.get_by_label("Confirmation du mot de passe").fill(password)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/profil/")


def english(text: str) -> str:
    with translation.override("en"):
        return gettext(text)


def test_visitor_signs_up_is_approved_then_explores_the_map_in_english(
    open_page, password, commune_org
):
    manager = MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER).user

    # A visitor creates an account for Montreuil: the request waits for a manager.
    visitor = open_page()
    sign_up(visitor, password)
    expect(visitor.locator(".messages")).to_contain_text("attend la validation d'un gestionnaire")
    row = visitor.locator("table tr", has_text="Montreuil")
    expect(row).to_contain_text("En attente de validation")
    membership = Membership.objects.get(user__email=NEW_EMAIL)
    assert membership.status == MembershipStatus.PENDING

    # The manager of Montreuil approves the request as an editor.
    manager_page = open_page()
    log_in(manager_page, manager.email, password)
    manager_page.goto("/organisations/montreuil/membres/")
    card = manager_page.locator(".card", has_text="Claire Martin")
    card.get_by_label("Rôle attribué").select_option(MemberRole.EDITOR)
    card.get_by_role("button", name=re.compile("^Valider")).click()
    expect(manager_page.locator(".messages")).to_contain_text(
        "Claire Martin a rejoint l'organisation."
    )
    expect(manager_page.locator("table", has_text="Claire Martin")).to_be_visible()
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, MemberRole.EDITOR)

    # The new member signs in again and sees the membership approved.
    visitor.get_by_role("button", name="Se déconnecter").click()
    visitor.wait_for_url(re.compile(r"/$"))
    log_in(visitor, NEW_EMAIL, password)
    expect(visitor.locator("h1")).to_have_text("Claire Martin")
    expect(visitor.locator("table tr", has_text="Montreuil")).to_contain_text("Validée")

    # The header button switches the interface to English, on the same page.
    visitor.get_by_role("button", name="English").click()
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    assert visitor.url.endswith("/profil/")
    expect(visitor.locator(".language-switch button")).to_have_text("Français")
    expect(visitor.locator(".language-switch button")).to_have_attribute("lang", "fr")
    # Only translated messages can be checked in English; the catalogue may still be partial.
    for french in ("Mon profil", "Se déconnecter", "Mes organisations", "Validée"):
        if english(french) != french:
            expect(visitor.locator("body")).to_contain_text(english(french))

    # From the territory map to a commune, then back up through the breadcrumbs.
    visitor.goto("/territoire/")
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    visitor.locator("svg a[aria-label='Antony']").click()
    visitor.wait_for_url("**/territoire/communes/92002/")
    expect(visitor.locator("h1")).to_have_text("Antony")
    crumbs = visitor.locator("nav.breadcrumbs")
    expect(crumbs.locator("[aria-current=page]")).to_have_text("Antony")
    territory = Commune.objects.select_related("territory").get(insee_code="92002").territory
    crumbs.get_by_role("link", name=territory.name).click()
    visitor.wait_for_url(f"**/territoire/{territory.code}/")
    expect(visitor.locator("h1")).to_have_text(territory.name)
    expect(visitor.locator("svg a[aria-label='Antony']")).to_have_count(1)
    visitor.locator("nav.breadcrumbs a[href='/territoire/']").click()
    visitor.wait_for_url(re.compile(r"/territoire/$"))
    expect(visitor.locator("svg a[aria-label]")).to_have_count(130)
