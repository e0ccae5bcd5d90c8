"""Scheduled work of the register. Tasks are thin: they call a service.

Run them daily from the scheduler of the deployment (cron, systemd timer) with
`manage.py registry_daily`, which enqueues them for the workers.
"""

from django_tasks import task

from . import request_services, upkeep


@task()
def erase_expired_requests() -> int:
    """Erase the personal data of explanation requests past their retention period."""
    return request_services.explanation_requests_erase_expired()


@task()
def send_review_reminders() -> int:
    """E-mail editors about records past their review date."""
    return upkeep.review_reminders_send()


@task()
def check_links() -> int:
    """Check the links of published records and flag the broken ones."""
    return upkeep.links_check()
