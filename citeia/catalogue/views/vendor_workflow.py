"""The programme team's side of the workflow: review queue, decisions, history."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citeia.core.pagination import paginate
from citeia.core.permissions import Action, can, require

from .. import selectors, services
from ..forms import DecisionForm
from ..markdown import render_markdown
from ..models import (
    CERTIFICATIONS,
    Domain,
    ExtraAttribute,
    Solution,
    SolutionStatus,
    Technique,
)
from .vendor import INVALID, STATUS_BADGES, refused, with_badges

# Decisions taken on the decision page itself (publishing needs no message).
DIRECT = {"publish", "request_changes"}
# Decisions that end a solution's visibility or its chances: confirmed on a page of their own.
CONFIRMED = {
    "reject": {
        "title": gettext_lazy("Refuser « %(name)s » ?"),
        "explain": gettext_lazy(
            "La solution ne sera pas publiée. Le fournisseur reçoit le motif par e-mail et "
            "ne pourra plus modifier la fiche."
        ),
        "label": gettext_lazy("Motif du refus"),
        "button": gettext_lazy("Refuser la solution"),
    },
    "archive": {
        "title": gettext_lazy("Archiver « %(name)s » ?"),
        "explain": gettext_lazy(
            "La solution disparaît du catalogue public ; sa fiche et son historique sont "
            "conservés et elle pourra être publiée de nouveau. Le fournisseur reçoit le motif "
            "par e-mail."
        ),
        "label": gettext_lazy("Motif de l'archivage"),
        "button": gettext_lazy("Archiver la solution"),
    },
}
DONE = {
    "publish": gettext_lazy("« %(name)s » est publiée."),
    "request_changes": gettext_lazy(
        "Modifications demandées pour « %(name)s » : le fournisseur est prévenu par e-mail."
    ),
    "reject": gettext_lazy("« %(name)s » est refusée : le fournisseur est prévenu par e-mail."),
    "archive": gettext_lazy("« %(name)s » est archivée : elle n'est plus publique."),
}
QUEUE_STATUSES = [
    SolutionStatus.IN_REVIEW,
    SolutionStatus.CHANGES_REQUESTED,
    SolutionStatus.PUBLISHED,
    SolutionStatus.ARCHIVED,
    SolutionStatus.REJECTED,
]


def queue_crumbs(*last):
    return [
        (_("Catalogue des solutions"), reverse("catalogue:solution_list")),
        (_("Relecture des solutions"), reverse("catalogue:moderation_queue") if last else None),
        *last,
    ]


def _require_programme_team(user) -> None:
    # A solution of no vendor stands for "any solution": only the programme team decides.
    require(user, Action.PUBLISH, Solution())


def _get_for_decision(request, slug: str) -> Solution:
    solution = selectors.get_solution_for_user(request.user, slug)
    require(request.user, Action.PUBLISH, solution)
    return solution


@login_required
def moderation_queue(request):
    """Solutions waiting for a decision, the oldest submission first."""
    _require_programme_team(request.user)
    status = request.GET.get("statut", SolutionStatus.IN_REVIEW)
    if status not in QUEUE_STATUSES:
        status = SolutionStatus.IN_REVIEW
    solutions = (
        Solution.objects.filter(status=status)
        .select_related("vendor")
        .order_by("updated_at" if status == SolutionStatus.IN_REVIEW else "-updated_at", "pk")
    )
    page = paginate(request, solutions)
    with_badges(page.object_list)
    return render(
        request,
        "catalogue/workflow_queue.html",
        {
            "page": page,
            "status": status,
            "status_label": SolutionStatus(status).label,
            "statuses": [(value, SolutionStatus(value).label) for value in QUEUE_STATUSES],
            "crumbs": queue_crumbs(),
        },
    )


def _decision_page(request, solution, *, forms=None, status=200):
    forms = forms or {}
    sources = {name: services.TRANSITIONS[name][0] for name in services.TRANSITIONS}
    allowed = {name for name, statuses in sources.items() if solution.status in statuses}
    allowed.discard("submit")
    return render(
        request,
        "catalogue/workflow_decide.html",
        {
            "solution": solution,
            "badge": STATUS_BADGES.get(solution.status, "badge-neutral"),
            "allowed": allowed,
            "changes_form": forms.get(
                "request_changes",
                DecisionForm(
                    label=_("Modifications demandées"),
                    help_text=_(
                        "Ce que le fournisseur doit corriger ou compléter avant publication. "
                        "Envoyé par e-mail à ses gestionnaires."
                    ),
                    prefix="changes",
                ),
            ),
            "description": render_markdown(solution.description),
            "domains": solution.domains.all(),
            "techniques": solution.techniques.all(),
            "certifications": [
                label for key, label in CERTIFICATIONS if key in (solution.certifications or [])
            ],
            "crumbs": queue_crumbs((solution.name, None)),
        },
        status=status,
    )


def _transition(request, solution, transition: str, message: str = ""):
    """Run the transition; returns an error response, or None when done."""
    try:
        services.solution_transition(
            actor=request.user,
            solution=solution,
            transition=transition,
            message=message,
            request=request,
        )
    except services.WorkflowError as error:
        return refused(
            request,
            str(error),
            back=reverse("catalogue:solution_decide", args=[solution.slug]),
            crumbs=queue_crumbs((solution.name, None)),
        )
    messages.success(request, str(DONE[transition]) % {"name": solution.name})
    return None


@login_required
def solution_decide(request, slug: str):
    solution = _get_for_decision(request, slug)
    if request.method != "POST":
        return _decision_page(request, solution)
    transition = request.POST.get("decision", "")
    if transition not in DIRECT:
        if transition in CONFIRMED:
            return redirect("catalogue:solution_decide_confirm", solution.slug, transition)
        raise Http404(_("Décision inconnue."))
    message = ""
    if transition == "request_changes":
        form = DecisionForm(request.POST, prefix="changes")
        if not form.is_valid():
            return _decision_page(
                request, solution, forms={"request_changes": form}, status=INVALID
            )
        message = form.cleaned_data["message"]
    error = _transition(request, solution, transition, message)
    return error or redirect("catalogue:moderation_queue")


@login_required
def solution_decide_confirm(request, slug: str, transition: str):
    """Reject or archive: a page of its own, with the reason the vendor will read."""
    if transition not in CONFIRMED:
        raise Http404(_("Décision inconnue."))
    solution = _get_for_decision(request, slug)
    texts = CONFIRMED[transition]
    form = DecisionForm(request.POST or None, label=texts["label"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                error = _transition(request, solution, transition, form.cleaned_data["message"])
            except ValidationError as exc:  # pragma: no cover - the form requires a message
                form.add_error("message", exc.messages)
            else:
                return error or redirect("catalogue:moderation_queue")
        status = INVALID
    title = str(texts["title"]) % {"name": solution.name}
    return render(
        request,
        "catalogue/workflow_confirm.html",
        {
            "solution": solution,
            "form": form,
            "title": title,
            "explain": texts["explain"],
            "button": texts["button"],
            "crumbs": queue_crumbs(
                (solution.name, reverse("catalogue:solution_decide", args=[solution.slug])),
                (texts["button"], None),
            ),
        },
        status=status,
    )


# History ------------------------------------------------------------------------------


THROUGH_KEYS = {
    "domains": "domain",
    "techniques": "technique",
    "similar_to": "to_solution",
    "alternative_to": "to_solution",
}


def _extra_value(item) -> str:
    if isinstance(item, bool):
        return _("Oui") if item else _("Non")
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    return str(formats.localize(item))


def _display(field, value, names):
    """A field's value in words, for the diff table."""
    if value in (None, "", []):
        return "—"
    if field is None:
        return str(value)
    name = field.name
    if name in names:  # many-to-many: rows of the through table
        key = THROUGH_KEYS[name]
        return ", ".join(sorted(str(names[name].get(row.get(key), "?")) for row in value))
    if name == "extra_attributes":
        # In the attributes' order (PostgreSQL's jsonb does not keep the keys' order).
        labels = dict(
            ExtraAttribute.objects.order_by("position", "key").values_list("key", "label")
        )
        keys = [key for key in labels if key in value] + sorted(set(value) - set(labels))
        return " ; ".join(f"{labels.get(key, key)} : {_extra_value(value[key])}" for key in keys)
    if name == "certifications":
        labels = dict(CERTIFICATIONS)
        return ", ".join(str(labels.get(item, item)) for item in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return str(value)


@login_required
def solution_history(request, slug: str):
    """Every version of the record, who made it, when, why, and what changed (staff only)."""
    solution = selectors.get_solution_for_user(request.user, slug)
    if not can(request.user, Action.PUBLISH, solution):
        raise PermissionDenied
    page = paginate(
        request,
        solution.history.select_related("history_user").order_by("-history_date", "-history_id"),
        per_page=20,
    )
    records = list(page.object_list)
    # The version before the last one of the page, to show what that one changed.
    previous = (
        solution.history.filter(history_date__lte=records[-1].history_date)
        .exclude(history_id=records[-1].history_id)
        .order_by("-history_date", "-history_id")
        .first()
        if records
        else None
    )
    linked = set()
    for name in ("similar_to", "alternative_to"):
        through = apps.get_model("catalogue", f"HistoricalSolution_{name}")
        linked.update(
            through.objects.filter(
                history__in=[r for r in (*records, previous) if r is not None]
            ).values_list("to_solution", flat=True)
        )
    solution_names = dict(Solution.objects.filter(pk__in=linked).values_list("pk", "name"))
    names = {
        "domains": {pk: _(name) for pk, name in Domain.objects.values_list("pk", "name")},
        "techniques": {pk: _(name) for pk, name in Technique.objects.values_list("pk", "name")},
        "similar_to": solution_names,
        "alternative_to": solution_names,
    }
    fields = {field.name: field for field in Solution._meta.get_fields()}
    versions = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else previous
        changes = []
        if older is not None:
            delta = record.diff_against(older)
            for change in sorted(delta.changes, key=lambda c: c.field):
                field = fields.get(change.field)
                changes.append(
                    {
                        "label": field.verbose_name if field is not None else change.field,
                        "old": _display(field, change.old, names),
                        "new": _display(field, change.new, names),
                    }
                )
        versions.append({"record": record, "changes": changes, "first": older is None})
    return render(
        request,
        "catalogue/workflow_history.html",
        {
            "solution": solution,
            "page": page,
            "versions": versions,
            "crumbs": queue_crumbs(
                (solution.name, reverse("catalogue:solution_decide", args=[solution.slug])),
                (_("Historique"), None),
            ),
        },
    )
