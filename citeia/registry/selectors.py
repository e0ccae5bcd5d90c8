"""Reads of the register. Public reads go through published versions only."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS, Organisation
from citeia.catalogue.models import Solution
from citeia.catalogue.selectors import published_solutions
from citeia.core import search
from citeia.core.permissions import Action, can, require
from citeia.territory.models import Commune, Territory

from . import deadlines, schema
from .models import (
    DecisionType,
    ErrorReport,
    ExplanationRequest,
    PersonalData,
    Record,
    RecordStatus,
    RecordVersion,
    RequestStatus,
    Technique,
    Theme,
)

# Etalab's guidance reads L312-1-3's threshold for local authorities as 3,500 inhabitants
# (see docs/registry.md and ../shared/reference/register.md).
OBLIGATION_POPULATION = 3500


@search.register
class RecordVersionIndex(search.SearchIndex):
    """Only current published versions are indexed: a draft's words never match."""

    model = RecordVersion
    fields = {"name": "A", "summary": "B", "organisation": "B", "keywords": "B", "text": "C"}

    def get_queryset(self):
        return RecordVersion.objects.filter(is_current=True)

    def document(self, obj):
        fields = obj.snapshot.get("fields", {})
        text_fields = ("description", "goal", "department", "area", "methods", "supplier_name")
        return {
            "name": fields.get("name") or "",
            "summary": fields.get("summary") or "",
            "organisation": obj.snapshot.get("organisation", {}).get("name", ""),
            "keywords": fields.get("keywords") or "",
            "text": "\n".join(str(fields.get(name) or "") for name in text_fields),
        }


# --- Access helpers ------------------------------------------------------------------------


def _not_found(public_id: str) -> Http404:
    return Http404(
        _("Aucune fiche du registre ne porte l'identifiant « %(id)s ».") % {"id": public_id[:40]}
    )


def get_record_for_user(user, public_id: str, *, write: bool = False) -> Record:
    """The working copy: 404 when unknown or invisible, 403 when visible but not writable."""
    try:
        record = Record.objects.select_related(
            "organisation", "organisation__commune", "current_version", "solution"
        ).get(public_id=public_id)
    except Record.DoesNotExist as exc:
        raise _not_found(public_id) from exc
    if not can(user, Action.VIEW, record):
        raise _not_found(public_id)
    if write:
        require(user, Action.CHANGE, record)
    return record


def get_public_record(public_id: str) -> Record:
    """A record as the public may see it (it has a published version)."""
    try:
        return Record.objects.select_related(
            "organisation", "organisation__commune", "current_version"
        ).get(public_id=public_id, current_version__isnull=False)
    except Record.DoesNotExist as exc:
        raise _not_found(public_id) from exc


def get_request_for_user(user, pk: int) -> ExplanationRequest:
    """Requests carry personal data: only the organisation's editors and managers see them
    (administrators too); not the programme team, not the public."""
    try:
        request = ExplanationRequest.objects.select_related(
            "record", "record__organisation", "assigned_to"
        ).get(pk=pk)
    except ExplanationRequest.DoesNotExist as exc:
        raise Http404(_("Cette demande n'existe pas.")) from exc
    if not can(user, Action.CHANGE, request):
        raise PermissionDenied
    return request


def get_report_for_user(user, pk: int) -> ErrorReport:
    try:
        report = ErrorReport.objects.select_related("record", "record__organisation").get(pk=pk)
    except ErrorReport.DoesNotExist as exc:
        raise Http404(_("Ce signalement n'existe pas.")) from exc
    if not can(user, Action.CHANGE, report):
        raise PermissionDenied
    return report


# --- Public register -----------------------------------------------------------------------

SORTS = {
    "nom": ("name", "pk"),
    "-nom": ("-name", "-pk"),
    "date": ("published_at", "pk"),
    "-date": ("-published_at", "-pk"),
    "organisation": ("organisation__name", "name"),
    "-organisation": ("-organisation__name", "name"),
}
STATUS_FILTERS = {
    "published": _("En service ou en expérimentation"),
    "retired": _("Retirée"),
}


