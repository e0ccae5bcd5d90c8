"""The sandbox API with a personal token: upload, run, status, results, PDF."""

import pytest

from citeia.accounts.services import api_token_create

from .sandbox_factories import (
    benefit_frame,
    csv_bytes,
    onnx_bytes,
    pickle_bytes,
    train,
    upload,
)

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")


def bearer(user) -> dict:
    _token, key = api_token_create(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_end_to_end_through_the_api(
    client, editor, commune_org, django_capture_on_commit_callbacks
):
    headers = bearer(editor)
    frame = benefit_frame(300)
    response = client.post(
        "/api/sandbox/datasets",
        {
            "name": "Demandes",
            "organisation": "montreuil",
            "sensitivity": "personal",
            "file": upload(csv_bytes(frame)),
        },
        **headers,
    )
    assert response.status_code == 201, response.content
    dataset = response.json()
    assert dataset["rows"] == 300 and dataset["encrypted"] is True
    assert {c["name"] for c in dataset["columns"]} == {"sexe", "age", "revenu", "eligible"}

    model_file = upload(onnx_bytes(train(frame), frame), "modele.onnx")
    response = client.post(
        "/api/sandbox/models",
        {
            "name": "Éligibilité",
            "organisation": "montreuil",
            "format": "onnx",
            "task": "binary",
            "classes": "0,1",
            "file": model_file,
        },
        **headers,
    )
    assert response.status_code == 201, response.content
    model = response.json()
    assert model["input_columns"] == ["sexe", "age", "revenu"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/sandbox/runs",
            {
                "dataset": dataset["id"],
                "model": model["id"],
                "target": "eligible",
                "positive_label": "1",
                "sensitive": ["sexe"],
                "sections": ["performance", "fairness"],
            },
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    run = client.get(f"/api/sandbox/runs/{run_id}", **headers).json()
    assert run["status"] == "succeeded", run["failure_reason"]
    results = client.get(run["results_url"], **headers).json()
    assert results["fairness"]["attributes"]["sexe"]["least_selected_group"] == "F"
    pdf = client.get(run["report_url"], **headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_api_needs_a_token(client):
    assert client.get("/api/sandbox/runs/00000000-0000-0000-0000-000000000000").status_code == 401


def test_api_refuses_pickle_with_its_reason(client, editor):
    from sklearn.linear_model import LogisticRegression

    response = client.post(
        "/api/sandbox/models",
        {
            "name": "Piège",
            "organisation": "montreuil",
            "format": "skops",
            "file": upload(pickle_bytes(LogisticRegression()), "m.skops"),
        },
        **bearer(editor),
    )
    assert response.status_code == 422
    assert "pickle" in response.json()["detail"]


def test_api_hides_other_organisations_datasets(
    client, editor, commune_org, other_commune_org, make_user
):
    response = client.post(
        "/api/sandbox/datasets",
        {
            "name": "Demandes",
            "organisation": "montreuil",
            "file": upload(csv_bytes(benefit_frame(20))),
        },
        **bearer(editor),
    )
    dataset_id = response.json()["id"]
    outsider = make_user("editor", other_commune_org)
    assert client.get(f"/api/sandbox/datasets/{dataset_id}", **bearer(outsider)).status_code == 404
    # Nor may they upload in the name of an organisation they do not belong to.
    response = client.post(
        "/api/sandbox/datasets",
        {"name": "X", "organisation": "montreuil", "file": upload(csv_bytes(benefit_frame(20)))},
        **bearer(outsider),
    )
    assert response.status_code == 403
