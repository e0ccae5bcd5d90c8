"""The register's "Done when" in a real browser: a commune publishes a record with an
explicit mention; a resident asks for an explanation from the public page and reads the
structured answer within the deadline; anyone sees the record as it was last month with
the diff. axe-core checks every page visited (zero WCAG 2.1 A/AA violations)."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from citeia.accounts.models import Organisation
from citeia.core.permissions import MemberRole
from citeia.registry.models import ExplanationRequest, Record

from .browser import axe_violations, describe_violations, log_in
from .factories import MembershipFactory
from .registry_factories import make_published, republish

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

NAME = "Calcul de l'aide aux vacances"


def check(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def member(role, password):
    return MembershipFactory(
        organisation=Organisation.objects.get(slug="montreuil"), role=role
    ).user


def test_commune_publishes_a_record_with_an_explicit_mention(open_page, password):
    editor, manager = member(MemberRole.EDITOR, password), member(MemberRole.MANAGER, password)
    page = open_page()
    log_in(page, editor.email, password)
    page.goto("/registre/gestion/")
    check(page, "dashboard (empty)")
    page.get_by_role("link", name="Déclarer un algorithme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer un algorithme")
    page.locator("#id_organisation").select_option(label="Montreuil")
    page.locator("#id_name").fill(NAME)
    page.locator("#id_summary").fill("Calcule l'aide aux vacances des enfants selon les revenus.")
    page.locator("#id_description").fill(
        "La ville aide les familles à payer les vacances. L'outil calcule le montant. "
        "Un agent vérifie."
    )
    expect(page.locator("#lisibilite")).to_contain_text("objectif atteint")
    check(page, "record form")
    page.locator("#id_theme").select_option("social")
    page.locator("#id_goal").fill("Aider les familles modestes à partir en vacances.")
    page.locator("#id_decision_type").select_option("individual")
    page.locator("#id_automation").select_option("partial")
    page.locator("#id_legal_basis").fill("Délibération du conseil municipal du 12 mars 2026.")
    page.locator("#id_accountable_role").fill("Directrice de l'enfance")
    page.locator("#id_human_oversight").fill("Un agent vérifie chaque montant.")
    page.locator("#id_personal_data").select_option("personal")
    page.locator("#id_technique").select_option("rules")
    page.locator("#id_next_review").fill("2027-06-30")
    page.locator("#id_data_sources").fill("Avis d'imposition fourni par la famille.")
    page.locator("#id_parameters").fill("Quotient familial ; barème en quatre tranches.")
    page.locator("#id_operations").fill("Calcul du quotient, lecture du barème.")
    page.locator("#id_appeal_procedure").fill("Recours gracieux auprès du maire.")
    page.locator("#id_retenu__cost").select_option("l311_6_business")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_contain_text(
        "Brouillon enregistré sous l'identifiant CIA-93048-"
    )
    record = Record.objects.get(name=NAME)
    page.goto("/registre/gestion/")
    page.get_by_role("button", name=re.compile("Soumettre pour relecture")).click()
    expect(page.locator(".messages")).to_contain_text("est soumise à la relecture")

    page = open_page()
    log_in(page, manager.email, password)
    page.goto("/registre/gestion/")
    check(page, "dashboard (manager)")
    page.get_by_role("link", name=re.compile("Relire et publier")).click()
    check(page, "review")
    page.locator("#id_note").fill("Première publication")
    page.get_by_role("button", name="Publier la fiche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".messages")).to_contain_text("est publiée")
    expect(page.locator("main")).to_contain_text(
        "Information non publiée — motif : Secret des affaires (CRPA L311-6, 1°)"
    )
    check(page, "record page")

    visitor = open_page()
    visitor.goto(f"/registre/fiches/{record.public_id}/")
    visitor.get_by_role("link", name="Mention explicite à porter sur les décisions").click()
    expect(visitor.locator("#mention-text")).to_contain_text("traitement algorithmique")
    expect(visitor.locator("#mention-text")).to_contain_text(
        f"/registre/fiches/{record.public_id}/demande/"
    )
    expect(visitor.locator("#mention-text")).to_contain_text("CADA")
    check(visitor, "mention")


def test_resident_asks_for_an_explanation_and_reads_the_structured_answer(open_page, password):
    editor = member(MemberRole.EDITOR, password)
    record = make_published(Organisation.objects.get(slug="montreuil"))
    resident = open_page()
    resident.goto(f"/registre/fiches/{record.public_id}/")
    resident.get_by_role("link", name="Demander une explication").click()
    check(resident, "request form")
    resident.get_by_role("button", name="Envoyer ma demande").click()
    expect(resident.locator(".error-summary")).to_contain_text(
        "adresse e-mail ou une adresse postale"
    )
    check(resident, "request form with errors")
    resident.locator("#id_decision_reference").fill("CANT-2026-0042")
    resident.locator("#id_message").fill("Mon tarif de cantine a doublé : pourquoi ?")
    resident.locator("#id_email").fill("habitant@exemple.test")
    resident.get_by_role("button", name="Envoyer ma demande").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    due = ExplanationRequest.objects.get().due_date
    resident.get_by_role("link", name="Suivre ma demande").click()
    follow_url = resident.url
    expect(resident.locator("main")).to_contain_text("en cours de traitement")
    check(resident, "follow page (pending)")

    agent = open_page()
    log_in(agent, editor.email, password)
    agent.goto("/registre/gestion/demandes/")
    check(agent, "queue")
    agent.get_by_role("link", name=re.compile(record.public_id)).click()
    check(agent, "request detail")
    agent.locator("#id_answer_contribution").fill(
        "L'algorithme a calculé le tarif ; un agent l'a vérifié."
    )
    agent.locator("#id_answer_data").fill("Votre revenu fiscal de référence 2025.")
    agent.locator("#id_answer_parameters").fill("Revenu de 24 000 € pour 3 parts : tranche B.")
    agent.locator("#id_answer_operations").fill("Division par les parts, lecture de la grille.")
    agent.get_by_role("button", name="Envoyer la réponse").click()
    expect(agent.locator(".messages")).to_contain_text("La réponse est envoyée")

    answered = ExplanationRequest.objects.get()
    assert answered.answered_at.date() <= due
    assert any("tranche B" in message.body for message in mail.outbox)
    resident.goto(follow_url)
    for text in (
        "Contribution de l’algorithme à la décision",
        "Données traitées et leurs sources",
        "Paramètres et pondération appliqués à votre situation",
        "tranche B",
        "Opérations effectuées",
    ):
        expect(resident.locator("main")).to_contain_text(text)
    check(resident, "follow page (answered)")


def test_anyone_sees_the_record_as_it_was_last_month_with_the_diff(open_page):
    now = timezone.now()
    record = make_published(
        Organisation.objects.get(slug="montreuil"), when=now - datetime.timedelta(days=60)
    )
    republish(
        record,
        when=now - datetime.timedelta(days=3),
        parameters="Quotient familial ; barème en dix tranches depuis la rentrée.",
    )
    last_month = (now - datetime.timedelta(days=30)).date()
    page = open_page()
    page.goto(f"/registre/fiches/{record.public_id}/")
    page.get_by_role("link", name=re.compile("Historique")).click()
    check(page, "history")
    page.locator("#date").fill(last_month.isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(record.name)
    expect(page.locator("main")).to_contain_text("Version 1")
    diff = page.get_by_role("table").filter(has_text="Paramètres et pondérations")
    expect(diff).to_contain_text("Revenu fiscal de référence divisé par le nombre de parts.")
    expect(diff).to_contain_text("barème en dix tranches")
    check(page, "record on a date")
    page.goto(f"/registre/fiches/{record.public_id}/comparer/?de=1&a=2")
    check(page, "diff")


def test_every_register_page_passes_axe(open_page, password):
    montreuil = Organisation.objects.get(slug="montreuil")
    record = make_published(montreuil, next_review=datetime.date(2020, 1, 1))
    republish(record, goal="Nouvel objectif")
    page = open_page()
    for url in (
        "/registre/",
        "/registre/?theme=education&tri=-date",
        "/registre/couverture/",
        "/registre/organisations/montreuil/",
        f"/registre/fiches/{record.public_id}/",
        f"/registre/fiches/{record.public_id}/versions/1/",
        f"/registre/fiches/{record.public_id}/signaler/",
        "/territoire/communes/93048/",
    ):
        page.goto(url)
        check(page, url)
    manager = member(MemberRole.MANAGER, password)
    log_in(page, manager.email, password)
    for url in (
        f"/registre/gestion/fiches/{record.public_id}/",
        f"/registre/gestion/fiches/{record.public_id}/retirer/",
        "/registre/gestion/import/",
        "/registre/gestion/reglages/montreuil/",
        "/registre/gestion/demandes/",
    ):
        page.goto(url)
        check(page, url)


def test_editor_finds_the_catalogue_solution_by_search_and_sees_broken_links(open_page, password):
    from django.utils.formats import date_format

    from citeia.core import search

    from .catalogue_factories import SolutionFactory

    solution = SolutionFactory(name="Benne Futée", slug="benne-futee")
    search.index(solution)
    hidden = SolutionFactory(name="Benne secrète", status="draft")
    search.index(hidden)
    record = make_published(
        Organisation.objects.get(slug="montreuil"),
        legal_basis_url="https://mairie.example/deliberation-introuvable",
    )
    editor = member(MemberRole.EDITOR, password)
    page = open_page()
    log_in(page, editor.email, password)
    page.goto(f"/registre/gestion/fiches/{record.public_id}/")
    page.get_by_label("Chercher une solution du catalogue par son nom").fill("benne")
    results = page.locator("#solution-results")
    expect(results).to_contain_text("1 solution publiée trouvée.")
    expect(results).not_to_contain_text("secrète")
    check(page, "record form with solution results")
    page.get_by_role("button", name="Choisir « Benne Futée »").click()
    field = page.locator("#id_solution")
    expect(field).to_have_value("benne-futee")
    expect(field).to_be_focused()
    expect(page.locator("#solution-chosen")).to_contain_text("Solution choisie : Benne Futée")
    check(page, "record form with a chosen solution")
    # Enter in the search field searches; it does not save the record.
    page.get_by_label("Chercher une solution du catalogue par son nom").fill("introuvable")
    page.get_by_label("Chercher une solution du catalogue par son nom").press("Enter")
    expect(results).to_contain_text("Aucune solution publiée du catalogue ne correspond")
    assert len(page.context.pages) == 1
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_contain_text("Brouillon enregistré.")
    assert Record.objects.get(pk=record.pk).solution == solution
    # Without JavaScript: the search page gives identifiers; an unknown one is explained.
    page.goto("/registre/gestion/solutions/?q=benne")
    expect(page.locator("main")).to_contain_text("benne-futee")
    check(page, "solution search page")
    page.goto("/registre/gestion/nouvelle/?solution=inconnue")
    expect(page.locator("#prefill-error")).to_contain_text("Aucune solution publiée du catalogue")
    check(page, "pre-fill with an unknown identifier")

    # The link checker found the deliberation gone: the public page says so in words.
    checked_at = timezone.now()
    Record.objects.filter(pk=record.pk).update(
        link_check={
            "checked_at": checked_at.isoformat(),
            "broken": [
                {
                    "field": "legal_basis_url",
                    "url": "https://mairie.example/deliberation-introuvable",
                    "status": 404,
                }
            ],
        }
    )
    visitor = open_page()
    visitor.goto(f"/registre/fiches/{record.public_id}/")
    link = visitor.get_by_role("link", name="https://mairie.example/deliberation-introuvable")
    expect(link).to_have_accessible_description(
        "Lien inaccessible lors de la vérification du "
        + date_format(timezone.localtime(checked_at), "j F Y")
    )
    check(visitor, "record page with a broken link")