@dataclass
class RegisterFilters:
    q: str = ""
    organisation: str = ""
    territory: str = ""
    themes: list[str] = field(default_factory=list)
    decision_types: list[str] = field(default_factory=list)
    personal_data: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    risk_classes: list[str] = field(default_factory=list)
    status: str = ""
    sort: str = ""

    @classmethod
    def from_query(cls, params) -> "RegisterFilters":
        """Unknown values are ignored: a shared link keeps working."""

        def pick(key, enum):
            return [v for v in params.getlist(key) if v in enum.values][:20]

        sort = params.get("tri", "")
        status = params.get("statut", "")
        return cls(
            q=params.get("q", "")[:200].replace("\x00", ""),
            organisation=params.get("organisation", "")[:120],
            territory=params.get("territoire", "")[:4].upper(),
            themes=pick("theme", Theme),
            decision_types=pick("decision", DecisionType),
            personal_data=pick("donnees", PersonalData),
            techniques=pick("technique", Technique),
            risk_classes=[v[:40] for v in params.getlist("risque") if v][:10],
            status=status if status in ("published", "retired", "archived") else "",
            sort=sort if sort in SORTS or sort == "pertinence" else "",
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.q.strip()
            or self.organisation
            or self.territory
            or self.themes
            or self.decision_types
            or self.personal_data
            or self.techniques
            or self.risk_classes
            or self.status
        )


def current_versions() -> QuerySet[RecordVersion]:
    return RecordVersion.objects.filter(is_current=True)


def register_search(filters: RegisterFilters) -> QuerySet[RecordVersion]:
    """Current published versions matching the filters, sorted; archived records only when
    asked for."""
    qs = current_versions().select_related("record", "organisation")
    if filters.status == "archived":
        qs = qs.filter(record__status=RecordStatus.ARCHIVED)
    else:
        qs = qs.exclude(record__status=RecordStatus.ARCHIVED)
        if filters.status:
            qs = qs.filter(status=filters.status)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    if filters.territory:
        qs = qs.filter(
            Q(organisation__territory__code=filters.territory) | Q(organisation__kind="metropole")
        )
    if filters.themes:
        qs = qs.filter(theme__in=filters.themes)
    if filters.decision_types:
        qs = qs.filter(decision_type__in=filters.decision_types)
    if filters.personal_data:
        qs = qs.filter(personal_data__in=filters.personal_data)
    if filters.techniques:
        qs = qs.filter(technique__in=filters.techniques)
    if filters.risk_classes:
        qs = qs.filter(risk_class__in=filters.risk_classes)
    if filters.q.strip():
        if filters.sort in ("", "pertinence"):
            # filter_and_rank applies the text match itself: not twice.
            return search.filter_and_rank(qs.order_by("name"), filters.q)
        qs = qs.filter(pk__in=search.matching(RecordVersion, filters.q))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["nom"]))


def register_version() -> str:
    """Changes whenever the public search's results or filters may change: a record
    added or saved (publication, retirement, archiving and link checks save it); only
    records never published can be deleted, and they are in no public list; and the last
    indexing for search, done after the commit (`search.last_indexed_sql`). One query of
    three index look-ups (no COUNT(*): on PostgreSQL it reads the whole table, about 60 ms
    at 50,000 records before a VACUUM)."""
    table = connection.ops.quote_name(Record._meta.db_table)
    indexed, params = search.last_indexed_sql(RecordVersion)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(id), MAX(updated_at), {indexed} FROM {table}",  # noqa: S608
            params,
        )
        return ":".join(str(value) for value in cursor.fetchone())


def risk_class_options() -> list[str]:
    return list(
        current_versions()
        .exclude(risk_class="")
        .order_by("risk_class")
        .values_list("risk_class", flat=True)
        .distinct()
    )


