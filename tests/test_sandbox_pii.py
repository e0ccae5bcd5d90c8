"""Personal-data detection on French examples, pseudonymisation and k-anonymity."""

import pandas as pd
import pytest
from django.urls import reverse

from citeia.sandbox import pii, services
from citeia.sandbox.models import Dataset

from .sandbox_factories import csv_bytes, upload_dataset

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")

PEOPLE = pd.DataFrame(
    {
        "identifiant": ["A1", "A2", "A3", "A4", "A5", "A6"],
        "nom": ["Dupont", "Martin", "Durand", "Leroy", "Moreau", "Simon"],
        "contact": [
            "jeanne.dupont@exemple.fr",
            "luc.martin@exemple.fr",
            "06 12 34 56 78",
            "sophie.leroy@exemple.org",
            "07 98 76 54 32",
            "paul.simon@exemple.fr",
        ],
        "commentaire": [
            "Marie Curie a appelé le service pour son dossier.",
            "Dossier complet, rien à signaler pour ce foyer.",
            "Rappeler Jean Dupont au 06 11 22 33 44 demain.",
            "Pièces justificatives reçues par courrier postal.",
            "Écrire à claire.morel@exemple.fr pour la suite.",
            "Dossier transmis au service instructeur.",
        ],
        "date_naissance": [
            "12/03/1980",
            "01/07/1975",
            "23/11/1990",
            "05/05/1985",
            "30/09/1972",
            "14/02/1999",
        ],
        "age": [46, 51, 36, 41, 54, 27],
        "commune": ["Montreuil", "Montreuil", "Antony", "Antony", "Montreuil", "Antony"],
        "montant": [120.5, 80.0, 95.0, 110.0, 60.0, 130.0],
    }
)


def columns(report):
    return {entry["column"]: entry for entry in report["columns"]}


def test_french_personal_data_are_detected_per_column():
    report = columns(pii.scan(PEOPLE))
    assert report["nom"]["level"] == "direct"  # by its name
    contact = {d["entity"]: d["rate"] for d in report["contact"]["detected"]}
    assert contact["EMAIL_ADDRESS"] == pytest.approx(4 / 6, abs=0.01)
    assert contact["PHONE_NUMBER"] == pytest.approx(2 / 6, abs=0.01)
    assert report["contact"]["level"] == "direct"
    comment = {d["entity"] for d in report["commentaire"]["detected"]}
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= comment
    assert report["date_naissance"]["level"] == "quasi"
    assert report["commune"]["level"] == "quasi"
    assert report["montant"]["level"] == "none"


def test_redaction_masks_french_entities():
    text = pii.redact("Rappeler Jean Dupont au 06 11 22 33 44 ou jean@exemple.fr")
    assert "Dupont" not in text and "06 11" not in text and "jean@" not in text
    assert "<PERSON>" in text and "<PHONE_NUMBER>" in text and "<EMAIL_ADDRESS>" in text


def test_k_anonymity_by_hand():
    frame = pd.DataFrame({"age": [30, 30, 31, 45], "commune": ["A", "A", "A", "B"]})
    assert pii.k_anonymity(frame, ["age", "commune"]) == {"k": 1, "groups": 3, "rows_below_5": 4}
    generalised = frame.assign(age=pii.generalise_age(frame["age"]))
    assert list(generalised["age"]) == ["30-39", "30-39", "30-39", "40-49"]
    assert pii.k_anonymity(generalised, ["age"])["k"] == 1
    assert pii.k_anonymity(generalised.iloc[:3], ["age", "commune"])["k"] == 3


def test_pseudonymised_copy_through_the_page(
    client, editor, commune_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = upload_dataset(editor, commune_org, content=csv_bytes(PEOPLE))
    dataset.refresh_from_db()
    suggested = {c["column"]: c["suggested_action"] for c in dataset.pii_report["columns"]}
    assert suggested["nom"] == "hash" and suggested["date_naissance"] == "generalise_date"
    client.force_login(editor)
    url = reverse("sandbox:dataset_pseudonymise", args=[dataset.public_id])
    page = client.get(url)
    assert page.status_code == 200
    names = dataset.columns()
    actions = {
        "nom": "hash",
        "contact": "drop",
        "commentaire": "redact",
        "date_naissance": "generalise_date",
        "age": "generalise_age",
    }
    data = {"name": "Copie", "quasi": ["age", "commune"]}
    for index, name in enumerate(names):
        data[f"action_{index}"] = actions.get(name, "keep")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    copy = Dataset.objects.get(parent=dataset)
    assert response.status_code == 302
    frame = services.load_frame(copy)
    assert "contact" not in frame.columns
    assert frame["nom"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert "Dupont" not in " ".join(frame["commentaire"])
    assert set(frame["date_naissance"].astype(str)) <= {
        "1980",
        "1975",
        "1990",
        "1985",
        "1972",
        "1999",
    }
    report = copy.pseudonymisation
    assert report["k_before"]["k"] == 1 and report["k_after"]["k"] >= 1
    assert report["k_after"]["groups"] < report["k_before"]["groups"]
    assert copy.encrypted
    detail = client.get(reverse("sandbox:dataset_detail", args=[copy.public_id])).content.decode()
    assert "k-anonymité" in detail
    # Same key, same pseudonym: a person can still be followed across copies.
    again = services.dataset_pseudonymise(
        user=editor, dataset=dataset, actions={"nom": "hash"}, quasi_identifiers=[], name="Autre"
    )
    assert list(services.load_frame(again)["nom"]) == list(frame["nom"])


def test_pseudonymise_refuses_unknown_action(client, editor, commune_org):
    dataset = upload_dataset(editor, commune_org, content=csv_bytes(PEOPLE))
    client.force_login(editor)
    url = reverse("sandbox:dataset_pseudonymise", args=[dataset.public_id])
    data = {"name": "Copie", "action_0": "explode"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert not Dataset.objects.filter(parent=dataset).exists()
