"""A real worker process (`manage.py run_worker`) runs a queued evaluation end to end."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings

from citeia.sandbox import services
from citeia.sandbox.models import Run, RunStatus

from .sandbox_factories import benefit_frame, onnx_bytes, train, upload_dataset, upload_model

TIMEOUT = 120  # seconds: the child process imports scikit-learn, Fairlearn, onnxruntime
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@pytest.fixture(scope="module")
def reference_data_put_back(django_db_setup, django_db_blocker):
    yield
    db = connections[DEFAULT_DB_ALIAS]
    contents = getattr(db, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            db.creation.deserialize_db_from_string(contents)


@pytest.fixture
def sandbox_worker(
    reference_data_put_back, transactional_db, django_db_serialized_rollback, tmp_path, settings
):
    settings.SANDBOX_DIR = tmp_path / "sandbox"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "CITEIA_TESTING": "1",
        "CITEIA_SANDBOX_DIR": str(settings.SANDBOX_DIR),
        "CITEIA_SANDBOX_KEY": settings.SANDBOX_KEY,
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    command = [
        sys.executable,
        "manage.py",
        "run_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.2",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    process.log = log
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_a_real_worker_runs_a_queued_evaluation(sandbox_worker, make_user, commune_org):
    editor = make_user("editor", commune_org)
    frame = benefit_frame(300)
    dataset = upload_dataset(editor, commune_org, frame)  # personal: encrypted at rest
    model = upload_model(
        editor, commune_org, onnx_bytes(train(frame), frame), fmt="onnx", classes=[0, 1]
    )
    with override_settings(TASKS=DATABASE_TASKS):
        run = services.run_create(
            user=editor,
            dataset=dataset,
            model=model,
            target="eligible",
            positive_label="1",
            sensitive=["sexe"],
            sections=["performance", "fairness", "robustness"],
        )
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        assert sandbox_worker.poll() is None, sandbox_worker.log.read_text()
        run.refresh_from_db()
        if run.finished:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the run did not finish. Worker output:\n{sandbox_worker.log.read_text()}")
    assert run.status == RunStatus.SUCCEEDED, run.failure_reason
    assert run.results["fairness"]["attributes"]["sexe"]["least_selected_group"] == "F"
    assert run.started_at and run.finished_at
    assert Run.objects.count() == 1
    assert not list((settings.SANDBOX_DIR / "tmp").iterdir())
