"""One real worker: `manage.py run_worker` in its own process, on the test database."""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings
from django_tasks import TaskResultStatus

from citeia.core.models import WorkerHeartbeat
from citeia.core.tasks import ping

TIMEOUT = 30  # seconds, for each wait
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


def _database_url() -> str:
    """The test database (not the development one) as DATABASE_URL for the worker."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    assert connection.vendor == "postgresql", connection.vendor
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def _wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} after {TIMEOUT} s. Worker output:\n{log.read_text()}")


@pytest.fixture(scope="module")
def reference_data_put_back(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying every table: put back what the migrations
    created (territory, public organisations) for the tests that run after this one."""
    yield
    db = connections[DEFAULT_DB_ALIAS]
    contents = getattr(db, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            db.creation.deserialize_db_from_string(contents)


@pytest.fixture
def worker(reference_data_put_back, transactional_db, django_db_serialized_rollback, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": DATABASE_TASKS["default"]["BACKEND"],
        "CITEIA_TESTING": "1",
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
            process.wait(timeout=TIMEOUT)


def test_a_real_worker_runs_a_task_beats_and_stops_cleanly(worker, client):
    assert client.get("/healthz").status_code == 503  # nobody has beaten yet

    with override_settings(TASKS=DATABASE_TASKS):
        enqueued_at = datetime.now().astimezone()
        result = ping.enqueue()
        assert result.status == TaskResultStatus.READY

        def finished():
            assert worker.poll() is None, f"worker died:\n{worker.log.read_text()}"
            result.refresh()
            return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)

        _wait_for(finished, "the task did not finish", worker.log)

    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    ran_at = datetime.fromisoformat(result.return_value)
    assert ran_at >= enqueued_at
    assert result.worker_ids  # claimed by the worker, not run in this process

    healthy = _wait_for(
        lambda: (response := client.get("/healthz")).status_code == 200 and response,
        "/healthz did not turn 200",
        worker.log,
    )
    assert healthy.json()["checks"]["worker"]["detail"] == "1 worker(s) actif(s)"
    assert WorkerHeartbeat.objects.get().pid == worker.pid

    worker.send_signal(signal.SIGINT)
    try:
        returncode = worker.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"worker ignored SIGINT:\n{worker.log.read_text()}")
    assert returncode == 0, worker.log.read_text()
    # A worker that stops says so: its heartbeat goes with it.
    assert not WorkerHeartbeat.objects.exists()
    assert client.get("/healthz").status_code == 503
