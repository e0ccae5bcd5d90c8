"""The catalogue's "Done when", end to end in a real browser: a vendor submits a solution,
the programme team publishes it, two experts review it, and a commune agent ranks it with
a needs profile, finds it with an unaccented and an accented French query, compares it with
two other solutions and downloads the comparison as PDF (axe-core on the comparison page)."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from citeia.accounts.models import Organisation
from citeia.catalogue.models import Criterion, Domain, GridAxis, Solution, SolutionStatus, Technique
from citeia.core import search
from citeia.core.permissions import MemberRole, PlatformRole

from .browser import axe_violations, describe_violations, log_in
from .catalogue_factories import SolutionFactory, VendorFactory, current_grid
from .factories import MembershipFactory, UserFactory

# Registered as a plugin so that the session's browser is one instance for every module.
pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser

NAME = "Benne Futée"
# "déchets" is only in the description: the search must reach it there.
DESCRIPTION = (
    "Des capteurs mesurent le remplissage des conteneurs de **déchets** ; le modèle prévoit "
    "quand les vider et trace les tournées des bennes."
)
# Scores of the two experts, in the order of the grid's Action-1 criteria.
SCORES = ([4, 3, 4, 3, 2, 3], [3, 3, 4, 4, 2, 2])
# The agent's needs profile: weight per criterion (same order) and one must-have.
WEIGHTS = [3, 1, 5, 5, 3, 3]
WEIGHT_LABELS = {1: "1 — secondaire", 3: "3 — important", 5: "5 — essentiel"}
MUST_HAVE = "Hébergé dans l'Union européenne"
COMPARED = [NAME, "Collecte Optimisée", "Œil Propreté"]


def french(number: float, decimals: int) -> str:
    return f"{number:.{decimals}f}".replace(".", ",")


def vendor_submits(page: Page) -> None:
    page.goto("/catalogue/mes-solutions/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposer une solution")
    page.get_by_label(re.compile(r"^Nom\b")).fill(NAME)
    page.get_by_label("Résumé en une phrase").fill(
        "Calcule les tournées des bennes selon le remplissage des conteneurs."
    )
    page.get_by_label(re.compile(r"^Description\b")).fill(DESCRIPTION)
    page.get_by_label("Information géographique").check()
    page.get_by_label("Mobilités et voirie").check()
    page.get_by_label("Optimisation").check()
    page.get_by_label("Prédiction").check()
    page.get_by_label("Maturité").select_option(label="En production")
    page.get_by_label("Licence (identifiant SPDX)").fill("EUPL-1.2")
    page.get_by_label("Logiciel libre").check()
    page.get_by_label("Provenance du modèle").select_option(label="Modèle propre au fournisseur")
    page.get_by_label("Déploiement").select_option(label="SaaS (hébergé par le fournisseur)")
    page.get_by_label("Lieu d'hébergement").select_option(label="En France")
    page.get_by_label("Données personnelles traitées").select_option(
        label="Aucune donnée personnelle"
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url("**/catalogue/mes-solutions/")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=NAME))
    expect(row).to_contain_text("Brouillon")
    row.get_by_role("button", name="Soumettre pour relecture").click()
    expect(page.get_by_role("row").filter(has_text=NAME)).to_contain_text("En relecture")


def programme_team_publishes(page: Page) -> None:
    page.goto("/catalogue/relecture/")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    page.get_by_role("button", name="Publier la solution").click()
    expect(page.locator(".messages")).to_contain_text(f"« {NAME} » est publiée.")


def expert_reviews(page: Page, slug: str, criteria: list[Criterion], scores: list[int]) -> None:
    page.goto(f"/catalogue/solutions/{slug}/evaluer/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Évaluer « {NAME} »")
    for criterion, score in zip(criteria, scores, strict=True):
        section = page.get_by_role("group", name=criterion.name, exact=True)
        section.get_by_role("radio", name=re.compile(rf"^{score} — ")).check()
        section.get_by_label("Justification").fill(
            f"{criterion.name} : note {score}, constatée sur le pilote de la commune."
        )
    page.get_by_role("button", name="Enregistrer l’évaluation").click()
    page.wait_for_url(f"**/catalogue/solutions/{slug}/evaluations/")
    expect(page.locator(".messages")).to_contain_text("est enregistrée")


def agent_ranks_with_a_needs_profile(page: Page, criteria: list[Criterion]) -> None:
    page.goto("/catalogue/besoins/nouveau/")
    page.get_by_label("Nom du profil").fill("Collecte des déchets")
    for criterion, weight in zip(criteria, WEIGHTS, strict=True):
        page.get_by_label(criterion.name).select_option(label=WEIGHT_LABELS[weight])
    page.get_by_label(MUST_HAVE).check()
    page.get_by_role("button", name="Enregistrer et voir le classement").click()
    page.wait_for_url(re.compile(r"/catalogue/classement/\?profil=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Classement pour « Collecte des déchets »"
    )

    # Expected figures: mean of the two experts per criterion, weighted, out of 100.
    means = [(a + b) / 2 for a, b in zip(*SCORES, strict=True)]
    points = [100 * w * m / 4 / sum(WEIGHTS) for w, m in zip(WEIGHTS, means, strict=True)]
    # Ranked first (the other solutions have no review), with its score explained.
    expect(page.get_by_role("main").get_by_role("heading", level=3).first).to_have_text(NAME)
    first = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=NAME, exact=True)
    )
    expect(first).to_contain_text(f"Score : {french(sum(points), 1)} sur 100")
    expect(first).to_contain_text(f"Exigence remplie {MUST_HAVE}")
    for criterion, weight, mean, share in zip(criteria, WEIGHTS, means, points, strict=True):
        expect(first).to_contain_text(
            f"{criterion.name} (poids {weight}) : moyenne {french(mean, 2)} sur 4, "
            f"soit {french(share, 1)} points."
        )


def search_catalogue(page: Page, query: str) -> None:
    box = page.get_by_label("Rechercher une solution")
    box.fill(query)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(quote(query)) + "(&|$)"))
    results = page.get_by_role("list", name="3 solutions")
    expect(results.get_by_role("link", name=NAME)).to_be_visible()
    expect(page.get_by_role("link", name="Acte Clair")).to_have_count(0)


def test_vendor_solution_is_published_reviewed_found_compared_and_exported(open_page, password):
    vendor = VendorFactory(name="Tournées Intelligentes")
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    team = UserFactory(platform_role=PlatformRole.PROGRAMME_TEAM)
    experts = [UserFactory(platform_role=PlatformRole.EXPERT) for _ in SCORES]
    montreuil = Organisation.objects.get(slug="montreuil")
    agent = MembershipFactory(organisation=montreuil, role=MemberRole.MEMBER).user
    waste = Domain.objects.get(slug="dechets")
    others = [
        SolutionFactory(
            name="Collecte Optimisée",
            summary="Planifie les tournées de collecte des déchets ménagers.",
            domains=[waste],
            techniques=[Technique.objects.get(slug="optimisation")],
        ),
        SolutionFactory(
            name="Œil Propreté",
            summary="Signale les dépôts sauvages de déchets sur la voie publique.",
            domains=[waste],
            techniques=[Technique.objects.get(slug="vision")],
        ),
        SolutionFactory(
            name="Acte Clair",
            summary="Rédige les projets de délibération.",
            domains=[Domain.objects.get(slug="deliberations-actes")],
        ),
    ]
    for solution in others:
        search.index(solution)
    criteria = list(
        Criterion.objects.filter(grid=current_grid(), axis=GridAxis.ACTION1).order_by("position")
    )
    assert len(criteria) == 6

    page = open_page()
    log_in(page, editor.email, password)
    vendor_submits(page)
    solution = Solution.objects.get(name=NAME)
    assert (solution.vendor, solution.status) == (vendor, SolutionStatus.IN_REVIEW)

    page = open_page()
    log_in(page, team.email, password)
    programme_team_publishes(page)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED

    for expert, scores in zip(experts, SCORES, strict=True):
        page = open_page()
        log_in(page, expert.email, password)
        expert_reviews(page, solution.slug, criteria, scores)
    assert solution.reviews.count() == 2

    page = open_page()
    log_in(page, agent.email, password)
    agent_ranks_with_a_needs_profile(page, criteria)

    page.goto("/catalogue/")
    expect(page.get_by_role("heading", level=2, name="4 solutions")).to_be_visible()
    search_catalogue(page, "dechets")
    search_catalogue(page, "déchets")

    # Ticking the comparison boxes must not refresh the results (they belong to another
    # form than the filters): they stay ticked and the comparison gets all three.
    results = page.get_by_role("list", name="3 solutions")
    for name in COMPARED:
        card = results.get_by_role("listitem").filter(
            has=page.get_by_role("heading", level=3, name=name, exact=True)
        )
        card.get_by_role("checkbox", name=re.compile(r"^Ajouter à la comparaison")).check()
    for name in COMPARED:
        card = results.get_by_role("listitem").filter(
            has=page.get_by_role("heading", level=3, name=name, exact=True)
        )
        expect(card.get_by_role("checkbox", name=re.compile(r"^Ajouter"))).to_be_checked()
    page.get_by_role("button", name="Comparer les solutions cochées").click()
    page.wait_for_url(re.compile(r"/catalogue/comparer/\?"))
    table = page.get_by_role("table", name="3 solutions comparées")
    for name in COMPARED:
        expect(table.get_by_role("columnheader", name=name)).to_be_visible()
    # Each criterion's mean and spread over the two reviews, in the new solution's column.
    first_scores = [scores[0] for scores in SCORES]
    expect(table.get_by_role("row", name=re.compile(f"^{criteria[0].name}"))).to_contain_text(
        f"{french(sum(first_scores) / 2, 1)} ({min(first_scores)} à {max(first_scores)}, 2 notes)"
    )
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)

    link = page.get_by_role("link", name="Télécharger la comparaison en PDF")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "citeia-comparaison.pdf"
    assert re.search(r"[?&]format=pdf(&|$)", download.url)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    # A download has no response event: the same link, fetched with the page's cookies.
    response = page.request.get(download.url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
