"""Health of the platform's moving parts, for /healthz and the admin."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import WorkerHeartbeat


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check("database", False, f"base de données injoignable : {exc.__class__.__name__}")
    return Check("database", True, connection.vendor)


def check_worker() -> Check:
    try:
        latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    except DatabaseError:
        return Check("worker", False, "battements des workers illisibles (base indisponible)")
    if latest is None:
        return Check("worker", False, "aucun worker n'a jamais signalé sa présence")
    age = timezone.now() - latest.last_seen
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE):
        return Check(
            "worker",
            False,
            f"dernier signe de vie d'un worker il y a {int(age.total_seconds())} s "
            f"(limite {settings.WORKER_HEARTBEAT_MAX_AGE} s)",
        )
    alive = WorkerHeartbeat.objects.filter(
        last_seen__gte=timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    ).count()
    return Check("worker", True, f"{alive} worker(s) actif(s)")
