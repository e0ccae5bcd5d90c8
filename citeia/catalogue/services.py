"""Writes on solutions: the submission workflow, with history and search indexing.

Workflow (programme team decides; vendors edit while the solution is theirs to edit):

    draft ──submit──▶ in_review ──publish──▶ published ──archive──▶ archived
      ▲                 │  │                    │
      └─request_changes─┘  └──reject──▶ rejected │ (vendor edits a published
                                                 │  solution: stays published,
                                                 │  every change kept in history)

Every write records one historical version (simple-history) carrying the actor and a
change reason; many-to-many changes are folded into that same version rather than each
producing a version of their own.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citeia.accounts.models import MembershipStatus, User
from citeia.core import search
from citeia.core.permissions import Action, MemberRole, PlatformRole, can, require

from . import figures
from .models import AttributeType, ExtraAttribute, ExtraValue, Solution, SolutionStatus

# Statuses in which the vendor may still change the solution.
EDITABLE = {
    SolutionStatus.DRAFT,
    SolutionStatus.CHANGES_REQUESTED,
    SolutionStatus.PUBLISHED,
}

TRANSITIONS = {
    "submit": ({SolutionStatus.DRAFT, SolutionStatus.CHANGES_REQUESTED}, SolutionStatus.IN_REVIEW),
    "request_changes": ({SolutionStatus.IN_REVIEW}, SolutionStatus.CHANGES_REQUESTED),
    "publish": ({SolutionStatus.IN_REVIEW, SolutionStatus.ARCHIVED}, SolutionStatus.PUBLISHED),
    "reject": ({SolutionStatus.IN_REVIEW}, SolutionStatus.REJECTED),
    "archive": ({SolutionStatus.PUBLISHED}, SolutionStatus.ARCHIVED),
}
# Transitions that must say why, to the vendor.
NEEDS_MESSAGE = {"request_changes", "reject", "archive"}

# Change reasons kept in the history (shown to staff on the history page).
TRANSITION_REASONS = {
    "submit": gettext_lazy("Soumise pour relecture"),
    "request_changes": gettext_lazy("Modifications demandées"),
    "publish": gettext_lazy("Publiée"),
    "reject": gettext_lazy("Refusée"),
    "archive": gettext_lazy("Archivée"),
}


class WorkflowError(Exception):
    """A transition that is not allowed from the current status."""


def _unique_slug(name: str, vendor_slug: str) -> str:
    base = slugify(name)[:100] or "solution"
    slug = base
    if Solution.objects.filter(slug=slug).exists():
        slug = f"{base}-{vendor_slug}"[:130]
    n = 1
    while Solution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_unique_name(solution: Solution) -> None:
    duplicate = (
        Solution.objects.filter(vendor_id=solution.vendor_id, name__iexact=solution.name.strip())
        .exclude(pk=solution.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {
                "name": _(
                    "Votre organisation propose déjà une solution nommée « %(name)s ». "
                    "Choisissez un autre nom, ou modifiez la fiche existante."
                )
                % {"name": solution.name}
            },
            code="duplicate_name",
        )


def _save_m2m(solution: Solution, m2m: dict) -> None:
    # Folded into the version saved next: no separate historical record per change.
    solution.skip_history_when_saving = True
    try:
        for name, values in m2m.items():
            getattr(solution, name).set(values)
    finally:
        del solution.skip_history_when_saving


def extra_value_to_json(attribute: ExtraAttribute, value):
    """A cleaned form value as stored in ExtraValue.value (JSON), or None when empty."""
    if value is None or value == "":
        return None
    if attribute.type == AttributeType.DATE and isinstance(value, datetime.date):
        return value.isoformat()
    if attribute.type == AttributeType.NUMBER:
        return float(value)
    if attribute.type == AttributeType.BOOLEAN:
        return bool(value)
    return str(value)


def _save_extra(solution: Solution, extra: dict) -> None:
    """extra: {ExtraAttribute: cleaned value}; an empty value removes the stored one."""
    for attribute, value in extra.items():
        stored = extra_value_to_json(attribute, value)
        if stored is None:
            ExtraValue.objects.filter(solution=solution, attribute=attribute).delete()
        else:
            ExtraValue.objects.update_or_create(
                solution=solution, attribute=attribute, defaults={"value": stored}
            )
    # The copy the history keeps (saved with the solution by the caller).
    solution.extra_attributes = extra_snapshot(solution)


def extra_snapshot(solution: Solution) -> dict:
    """The solution's extra attribute values as stored, by attribute key."""
    return {
        key: value
        for key, value in ExtraValue.objects.filter(solution=solution)
        .order_by("attribute__position", "attribute__key")
        .values_list("attribute__key", "value")
    }