def organisations_with_records() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(register_records__current_version__isnull=False)
        .annotate(record_count=Count("register_records", distinct=True))
        .order_by("name")
    )


def register_organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.select_related("commune", "territory").get(
            slug=slug, kind__in=PUBLIC_AUTHORITY_KINDS
        )
    except Organisation.DoesNotExist as exc:
        raise Http404(
            _("Aucune collectivité ne porte l'identifiant « %(slug)s ».") % {"slug": slug[:60]}
        ) from exc


def organisation_versions(organisation) -> QuerySet[RecordVersion]:
    return (
        current_versions()
        .filter(organisation=organisation)
        .exclude(record__status=RecordStatus.ARCHIVED)
        .select_related("record", "organisation")
        .order_by("name")
    )


def records_for_commune(commune: Commune) -> list[RecordVersion]:
    """What applies to the commune's residents: its own records, its territory's (EPT) and
    the Métropole's."""
    return list(
        current_versions()
        .exclude(record__status=RecordStatus.ARCHIVED)
        .filter(
            Q(organisation__commune=commune)
            | Q(organisation__kind="ept", organisation__territory_id=commune.territory_id)
            | Q(organisation__kind="metropole")
        )
        .select_related("record", "organisation")
        .order_by("organisation__kind", "name")
    )


# --- One record: versions, dates, diffs ----------------------------------------------------


def versions_of(record: Record) -> list[RecordVersion]:
    return list(record.versions.order_by("-number"))


def version_on(record: Record, day: datetime.date) -> RecordVersion | None:
    """What the public saw at the end of `day` (None if nothing was published yet)."""
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    return (
        record.versions.filter(published_at__lte=end).order_by("-published_at", "-number").first()
    )


def get_version(record: Record, number: int) -> RecordVersion:
    try:
        return record.versions.get(number=number)
    except RecordVersion.DoesNotExist as exc:
        raise Http404(
            _("La fiche %(id)s n'a pas de version %(n)s.") % {"id": record.public_id, "n": number}
        ) from exc


def review_overdue(version: RecordVersion, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        version.status == RecordStatus.PUBLISHED
        and version.next_review is not None
        and version.next_review < today
    )


def public_reports(record: Record) -> list[ErrorReport]:
    """Error reports with their public answer (the reporter's e-mail is never shown)."""
    return list(
        record.error_reports.only(
            "pk", "record_id", "message", "status", "public_answer", "created_at", "answered_at"
        )
    )


# --- Organisation's side ------------------------------------------------------------------


