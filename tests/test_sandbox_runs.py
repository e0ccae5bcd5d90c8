"""Models (safe loading) and evaluation runs in a limited child process."""

import os
import subprocess
import sys

import numpy as np
import pytest
from django.conf import settings
from django.urls import reverse

from citeia.sandbox import runner
from citeia.sandbox.models import Run, RunStatus, SandboxModel

from .sandbox_factories import (
    FEATURES,
    benefit_frame,
    endless_onnx,
    memory_hog_onnx,
    onnx_bytes,
    pickle_bytes,
    skops_bytes,
    train,
    upload,
    upload_dataset,
    upload_model,
)

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")
FAST = ["performance", "fairness"]


@pytest.fixture(scope="module")
def trained():
    frame = benefit_frame(400)
    return frame, train(frame)


def post_model(client, organisation, content, *, fmt, filename, task="binary", classes=""):
    return client.post(
        reverse("sandbox:model_upload"),
        {
            "name": "Éligibilité",
            "organisation": organisation.pk,
            "format": fmt,
            "task": task,
            "classes": classes,
            "file": upload(content, filename),
        },
    )


def test_skops_model_is_accepted_with_its_declared_inputs(client, editor, commune_org, trained):
    _frame, model = trained
    client.force_login(editor)
    response = post_model(client, commune_org, skops_bytes(model), fmt="skops", filename="m.skops")
    assert response.status_code == 302
    stored = SandboxModel.objects.get()
    assert stored.input_columns == FEATURES
    assert stored.classes == [0, 1]
    assert len(stored.sha256) == 64
    assert client.get(response["Location"]).status_code == 200


def test_onnx_model_is_accepted(client, editor, commune_org, trained):
    frame, model = trained
    client.force_login(editor)
    response = post_model(
        client, commune_org, onnx_bytes(model, frame), fmt="onnx", filename="m.onnx", classes="0, 1"
    )
    assert response.status_code == 302
    stored = SandboxModel.objects.get()
    assert stored.input_columns == FEATURES and stored.classes == [0, 1]


@pytest.mark.parametrize(
    ("fmt", "filename", "message"),
    [
        ("skops", "modele.skops", "Ce fichier est un pickle"),
        ("onnx", "modele.onnx", "Ce fichier est un pickle"),
    ],
)
def test_pickle_is_refused_whatever_its_name(
    client, editor, commune_org, trained, fmt, filename, message
):
    client.force_login(editor)
    response = post_model(client, commune_org, pickle_bytes(trained[1]), fmt=fmt, filename=filename)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SandboxModel.objects.exists()
    assert not list((settings.SANDBOX_DIR / "models").iterdir())


def test_file_that_is_not_onnx_is_refused(client, editor, commune_org):
    client.force_login(editor)
    response = post_model(
        client, commune_org, b"not a model at all " * 10, fmt="onnx", filename="m.onnx"
    )
    assert response.status_code == 422
    assert "pas un modèle ONNX valide" in response.content.decode()


def test_skops_with_an_untrusted_type_is_refused(client, editor, commune_org, tmp_path):
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    model = FunctionTransformer(func=os.getcwd)
    model.feature_names_in_ = np.array(["age"], dtype=object)
    client.force_login(editor)
    response = post_model(
        client, commune_org, sio.dumps(model), fmt="skops", filename="m.skops", task="regression"
    )
    assert response.status_code == 422
    assert "posix.getcwd" in response.content.decode()


def test_model_whose_inputs_do_not_match_the_dataset_is_refused(
    client, editor, commune_org, trained
):
    frame, model = trained
    dataset = upload_dataset(editor, commune_org, frame.drop(columns=["revenu"]))
    stored = upload_model(editor, commune_org, skops_bytes(model))
    client.force_login(editor)
    response = client.post(
        reverse("sandbox:run_create", args=[dataset.public_id]),
        {
            "model": str(stored.public_id),
            "target": "eligible",
            "positive_label": "1",
            "sections": FAST,
        },
    )
    assert response.status_code == 422
    assert "colonnes absentes : revenu" in response.content.decode()
    assert not Run.objects.exists()


def test_run_on_a_dataset_without_grant_is_refused(
    editor, commune_org, other_commune_org, make_user, trained
):
    from django.core.exceptions import PermissionDenied

    from citeia.sandbox import services

    frame, model = trained
    dataset = upload_dataset(editor, commune_org, frame)
    outsider = make_user("editor", other_commune_org)
    stored = upload_model(outsider, other_commune_org, skops_bytes(model))
    with pytest.raises(PermissionDenied):
        services.run_create(
            user=outsider, dataset=dataset, model=stored, target="eligible", positive_label="1"
        )
    assert not Run.objects.exists()
    assert dataset.accesses.filter(action="refused").exists()