def _record(solution: Solution, *, actor: User, reason: str) -> None:
    solution._change_reason = str(reason)
    if getattr(actor, "is_authenticated", False):
        solution._history_user = actor


@transaction.atomic
def solution_create(
    *,
    actor: User,
    vendor,
    data: dict,
    m2m: dict | None = None,
    extra: dict | None = None,
) -> Solution:
    """A new draft for `vendor`; the actor must be an editor of that organisation."""
    solution = Solution(vendor=vendor, **data)
    require(actor, Action.CREATE, solution)
    solution.slug = _unique_slug(solution.name, vendor.slug)
    _check_unique_name(solution)
    solution.full_clean()
    # Saved once without history so that the first version includes domains and techniques.
    solution.save_without_historical_record()
    _save_m2m(solution, m2m or {})
    _save_extra(solution, extra or {})
    _record(solution, actor=actor, reason=_("Création"))
    solution.save()
    transaction.on_commit(lambda: search.index(solution))
    return solution


@transaction.atomic
def solution_update(
    *,
    actor: User,
    solution: Solution,
    data: dict,
    m2m: dict | None = None,
    extra: dict | None = None,
    reason: str = "",
) -> Solution:
    require(actor, Action.CHANGE, solution)
    current = Solution.objects.select_for_update().get(pk=solution.pk)
    if current.status not in EDITABLE and not actor.is_programme_team:
        raise WorkflowError(
            _("Cette solution est « %(status)s » : elle ne peut pas être modifiée maintenant.")
            % {"status": current.get_status_display()}
        )
    # Applied to the row just locked: the workflow fields are never taken from the caller.
    for field, value in data.items():
        if field not in ("vendor", "vendor_id", "status", "slug", "published_at"):
            setattr(current, field, value)
    _check_unique_name(current)
    current.full_clean()
    _save_m2m(current, m2m or {})
    _save_extra(current, extra or {})
    _record(current, actor=actor, reason=reason or _("Modification"))
    current.save()
    transaction.on_commit(lambda: search.index(current))
    return current


@transaction.atomic
def solution_transition(
    *,
    actor: User,
    solution: Solution,
    transition: str,
    message: str = "",
    request=None,
    notify: bool = True,
) -> Solution:
    """Move the solution through the workflow; who may do what is checked here.

    The vendor's managers hear of every decision of the programme team, and the programme
    team of every submission, by e-mail once the transaction is committed (unless
    `notify` is False, for loaders of demo or imported content).
    """
    if transition not in TRANSITIONS:
        raise WorkflowError(_("Action inconnue : %(name)s.") % {"name": transition})
    if transition == "submit":
        require(actor, Action.SUBMIT, solution)
    elif not can(actor, Action.PUBLISH, solution):
        raise PermissionDenied
    sources, target = TRANSITIONS[transition]
    solution = Solution.objects.select_for_update().select_related("vendor").get(pk=solution.pk)
    if solution.status not in sources:
        raise WorkflowError(
            _("Impossible depuis le statut « %(status)s ».")
            % {"status": solution.get_status_display()}
        )
    if transition in NEEDS_MESSAGE and not message.strip():
        raise ValidationError({"message": _("Expliquez votre décision au fournisseur.")})
    solution.status = target
    solution.status_message = message.strip()
    if target == SolutionStatus.PUBLISHED and solution.published_at is None:
        solution.published_at = timezone.now()
    _record(solution, actor=actor, reason=TRANSITION_REASONS[transition])
    solution.save()
    transaction.on_commit(lambda: search.index(solution))
    if notify and transition == "submit":
        _notify_programme_team(solution, request=request)
    elif notify:
        _notify_vendor(solution, transition=transition, request=request)
    return solution


