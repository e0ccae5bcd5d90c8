"""An agent uploads a dataset, reads its personal-data report, pseudonymises it, uploads a
model, runs an evaluation, reads the report and downloads the PDF. axe-core checks every
page on the way (WCAG 2.1 A/AA)."""

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from citeia.accounts.models import Organisation
from citeia.core.permissions import MemberRole

from .browser import axe_violations, describe_violations, log_in
from .factories import MembershipFactory
from .sandbox_factories import benefit_frame, csv_bytes, skops_bytes, train

pytest_plugins = ["tests.browser"]
pytestmark = pytest.mark.browser
SLOW_MS = 180_000  # the personal-data scan and the run execute within the request in tests
NAMES = ["Dupont", "Martin", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Michel"]


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


@pytest.fixture
def sandbox_files(settings, tmp_path):
    settings.SANDBOX_DIR = tmp_path / "sandbox"
    frame = benefit_frame(120, seed=4)
    frame.insert(0, "nom", np.resize(NAMES, len(frame)))
    model = train(frame)
    return {"csv": csv_bytes(frame), "skops": skops_bytes(model)}


def test_agent_evaluates_a_model_on_personal_data(open_page, password, sandbox_files):
    montreuil = Organisation.objects.get(slug="montreuil")
    editor = MembershipFactory(organisation=montreuil, role=MemberRole.EDITOR).user
    page = open_page(accept_downloads=True)
    log_in(page, editor.email, password)

    page.goto("/bac-a-sable/")
    expect(page.locator("h1")).to_have_text("Bac à sable")
    assert_accessible(page, "accueil du bac à sable (vide)")

    page.get_by_role("link", name="Déposer un jeu de données").click()
    expect(page.locator("h1")).to_have_text("Déposer un jeu de données")
    assert_accessible(page, "formulaire de dépôt")
    page.get_by_role("button", name="Déposer le fichier").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "formulaire de dépôt avec erreurs")

    page.locator("#id_name").fill("Demandes d'aide 2026")
    page.get_by_label("Personnelles").check()
    page.locator("#id_file").set_input_files(
        files=[{"name": "demandes.csv", "mimeType": "text/csv", "buffer": sandbox_files["csv"]}]
    )
    page.get_by_role("button", name="Déposer le fichier").click(timeout=SLOW_MS)
    expect(page.locator("h1")).to_have_text("Demandes d'aide 2026", timeout=SLOW_MS)
    report = page.locator("#pii-report")
    expect(report.get_by_role("row", name="nom Identifiant direct")).to_contain_text(
        "Identifiant direct", timeout=SLOW_MS
    )
    expect(page.locator("main")).to_contain_text("fichier chiffré sur le disque")
    assert_accessible(page, "jeu de données et rapport de données personnelles")

    dataset_url = page.url
    page.get_by_role("link", name="Modifier les colonnes").click()
    expect(page.locator("h1")).to_contain_text("Colonnes de")
    assert_accessible(page, "colonnes du jeu de données")
    page.goto(dataset_url)
    page.get_by_role("link", name="Créer une copie pseudonymisée").click()
    expect(page.locator("h1")).to_contain_text("Pseudonymiser")
    assert_accessible(page, "formulaire de pseudonymisation")
    # The model reads the exact age: keep it (the form suggests 10-year bands).
    page.get_by_label("Traitement de « age »").select_option("keep")
    page.get_by_label("sexe", exact=True).check()
    page.get_by_role("button", name="Créer la copie pseudonymisée").click(timeout=SLOW_MS)
    expect(page.locator("h1")).to_contain_text("(pseudonymisé)", timeout=SLOW_MS)
    expect(page.locator("main")).to_contain_text("k-anonymité")
    assert_accessible(page, "copie pseudonymisée")
    copy_url = page.url

    page.goto("/bac-a-sable/modeles/deposer/")
    expect(page.locator("h1")).to_have_text("Déposer un modèle")
    assert_accessible(page, "formulaire de dépôt de modèle")
    page.locator("#id_name").fill("Éligibilité v1")
    page.get_by_label("skops (scikit-learn)").check()
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "modele.skops",
                "mimeType": "application/zip",
                "buffer": sandbox_files["skops"],
            }
        ]
    )
    page.get_by_role("button", name="Déposer le modèle").click(timeout=SLOW_MS)
    expect(page.locator("h1")).to_have_text("Éligibilité v1", timeout=SLOW_MS)
    expect(page.locator("main")).to_contain_text("sexe, age, revenu")
    assert_accessible(page, "page du modèle")

    page.goto(copy_url)
    page.get_by_role("link", name="Évaluer un modèle sur ces données").click()
    expect(page.locator("h1")).to_contain_text("Évaluer un modèle")
    assert_accessible(page, "formulaire d'évaluation")
    page.locator("#id_target").select_option("eligible")
    page.locator("#id_positive_label").fill("1")
    sensitive = page.get_by_role("group", name="Attributs sensibles")
    expect(sensitive.get_by_label("sexe", exact=True)).to_be_checked()
    expect(sensitive.get_by_label("age", exact=True)).not_to_be_checked()
    page.get_by_label("Énergie").uncheck()
    page.get_by_role("button", name="Lancer l’évaluation").click(timeout=SLOW_MS)
    expect(page.locator("#constats")).to_be_visible(timeout=SLOW_MS)
    expect(page.locator("main")).to_contain_text("le taux de sélection du groupe « F »")
    expect(page.locator("svg title").first).to_contain_text("Taux de sélection")
    assert_accessible(page, "rapport d'évaluation")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le rapport PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