def editable_organisations(user) -> QuerySet[Organisation]:
    """Public authorities whose records the user may write."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    roles = user.active_roles()
    ids = [pk for pk, role in roles.items() if role in ("editor", "manager")]
    if user.is_superuser:
        return Organisation.objects.filter(kind__in=PUBLIC_AUTHORITY_KINDS).order_by("name")
    return Organisation.objects.filter(pk__in=ids, kind__in=PUBLIC_AUTHORITY_KINDS).order_by("name")


def member_organisations(user) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=list(user.active_roles()), kind__in=PUBLIC_AUTHORITY_KINDS
    ).order_by("name")


def dashboard_records(user) -> QuerySet[Record]:
    """Working copies the user may see from the dashboard: their organisations' records,
    and for the programme team every record waiting for review."""
    orgs = member_organisations(user)
    qs = Record.objects.filter(organisation__in=orgs)
    if user.is_programme_team:
        qs = Record.objects.filter(Q(organisation__in=orgs) | Q(status=RecordStatus.IN_REVIEW))
    return qs.select_related("organisation", "current_version").order_by("status", "name")


def request_queue(user) -> QuerySet[ExplanationRequest]:
    editable = [
        pk
        for pk, role in (user.active_roles() if user.is_authenticated else {}).items()
        if role in ("editor", "manager")
    ]
    return (
        ExplanationRequest.objects.filter(record__organisation_id__in=editable)
        .select_related("record", "record__organisation", "assigned_to")
        .order_by("status", "due_date", "pk")
    )


def open_reports(user) -> QuerySet[ErrorReport]:
    editable = [
        pk
        for pk, role in (user.active_roles() if user.is_authenticated else {}).items()
        if role in ("editor", "manager")
    ]
    return (
        ErrorReport.objects.filter(record__organisation_id__in=editable)
        .select_related("record")
        .order_by("status", "-created_at")
    )


@dataclass
class RequestStats:
    received: int
    answered: int
    answered_on_time: int
    median_delay_days: float | None
    open: int


def request_stats(organisation) -> RequestStats:
    """Public figures: counts and delays only, never the content of a request."""
    rows = list(
        ExplanationRequest.objects.filter(record__organisation=organisation).values_list(
            "status", "received_at", "answered_at", "due_date"
        )
    )
    answered = [
        (received, answered_at, due)
        for status, received, answered_at, due in rows
        if status == RequestStatus.ANSWERED and answered_at
    ]
    delays = [
        (timezone.localdate(answered_at) - timezone.localdate(received)).days
        for received, answered_at, _due in answered
    ]
    return RequestStats(
        received=len(rows),
        answered=len(answered),
        answered_on_time=sum(
            1 for _r, answered_at, due in answered if timezone.localdate(answered_at) <= due
        ),
        median_delay_days=deadlines.median_delay_days(delays),
        open=sum(
            1
            for status, *_rest in rows
            if status in (RequestStatus.RECEIVED, RequestStatus.ASSIGNED)
        ),
    )


# --- Coverage -----------------------------------------------------------------------------


@dataclass
class CoverageRow:
    commune: Commune
    organisation_slug: str | None
    obliged: bool
    records: int
    decision_records: int


def coverage() -> list[CoverageRow]:
    """Per commune: whether L312-1-3 obliges it (population threshold) and what it published."""
    counts = {
        row["organisation__commune_id"]: row
        for row in current_versions()
        .exclude(record__status=RecordStatus.ARCHIVED)
        .filter(organisation__commune__isnull=False)
        .values("organisation__commune_id")
        .annotate(
            n=Count("pk"), decisions=Count("pk", filter=Q(decision_type=DecisionType.INDIVIDUAL))
        )
    }
    slugs = dict(
        Organisation.objects.filter(commune__isnull=False).values_list("commune_id", "slug")
    )
    rows = []
    for commune in Commune.objects.select_related("territory").order_by("name"):
        row = counts.get(commune.pk, {})
        rows.append(
            CoverageRow(
                commune=commune,
                organisation_slug=slugs.get(commune.pk),
                obliged=commune.population > OBLIGATION_POPULATION,
                records=row.get("n", 0),
                decision_records=row.get("decisions", 0),
            )
        )
    return rows


def territories() -> QuerySet[Territory]:
    return Territory.objects.order_by("number")


def version_sections(version: RecordVersion):
    return schema.shown_sections(version.snapshot)


# --- Catalogue solutions for the record form --------------------------------------------

SOLUTION_CHOICES_MAX = 20
SOLUTION_QUERY_MIN_LENGTH = 2


def choosable_solutions() -> QuerySet[Solution]:
    """Catalogue solutions a record may be linked to: the published ones."""
    return published_solutions().select_related("vendor")


def solution_choices(query: str) -> list[Solution]:
    """At most SOLUTION_CHOICES_MAX published solutions matching `query`: the one whose
    identifier it is first, then the best matches of the full-text search."""
    query = query.strip()
    if len(query) < SOLUTION_QUERY_MIN_LENGTH:
        return []
    solutions = choosable_solutions()
    exact = list(solutions.filter(slug=query.lower())[:1])
    matches = search.filter_and_rank(solutions, query).exclude(pk__in=[s.pk for s in exact])
    return exact + list(matches[: SOLUTION_CHOICES_MAX - len(exact)])
