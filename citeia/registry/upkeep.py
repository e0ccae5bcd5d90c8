"""Keeping records fresh: review reminders to editors, and a check of the links published
in records (a broken link is flagged on the organisation's dashboard, on the public record
page and in the public API)."""

import datetime
import urllib.error
import urllib.request
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Record, RecordStatus
from .schema import URL_FIELDS
from .services import organisation_contacts, send_on_commit

REMINDER_EVERY_DAYS = 7
LINK_TIMEOUT_SECONDS = 8


def overdue_records(today: datetime.date) -> list[Record]:
    return list(
        Record.objects.filter(
            current_version__isnull=False,
            current_version__next_review__lt=today,
        )
        .exclude(status__in=[RecordStatus.RETIRED, RecordStatus.ARCHIVED])
        .select_related("organisation", "current_version")
    )


@transaction.atomic
def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """One e-mail per organisation listing its records past their review date; at most
    one reminder per record a week. Returns the number of records reminded."""
    today = today or timezone.localdate()
    due: dict[int, list[Record]] = defaultdict(list)
    for record in overdue_records(today):
        sent = record.review_reminder_sent_on
        if sent is None or (today - sent).days >= REMINDER_EVERY_DAYS:
            due[record.organisation_id].append(record)
    reminded = 0
    for records in due.values():
        organisation = records[0].organisation
        lines = [
            f"- {record.public_id} « {record.current_version.name} » : "
            + _("à revoir depuis le %(date)s")
            % {"date": record.current_version.next_review.strftime("%d/%m/%Y")}
            for record in records
        ]
        send_on_commit(
            subject=_("Cité IA : %(n)s fiche(s) du registre à revoir") % {"n": len(records)},
            body=_(
                "Ces fiches de %(org)s ont passé leur date de revue. Relisez-les, mettez-les à "
                "jour et publiez-les de nouveau avec une nouvelle date de revue :\n\n%(lines)s\n\n%(url)s"
            )
            % {
                "org": organisation.name,
                "lines": "\n".join(lines),
                "url": reverse("registry:dashboard"),
            },
            recipients=organisation_contacts(organisation),
        )
        Record.objects.filter(pk__in=[r.pk for r in records]).update(review_reminder_sent_on=today)
        reminded += len(records)
    return reminded


def _open(url: str, method: str, timeout: float) -> int:
    # Only http(s) URLs reach here: links_check skips every other scheme.
    request = urllib.request.Request(  # noqa: S310
        url, method=method, headers={"User-Agent": "CiteIA-link-checker/1.0"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status


def _status(url: str, timeout: float) -> int | str:
    """The HTTP status of `url` (HEAD, then GET when HEAD is refused), or the error's name."""
    try:
        try:
            return _open(url, "HEAD", timeout)
        except urllib.error.HTTPError as error:
            if error.code not in (405, 501):
                return error.code
            return _open(url, "GET", timeout)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError) as error:
        return type(error).__name__


def links_check(
    *, record_ids: list[int] | None = None, timeout: float = LINK_TIMEOUT_SECONDS
) -> int:
    """Check the web links of published versions; store the broken ones on each record.
    Returns the number of broken links found."""
    records = Record.objects.filter(current_version__isnull=False).select_related("current_version")
    if record_ids is not None:
        records = records.filter(pk__in=record_ids)
    total = 0
    for record in records:
        fields = record.current_version.snapshot.get("fields", {})
        broken = []
        for name in URL_FIELDS:
            url = fields.get(name) or ""
            if not url.lower().startswith(("http://", "https://")):
                continue
            status = _status(url, timeout)
            if not (isinstance(status, int) and status < 400):
                broken.append({"field": name, "url": url, "status": status})
        total += len(broken)
        Record.objects.filter(pk=record.pk).update(
            link_check={"checked_at": timezone.now().isoformat(), "broken": broken}
        )
    return total


def published_broken_links(record: Record) -> dict[str, dict]:
    """The broken links of the published version, by field name: url, status (HTTP code or
    error name) and checked_at (a datetime). A link changed since the check is left out:
    the check said nothing about its new address."""
    check = record.link_check or {}
    checked_at = parse_datetime(check.get("checked_at") or "")
    if checked_at is None or record.current_version is None:
        return {}
    fields = record.current_version.snapshot.get("fields", {})
    return {
        item["field"]: {"url": item["url"], "status": item["status"], "checked_at": checked_at}
        for item in check.get("broken", [])
        if item.get("field") in URL_FIELDS and fields.get(item["field"]) == item.get("url")
    }


def link_check_enabled() -> bool:
    """Checking links calls other servers: off unless the operator turns it on."""
    return bool(getattr(settings, "REGISTRY_LINK_CHECK", False))
