"""`db_worker` plus a heartbeat, so /healthz knows a worker is alive."""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from citeia.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, interval: int) -> None:
        super().__init__(name="citeia-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "last_seen": timezone.now(),
            },
        )

    def run(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                self.beat()
            except Exception:
                # A missed beat must never kill the worker; /healthz will notice if it lasts.
                logger.exception("Worker heartbeat failed")
            self.stopped.wait(self.interval)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class Command(DbWorkerCommand):
    help = "Exécute les tâches de fond en file d'attente et signale sa présence (heartbeat)."

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's parent only watches files and restarts its child, which
            # runs the tasks: the child beats, so a dead child is not hidden by its parent.
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"][:64], settings.WORKER_HEARTBEAT_SECONDS)
        heartbeat.beat()
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
            # Let the heartbeat remove its row, so /healthz stops counting this worker now
            # rather than when the row grows stale.
            heartbeat.join(timeout=5)
