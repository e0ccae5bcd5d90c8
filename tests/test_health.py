"""/healthz: the database and the workers' heartbeat, 200 or 503 with a reason in French."""

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from citeia.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _beat(worker_id: str, age_seconds: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="serveur-1",
        pid=4242,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=age_seconds),
    )


def test_no_worker_ever_seen_is_503_with_a_reason(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["reason"] == "aucun worker n'a jamais signalé sa présence"
    assert body["checks"]["database"] == {"ok": True, "detail": connection.vendor}
    assert body["checks"]["worker"]["ok"] is False


def test_stale_heartbeat_is_503_and_says_how_old(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    _beat("ancien", age_seconds=95)
    response = client.get("/healthz")
    assert response.status_code == 503
    reason = response.json()["reason"]
    assert reason.startswith("dernier signe de vie d'un worker il y a 9")
    assert reason.endswith("s (limite 60 s)")


def test_fresh_heartbeat_is_200(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    _beat("actif", age_seconds=5)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert "reason" not in body
    assert body["checks"]["worker"] == {"ok": True, "detail": "1 worker(s) actif(s)"}


def test_only_fresh_workers_are_counted(client, settings):
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    _beat("actif-1", age_seconds=1)
    _beat("actif-2", age_seconds=30)
    _beat("disparu", age_seconds=600)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["detail"] == "2 worker(s) actif(s)"


def test_max_age_setting_decides_what_is_stale(client, settings):
    _beat("actif", age_seconds=30)
    settings.WORKER_HEARTBEAT_MAX_AGE = 60
    assert client.get("/healthz").status_code == 200
    settings.WORKER_HEARTBEAT_MAX_AGE = 10
    assert client.get("/healthz").status_code == 503


def test_unreachable_database_is_503_with_a_reason(client):
    """The database fails under the platform (here: every query refused by the driver)."""
    _beat("actif", age_seconds=1)

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "base de données injoignable : OperationalError"
    assert body["checks"]["database"]["ok"] is False
    # The worker check needs the database: it is not run, nor reported as fine.
    assert "worker" not in body["checks"]


def test_health_is_never_cached(client):
    _beat("actif", age_seconds=1)
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_health_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