def test_full_run_through_the_pages_json_and_pdf(
    client, editor, commune_org, trained, django_capture_on_commit_callbacks
):
    frame, model = trained
    dataset = upload_dataset(editor, commune_org, frame)
    stored = upload_model(editor, commune_org, onnx_bytes(model, frame), fmt="onnx", classes=[0, 1])
    client.force_login(editor)
    url = reverse("sandbox:run_create", args=[dataset.public_id])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "model": str(stored.public_id),
                "target": "eligible",
                "positive_label": "1",
                "sensitive": ["sexe", "revenu"],
                "control": ["revenu"],
                "sections": [
                    "performance",
                    "fairness",
                    "explainability",
                    "robustness",
                    "latency",
                    "energy",
                ],
            },
        )
    run = Run.objects.get()
    assert response.status_code == 302
    assert run.status == RunStatus.SUCCEEDED, run.failure_reason
    results = run.results
    assert set(results) >= {
        "performance",
        "fairness",
        "explainability",
        "robustness",
        "latency",
        "energy",
        "findings",
        "versions",
    }
    assert results["performance"]["roc_auc"] is not None
    assert results["energy"]["method"] in ("rapl", "estimated")
    assert run.peak_memory_mb > 0
    page = client.get(reverse("sandbox:run_detail", args=[run.public_id])).content.decode()
    assert "le taux de sélection du groupe « F » vaut" in page
    assert "<svg" in page and "Quelle mesure d’équité" in page
    pdf = client.get(reverse("sandbox:run_pdf", args=[run.public_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    data = client.get(reverse("sandbox:run_json", args=[run.public_id])).json()
    assert data["fairness"]["attributes"]["sexe"]["demographic_parity_ratio"] < 0.8
    # htmx polling of a finished run asks the page to refresh.
    polled = client.get(reverse("sandbox:run_detail", args=[run.public_id]), HTTP_HX_REQUEST="true")
    assert polled.status_code == 204 and polled["HX-Refresh"] == "true"


def _queued_run(editor, commune_org, frame, model_bytes, *, limits=None, fmt="onnx", features=None):
    dataset = upload_dataset(editor, commune_org, frame)
    stored = upload_model(
        editor, commune_org, model_bytes, fmt=fmt, task="regression" if features else "binary"
    )
    return Run.objects.create(
        organisation=commune_org,
        dataset=dataset,
        model=stored,
        config={
            "task": stored.task,
            "target": "eligible",
            "positive_label": "1",
            "features": stored.input_columns,
            "sensitive": [],
            "control": [],
            "sections": ["performance"],
            "limits": limits or {},
        },
    )


def test_model_that_exhausts_memory_fails_with_a_clear_reason(editor, commune_org):
    frame = benefit_frame(50).astype({"age": float})
    run = _queued_run(
        editor, commune_org, frame, memory_hog_onnx(), limits={"memory_mb": 1500}, features=["age"]
    )
    assert runner.run_execute(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "Mémoire maximale dépassée (1500 Mo)" in run.failure_reason
    assert not list((settings.SANDBOX_DIR / "tmp").iterdir())  # temporary files removed


def test_model_that_runs_past_the_time_limit_is_stopped(editor, commune_org):
    frame = benefit_frame(50).astype({"age": float})
    run = _queued_run(
        editor, commune_org, frame, endless_onnx(), limits={"wall_seconds": 8}, features=["age"]
    )
    assert runner.run_execute(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "Durée maximale dépassée" in run.failure_reason


def test_cpu_time_limit_is_enforced(editor, commune_org):
    frame = benefit_frame(50).astype({"age": float})
    run = _queued_run(
        editor,
        commune_org,
        frame,
        endless_onnx(),
        limits={"cpu_seconds": 3, "wall_seconds": 60},
        features=["age"],
    )
    assert runner.run_execute(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "Temps de calcul maximal dépassé (3 secondes" in run.failure_reason


def test_target_with_one_class_fails_the_run_with_its_reason(editor, commune_org, trained):
    frame, model = trained
    run = _queued_run(
        editor, commune_org, frame.assign(eligible=0), skops_bytes(model), fmt="skops"
    )
    assert runner.run_execute(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "ne contient qu'une seule classe" in run.failure_reason


def test_the_child_process_has_no_network():
    code = (
        "from citeia.sandbox.child import close_network; close_network()\n"
        "import socket\n"
        "try:\n"
        "    socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
        "except PermissionError as exc:\n"
        "    print('refused', exc)\n"
    )
    output = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    ).stdout
    assert output.startswith("refused Accès réseau interdit")
