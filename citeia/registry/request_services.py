"""Writes on what the public sends about records: individual explanation requests
(CRPA R311-3-1-2) and error reports, and the organisation's settings for them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citeia.core.permissions import Action, require

from . import deadlines
from .models import (
    ErrorReport,
    ExplanationRequest,
    Record,
    RegisterSettings,
    ReportStatus,
    RequestStatus,
)
from .services import WorkflowError, organisation_contacts, send_on_commit

# --- Explanation requests ------------------------------------------------------------------


def organisation_settings(organisation) -> RegisterSettings:
    settings_row = RegisterSettings.objects.filter(organisation=organisation).first()
    return settings_row or RegisterSettings(organisation=organisation)


@transaction.atomic
def register_settings_save(*, user, organisation, data: dict) -> RegisterSettings:
    require(user, Action.MANAGE_MEMBERS, organisation)
    row, _created = RegisterSettings.objects.get_or_create(organisation=organisation)
    row.response_days = data.get("response_days")
    row.retention_days = data["retention_days"]
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def explanation_request_create(*, record: Record, data: dict, now=None) -> ExplanationRequest:
    """Anyone may ask about a published record used in individual decisions."""
    if not record.is_public:
        raise WorkflowError(_("Cette fiche n'est pas publiée."))
    if not (data.get("email") or data.get("postal_address", "").strip()):
        raise ValidationError(
            {
                "email": _(
                    "Indiquez une adresse e-mail ou une adresse postale : "
                    "sans elle, la réponse ne peut pas vous parvenir."
                )
            }
        )
    now = now or timezone.now()
    request = ExplanationRequest(
        record=record,
        decision_reference=data.get("decision_reference", ""),
        decision_date=data.get("decision_date"),
        message=data["message"],
        requester_name=data.get("requester_name", ""),
        email=data.get("email", ""),
        postal_address=data.get("postal_address", ""),
        received_at=now,
        due_date=deadlines.due_date(
            timezone.localdate(now), organisation_settings(record.organisation).response_days
        ),
        is_demo=bool(data.get("is_demo")),
    )
    request.full_clean()
    request.save()
    send_on_commit(
        subject=_("Cité IA : nouvelle demande d'explication sur %(id)s") % {"id": record.public_id},
        body=_(
            "Une personne demande comment l'algorithme « %(name)s » a contribué à une décision "
            "qui la concerne. Réponse attendue au plus tard le %(due)s."
        )
        % {"name": record.name, "due": request.due_date.strftime("%d/%m/%Y")},
        recipients=organisation_contacts(record.organisation),
    )
    if request.email:
        send_on_commit(
            subject=_("Cité IA : votre demande d'explication est enregistrée"),
            body=_(
                "%(org)s a reçu votre demande sur « %(name)s » et doit vous répondre au plus "
                "tard le %(due)s. Suivez-la ici : %(url)s"
            )
            % {
                "org": record.organisation.name,
                "name": record.name,
                "due": request.due_date.strftime("%d/%m/%Y"),
                "url": reverse("registry:request_follow", args=[request.token]),
            },
            recipients=[request.email],
        )
    return request


@transaction.atomic
def explanation_request_assign(*, user, request: ExplanationRequest, assignee) -> None:
    require(user, Action.CHANGE, request)
    if request.status in (RequestStatus.ANSWERED, RequestStatus.CLOSED):
        raise WorkflowError(_("Cette demande est déjà traitée."))
    if assignee is not None and request.record.organisation_id not in assignee.active_roles():
        raise ValidationError({"assignee": _("Choisissez un membre de l'organisation.")})
    request.assigned_to = assignee
    request.status = RequestStatus.ASSIGNED
    request.save(update_fields=["assigned_to", "status"])


ANSWER_FIELDS = ["answer_contribution", "answer_data", "answer_parameters", "answer_operations"]


@transaction.atomic
def explanation_request_answer(
    *, user, request: ExplanationRequest, answers: dict, now=None, follow_url: str = ""
) -> ExplanationRequest:
    require(user, Action.CHANGE, request)
    if request.status in (RequestStatus.ANSWERED, RequestStatus.CLOSED):
        raise WorkflowError(_("Cette demande est déjà traitée."))
    empty = [name for name in ANSWER_FIELDS if not (answers.get(name) or "").strip()]
    if empty:
        raise ValidationError(
            {name: _("Les quatre éléments de l'article R311-3-1-2 sont requis.") for name in empty}
        )
    for name in ANSWER_FIELDS:
        setattr(request, name, answers[name].strip())
    request.status = RequestStatus.ANSWERED
    request.answered_at = now or timezone.now()
    if request.assigned_to_id is None and getattr(user, "is_authenticated", False):
        request.assigned_to = user
    request.save()
    if request.email:
        labels = {
            name: str(ExplanationRequest._meta.get_field(name).verbose_name)
            for name in ANSWER_FIELDS
        }
        body = "\n\n".join(
            [
                _("%(org)s répond à votre demande sur « %(name)s » :")
                % {"org": request.record.organisation.name, "name": request.record.name}
            ]
            + [f"{labels[name]}\n{getattr(request, name)}" for name in ANSWER_FIELDS]
            + [
                _(
                    "Si cette réponse ne vous satisfait pas, vous pouvez saisir la Commission "
                    "d'accès aux documents administratifs (CADA) : https://www.cada.fr."
                ),
                follow_url or reverse("registry:request_follow", args=[request.token]),
            ]
        )
        send_on_commit(
            subject=_("Cité IA : réponse à votre demande d'explication"),
            body=body,
            recipients=[request.email],
        )
    return request


@transaction.atomic
def explanation_request_close(*, user, request: ExplanationRequest, now=None) -> None:
    require(user, Action.CHANGE, request)
    if request.status in (RequestStatus.ANSWERED, RequestStatus.CLOSED):
        raise WorkflowError(_("Cette demande est déjà traitée."))
    request.status = RequestStatus.CLOSED
    request.answered_at = now or timezone.now()
    request.save(update_fields=["status", "answered_at"])


PERSONAL_FIELDS = [
    "requester_name",
    "email",
    "postal_address",
    "message",
    "decision_reference",
    *ANSWER_FIELDS,
]


@transaction.atomic
def explanation_requests_erase_expired(*, today: date | None = None) -> int:
    """Erase requesters' personal data once the organisation's retention period is over."""
    today = today or timezone.localdate()
    erased = 0
    candidates = ExplanationRequest.objects.filter(
        status__in=[RequestStatus.ANSWERED, RequestStatus.CLOSED],
        personal_data_erased_at__isnull=True,
        answered_at__isnull=False,
    ).select_related("record__organisation")
    retention: dict[int, int] = {}
    for request in candidates:
        org_id = request.record.organisation_id
        if org_id not in retention:
            retention[org_id] = organisation_settings(request.record.organisation).retention_days
        if (
            deadlines.erase_after(timezone.localdate(request.answered_at), retention[org_id])
            > today
        ):
            continue
        for name in PERSONAL_FIELDS:
            setattr(request, name, "")
        request.decision_date = None
        request.personal_data_erased_at = timezone.now()
        request.save()
        erased += 1
    return erased


# --- Error reports -------------------------------------------------------------------------


@transaction.atomic
def error_report_create(*, record: Record, message: str, email: str = "") -> ErrorReport:
    if not record.is_public:
        raise WorkflowError(_("Cette fiche n'est pas publiée."))
    report = ErrorReport(record=record, message=message, email=email)
    report.full_clean()
    report.save()
    send_on_commit(
        subject=_("Cité IA : erreur signalée sur %(id)s") % {"id": record.public_id},
        body=_("Quelqu'un signale une erreur sur la fiche « %(name)s » :\n\n%(message)s")
        % {"name": record.name, "message": message},
        recipients=organisation_contacts(record.organisation),
    )
    return report


@transaction.atomic
def error_report_answer(*, user, report: ErrorReport, status: str, answer: str) -> ErrorReport:
    require(user, Action.CHANGE, report)
    if status not in (ReportStatus.CORRECTED, ReportStatus.DECLINED):
        raise ValidationError({"status": _("Choisissez « Corrigée » ou « Non retenue ».")})
    if not answer.strip():
        raise ValidationError({"public_answer": _("La réponse publique est obligatoire.")})
    report.status = status
    report.public_answer = answer.strip()
    report.answered_at = timezone.now()
    report.save()
    if report.email:
        send_on_commit(
            subject=_("Cité IA : réponse à votre signalement"),
            body=report.public_answer,
            recipients=[report.email],
        )
    return report
