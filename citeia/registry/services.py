"""Writes on the register: records and their workflow, explanation requests, error reports.

Workflow of a record (its working copy):

    draft ──submit──▶ in_review ──publish──▶ published ──retire──▶ retired ──archive──▶ archived
      ▲                  │                      │
      └──send_back───────┘                      └─ an edit makes the working copy a draft again;
                                                   the public keeps seeing the last published version

Publishing or retiring freezes a `RecordVersion`: the public pages, exports and API read
versions only, never the working copy.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from citeia.accounts.models import MembershipStatus, User
from citeia.core import search
from citeia.core.permissions import Action, MemberRole, require

from . import schema
from .models import (
    SCHEMA_VERSION,
    PublicIdSequence,
    Record,
    RecordStatus,
    RecordVersion,
    WithholdReason,
)

EDITABLE = {RecordStatus.DRAFT, RecordStatus.PUBLISHED}


class WorkflowError(Exception):
    """A transition the record's status does not allow now (said in French)."""


# --- Records -------------------------------------------------------------------------------


def organisation_code(organisation) -> str:
    """INSEE code for a commune, SIREN otherwise: the middle part of public ids."""
    commune = getattr(organisation, "commune", None)
    if commune is not None:
        return commune.insee_code
    if organisation.siren:
        return organisation.siren
    return f"ORG{organisation.pk}"


def next_public_id(organisation) -> str:
    code = organisation_code(organisation)
    sequence, _created = PublicIdSequence.objects.select_for_update().get_or_create(code=code)
    PublicIdSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db()
    return f"CIA-{code}-{sequence.last_number:04d}"


