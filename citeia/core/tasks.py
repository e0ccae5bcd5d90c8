"""Background tasks of the core app."""

from django.utils import timezone
from django_tasks import task


@task()
def ping() -> str:
    """Prove the queue works end to end: returns when a worker ran it (ISO 8601).

    Enqueue it after a deployment, or from a monitoring probe, and read its result.
    """
    return timezone.now().isoformat()