# E-mails ------------------------------------------------------------------------------


def _assessment_lookup(solution_ids: list[int]) -> dict[int, dict[str, str]]:
    """AI Act class and frugality grade of each solution, from the assessment app."""
    from citeia.assessment.selectors import summaries_for_solutions

    return {
        solution_id: {
            "aiact_outcome": summary.outcome or "",
            "frugality_grade": summary.frugality_grade or "",
        }
        for solution_id, summary in summaries_for_solutions(solution_ids).items()
    }


def solution_figures_refresh(*, solution_ids: Iterable[int]) -> None:
    """Recompute the derived figures of these solutions (reviews, references, assessments).

    Call it in the transaction that changed what they derive from: a review saved or
    deleted, a reference added, changed or removed, an assessment completed.
    """
    figures.save(figures.compute(solution_ids, assessments=_assessment_lookup))


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _send_on_commit(*, subject: str, body: str, recipients: Iterable[str]) -> None:
    recipients = sorted(set(recipients))
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
    )


def vendor_contacts(organisation) -> list[str]:
    """E-mail addresses of the vendor's managers (its editors when it has no manager)."""
    for role in (MemberRole.MANAGER, MemberRole.EDITOR):
        emails = list(
            User.objects.filter(
                is_active=True,
                memberships__organisation=organisation,
                memberships__status=MembershipStatus.ACTIVE,
                memberships__role=role,
            ).values_list("email", flat=True)
        )
        if emails:
            return emails
    return []


def programme_team_contacts() -> list[str]:
    return list(
        User.objects.filter(is_active=True, platform_role=PlatformRole.PROGRAMME_TEAM).values_list(
            "email", flat=True
        )
    )


def _notify_programme_team(solution: Solution, *, request=None) -> None:
    url = _absolute(request, reverse("catalogue:solution_decide", args=[solution.slug]))
    _send_on_commit(
        subject=_("Cité IA : « %(name)s » attend votre relecture") % {"name": solution.name},
        body=_(
            "%(vendor)s a soumis la solution « %(name)s » au catalogue.\n\n"
            "Publiez-la, demandez des modifications ou refusez-la : %(url)s"
        )
        % {"vendor": solution.vendor.name, "name": solution.name, "url": url},
        recipients=programme_team_contacts(),
    )


VENDOR_MESSAGES = {
    "publish": (
        gettext_lazy("Cité IA : « %(name)s » est publiée"),
        gettext_lazy(
            "La solution « %(name)s » est publiée dans le catalogue de Cité IA.\n\n%(url)s"
        ),
    ),
    "request_changes": (
        gettext_lazy("Cité IA : modifications demandées pour « %(name)s »"),
        gettext_lazy(
            "L'équipe programme demande des modifications à la solution « %(name)s » :\n\n"
            "%(message)s\n\nModifiez la fiche puis soumettez-la de nouveau : %(url)s"
        ),
    ),
    "reject": (
        gettext_lazy("Cité IA : « %(name)s » n'est pas retenue"),
        gettext_lazy(
            "L'équipe programme a refusé la solution « %(name)s » pour le motif suivant :"
            "\n\n%(message)s\n\n%(url)s"
        ),
    ),
    "archive": (
        gettext_lazy("Cité IA : « %(name)s » est archivée"),
        gettext_lazy(
            "L'équipe programme a archivé la solution « %(name)s » : elle n'est plus "
            "visible dans le catalogue public. Motif :\n\n%(message)s\n\n%(url)s"
        ),
    ),
}


def _notify_vendor(solution: Solution, *, transition: str, request=None) -> None:
    subject, body = VENDOR_MESSAGES[transition]
    params = {
        "name": solution.name,
        "message": solution.status_message,
        "url": _absolute(request, reverse("catalogue:my_solutions")),
    }
    _send_on_commit(
        subject=str(subject) % params,
        body=str(body) % params,
        recipients=vendor_contacts(solution.vendor),
    )