def _clean_withheld(withheld: dict | None) -> dict:
    withheld = withheld or {}
    unknown = [name for name in withheld if name not in schema.WITHHOLDABLE]
    if unknown:
        raise ValidationError(
            _("Ces champs ne peuvent pas être retenus : %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    bad = [name for name, reason in withheld.items() if reason not in WithholdReason.values]
    if bad:
        raise ValidationError(
            _("Indiquez un motif légal valable pour : %(fields)s.")
            % {"fields": ", ".join(schema.field_label(name) for name in bad)}
        )
    return dict(withheld)


def _history(record: Record, *, actor, reason: str) -> None:
    record._change_reason = str(reason)
    if actor is not None and getattr(actor, "is_authenticated", False):
        record._history_user = actor


def _assign(record: Record, data: dict) -> None:
    for name, value in data.items():
        if name in schema.FIELDS or name == "solution":
            setattr(record, name, value)


@transaction.atomic
def record_create(
    *, user, organisation, data: dict, withheld: dict | None = None, is_demo: bool = False
) -> Record:
    probe = Record(organisation=organisation)
    require(user, Action.CREATE, probe)
    record = Record(organisation=organisation, is_demo=is_demo)
    _assign(record, data)
    record.withheld = _clean_withheld(withheld)
    record.public_id = next_public_id(organisation)
    record.full_clean(exclude=["public_id"])
    _history(record, actor=user, reason=_("Fiche créée"))
    record.save()
    return record


@transaction.atomic
def record_update(*, user, record: Record, data: dict, withheld: dict | None = None) -> Record:
    require(user, Action.CHANGE, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status not in EDITABLE:
        raise WorkflowError(
            _("Une fiche « %(status)s » ne se modifie pas.")
            % {"status": record.get_status_display()}
        )
    _assign(record, data)
    if withheld is not None:
        record.withheld = _clean_withheld(withheld)
    # The public keeps the last published version until this one is published in turn.
    record.status = RecordStatus.DRAFT
    record.full_clean()
    _history(record, actor=user, reason=_("Fiche modifiée"))
    record.save()
    return record


def _set_status(record: Record, status: str, *, user, reason: str, message: str = "") -> None:
    record.status = status
    record.status_message = message
    _history(record, actor=user, reason=reason)
    record.save()


@transaction.atomic
def record_submit(*, user, record: Record) -> Record:
    require(user, Action.SUBMIT, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.DRAFT:
        raise WorkflowError(_("Seul un brouillon se soumet à la relecture."))
    missing = schema.missing_fields(record)
    if missing:
        raise ValidationError(missing_message(missing), code="missing_fields")
    _set_status(record, RecordStatus.IN_REVIEW, user=user, reason=_("Soumise pour relecture"))
    _notify_reviewers(record)
    return record


@transaction.atomic
def record_send_back(*, user, record: Record, message: str) -> Record:
    require(user, Action.PUBLISH, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.IN_REVIEW:
        raise WorkflowError(_("Seule une fiche en relecture se renvoie à son auteur."))
    if not message.strip():
        raise ValidationError({"message": _("Dites ce qu'il faut corriger.")})
    _set_status(
        record, RecordStatus.DRAFT, user=user, reason=_("Renvoyée en brouillon"), message=message
    )
    return record


def missing_message(missing: list[str]) -> str:
    return _("Avant publication, remplissez ces champs obligatoires : %(fields)s.") % {
        "fields": ", ".join(schema.field_label(name) for name in missing)
    }


@transaction.atomic
def record_link_assessment(*, user, record: Record):
    """The record's AI Act assessment file, created in the assessment app on first call."""
    require(user, Action.CHANGE, record)
    if record.assessment_file_id:
        return record.assessment_file
    from citeia.assessment.services import file_for_system

    assessment_file = file_for_system(
        organisation=record.organisation,
        name=record.name,
        solution=record.solution,
        user=user,
        description=record.summary,
    )
    Record.objects.filter(pk=record.pk).update(assessment_file=assessment_file)
    record.assessment_file = assessment_file
    return assessment_file


def _fria_summary(assessment_file) -> str:
    try:
        return assessment_file.fria.eu_database_summary or ""
    except Exception:  # no FRIA written yet (RelatedObjectDoesNotExist)
        return ""


def ai_act_summary(record: Record) -> dict | None:
    """The AI Act class from the record's assessment file (never typed in the register)."""
    assessment_file = getattr(record, "assessment_file", None)
    if assessment_file is None:
        return None
    try:
        from citeia.assessment.selectors import file_summary
    except ImportError:  # pragma: no cover - the assessment app is part of the project
        return None
    summary = file_summary(assessment_file)
    if summary is None:
        return None
    values = {
        key: (str(value) if value is not None else None)
        for key in ("outcome", "outcome_label", "high_risk_basis", "fria_status", "url")
        for value in [getattr(summary, key, None)]
    }
    values["fria_summary"] = _fria_summary(assessment_file)
    return values


def _new_version(
    record: Record, *, snap: dict, status: str, user, note: str, when
) -> RecordVersion:
    fields = snap["fields"]
    last = record.versions.order_by("-number").values_list("number", flat=True).first() or 0
    previous = record.current_version
    RecordVersion.objects.filter(record=record, is_current=True).update(is_current=False)
    version = RecordVersion.objects.create(
        record=record,
        number=last + 1,
        schema_version=SCHEMA_VERSION,
        status=status,
        snapshot=snap,
        note=note[:300],
        published_at=when or timezone.now(),
        published_by=user if getattr(user, "is_authenticated", False) else None,
        is_current=True,
        organisation=record.organisation,
        name=fields["name"],
        theme=fields["theme"],
        decision_type=fields["decision_type"],
        personal_data=fields.get("personal_data") or "",
        technique=fields.get("technique") or "",
        risk_class=(snap.get("ai_act") or {}).get("outcome") or "",
        next_review=fields.get("next_review"),
    )
    record.current_version = version

    def reindex() -> None:
        if previous is not None:
            search.remove(previous)
        search.index(version)

    transaction.on_commit(reindex)
    return version


def _freeze(record: Record, *, user, status: str, note: str, when=None) -> RecordVersion:
    ai_act = ai_act_summary(record)
    record.risk_class = (ai_act or {}).get("outcome") or ""
    return _new_version(
        record,
        snap=schema.snapshot(record, ai_act=ai_act),
        status=status,
        user=user,
        note=note,
        when=when,
    )


@transaction.atomic
def record_publish(*, user, record: Record, note: str = "", when=None) -> RecordVersion:
    require(user, Action.PUBLISH, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.IN_REVIEW:
        raise WorkflowError(_("Seule une fiche en relecture se publie."))
    missing = schema.missing_fields(record)
    if missing:
        raise ValidationError(missing_message(missing), code="missing_fields")
    version = _freeze(record, user=user, status=RecordStatus.PUBLISHED, note=note, when=when)
    record.published_at = record.published_at or version.published_at
    _set_status(record, RecordStatus.PUBLISHED, user=user, reason=_("Publiée"))
    return version


@transaction.atomic
def record_retire(*, user, record: Record, note: str, when=None) -> RecordVersion:
    """The organisation stopped using it: the record stays public, marked as retired."""
    require(user, Action.PUBLISH, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.current_version_id is None or record.status in (
        RecordStatus.RETIRED,
        RecordStatus.ARCHIVED,
    ):
        raise WorkflowError(_("Seule une fiche publiée se retire."))
    if not note.strip():
        raise ValidationError({"note": _("Dites pourquoi l'algorithme n'est plus utilisé.")})
    # What is retired is what the public saw, not unpublished edits.
    published = record.current_version.snapshot
    version = _new_version(
        record,
        snap={**published, "fields": {**published["fields"], "lifecycle": "retired"}},
        status=RecordStatus.RETIRED,
        user=user,
        note=note,
        when=when,
    )
    record.lifecycle = "retired"
    _set_status(record, RecordStatus.RETIRED, user=user, reason=_("Retirée"))
    return version


@transaction.atomic
def record_archive(*, user, record: Record) -> Record:
    """A retired record leaves the register's lists; its page and history remain."""
    require(user, Action.PUBLISH, record)
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.RETIRED:
        raise WorkflowError(_("Seule une fiche retirée s'archive."))
    _set_status(record, RecordStatus.ARCHIVED, user=user, reason=_("Archivée"))
    return record


@transaction.atomic
def record_delete(*, user, record: Record) -> None:
    """Only a record never published may be deleted; its public id is not reused."""
    require(user, Action.DELETE, record)
    if record.current_version_id or record.versions.exists():
        raise WorkflowError(_("Une fiche déjà publiée ne se supprime pas : retirez-la."))
    record.delete()


def prefill_from_solution(solution) -> dict:
    """Fields of a new record taken from a published catalogue solution."""
    data = {
        "solution": solution,
        "name": solution.name,
        "summary": solution.summary[: Record._meta.get_field("summary").max_length],
        "supplier_name": solution.vendor.name,
        "supplier_siren": solution.vendor.siren or "",
        "supplier_role": _("Éditeur de la solution"),
        "source_code_url": solution.repository or "",
    }
    if solution.personal_data in ("none", "personal", "sensitive"):
        data["personal_data"] = solution.personal_data
    if solution.model_name:
        data["methods"] = solution.model_name
    return data


# --- Notifications -------------------------------------------------------------------------


def send_on_commit(*, subject: str, body: str, recipients: Iterable[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    )


def organisation_contacts(organisation, roles=(MemberRole.MANAGER, MemberRole.EDITOR)) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.ACTIVE,
            memberships__role__in=list(roles),
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _notify_reviewers(record: Record) -> None:
    send_on_commit(
        subject=_("Cité IA : la fiche « %(name)s » attend votre relecture") % {"name": record.name},
        body=_(
            "La fiche %(id)s « %(name)s » du registre des algorithmes a été soumise.\n"
            "Relisez-la et publiez-la depuis le tableau de bord du registre."
        )
        % {"id": record.public_id, "name": record.name},
        recipients=organisation_contacts(record.organisation, roles=(MemberRole.MANAGER,)),
    )
