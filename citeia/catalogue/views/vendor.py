"""Vendor pages: "Mes solutions", the solution form (create, edit, preview) and submission."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS, Organisation
from citeia.core.permissions import Action, can

from .. import selectors, services
from ..forms import SolutionForm, vendor_organisations
from ..markdown import render_markdown
from ..models import Solution, SolutionStatus

INVALID = 422  # a submitted form with errors: re-rendered, nothing saved
CONFLICT = 409  # the solution's status does not allow this now

# Status words first, colour second (UI.md): the badge class of each status.
STATUS_BADGES = {
    SolutionStatus.DRAFT: "badge-neutral",
    SolutionStatus.IN_REVIEW: "badge-warn",
    SolutionStatus.CHANGES_REQUESTED: "badge-warn",
    SolutionStatus.PUBLISHED: "badge-ok",
    SolutionStatus.REJECTED: "badge-error",
    SolutionStatus.ARCHIVED: "badge-neutral",
}
MY_SORTS = {
    "name": ["name"],
    "-name": ["-name"],
    "status": ["status", "name"],
    "-status": ["-status", "name"],
    "updated": ["updated_at"],
    "-updated": ["-updated_at"],
}


def my_crumbs(*last):
    return [
        (_("Catalogue des solutions"), reverse("catalogue:solution_list")),
        (_("Mes solutions"), reverse("catalogue:my_solutions") if last else None),
        *last,
    ]


def with_badges(solutions):
    for solution in solutions:
        solution.badge = STATUS_BADGES.get(solution.status, "badge-neutral")
    return solutions


def refused(request, message: str, *, back: str, crumbs, status: int = CONFLICT):
    """A workflow action that the solution's status does not allow, said in words."""
    return render(
        request,
        "catalogue/workflow_refused.html",
        {"message": message, "back": back, "crumbs": crumbs},
        status=status,
    )


@login_required
def my_solutions(request):
    roles = request.user.active_roles()
    organisations = list(
        Organisation.objects.filter(pk__in=list(roles)).exclude(kind__in=PUBLIC_AUTHORITY_KINDS)
    )
    editor_of = {org.pk for org in organisations if roles[org.pk] in ("editor", "manager")}
    sort = request.GET.get("tri", "-updated")
    solutions = list(
        Solution.objects.filter(vendor__in=organisations)
        .select_related("vendor")
        .order_by(*MY_SORTS.get(sort, MY_SORTS["-updated"]))
    )
    for solution in with_badges(solutions):
        editor = solution.vendor_id in editor_of
        solution.may_edit = editor and solution.status in services.EDITABLE
        solution.may_submit = editor and solution.status in services.TRANSITIONS["submit"][0]
    return render(
        request,
        "catalogue/vendor_my_solutions.html",
        {
            "organisations": organisations,
            "may_create": bool(editor_of),
            "solutions": solutions,
            "crumbs": my_crumbs(),
        },
    )


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request, form, *, solution=None, status=200, preview=None):
    title = _("Modifier « %(name)s »") % {"name": solution.name} if solution else None
    return render(
        request,
        "catalogue/vendor_solution_form.html",
        {
            "form": form,
            "solution": solution,
            "title": title or _("Proposer une solution"),
            "preview": preview,
            "crumbs": my_crumbs((title or _("Proposer une solution"), None)),
        },
        status=status,
    )


def _preview_requested(request) -> bool:
    return request.POST.get("action") == "preview"


@login_required
def solution_create(request):
    if not vendor_organisations(request.user).exists():
        raise PermissionDenied(
            _(
                "Seuls les éditeurs et gestionnaires d'une organisation fournisseur proposent des solutions."
            )
        )
    if request.method != "POST":
        return _form_page(request, SolutionForm(user=request.user))
    form = SolutionForm(request.POST, user=request.user)
    if _preview_requested(request):
        form.is_valid()
        return _form_page(
            request, form, preview=render_markdown(request.POST.get("description", ""))
        )
    if form.is_valid():
        try:
            solution = services.solution_create(
                actor=request.user,
                vendor=form.cleaned_data["vendor"],
                data=form.solution_data(),
                m2m=form.solution_m2m(),
                extra=form.solution_extra(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Brouillon « %(name)s » enregistré. Il reste invisible du public : "
                    "soumettez-le à l'équipe programme quand il est prêt."
                )
                % {"name": solution.name},
            )
            return redirect("catalogue:my_solutions")
    return _form_page(request, form, status=INVALID)


@login_required
def solution_edit(request, slug: str):
    solution = selectors.get_solution_for_user(request.user, slug, write=True)
    if solution.status not in services.EDITABLE and not request.user.is_programme_team:
        return refused(
            request,
            _("« %(name)s » est « %(status)s » : elle ne peut pas être modifiée maintenant.")
            % {"name": solution.name, "status": solution.get_status_display()},
            back=reverse("catalogue:my_solutions"),
            crumbs=my_crumbs((solution.name, None)),
        )
    if request.method != "POST":
        return _form_page(
            request, SolutionForm(instance=solution, user=request.user), solution=solution
        )
    # The form works on a copy: an invalid input must not rename the page's title.
    form = SolutionForm(request.POST, instance=copy.copy(solution), user=request.user)
    if _preview_requested(request):
        form.is_valid()
        return _form_page(
            request,
            form,
            solution=solution,
            preview=render_markdown(request.POST.get("description", "")),
        )
    status = INVALID
    if form.is_valid():
        try:
            solution = services.solution_update(
                actor=request.user,
                solution=solution,
                data=form.solution_data(),
                m2m=form.solution_m2m(),
                extra=form.solution_extra(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        except services.WorkflowError as error:
            form.add_error(None, str(error))
            status = CONFLICT
        else:
            if solution.status == SolutionStatus.PUBLISHED:
                text = _(
                    "Modifications de « %(name)s » enregistrées et publiées ; elles sont "
                    "conservées dans l'historique de la fiche."
                )
            else:
                text = _("Modifications de « %(name)s » enregistrées.")
            messages.success(request, text % {"name": solution.name})
            return redirect("catalogue:my_solutions")
    return _form_page(request, form, solution=solution, status=status)


@login_required
@require_POST
def solution_preview(request):
    """The description as it will be shown, for htmx's "Aperçu" button."""
    return render(
        request,
        "catalogue/includes/vendor_preview.html",
        {"preview": render_markdown(request.POST.get("description", ""))},
    )


@login_required
@require_POST
def solution_submit(request, slug: str):
    solution = selectors.get_solution_for_user(request.user, slug)
    if not can(request.user, Action.SUBMIT, solution):
        raise PermissionDenied
    try:
        services.solution_transition(
            actor=request.user, solution=solution, transition="submit", request=request
        )
    except services.WorkflowError as error:
        return refused(
            request,
            _("« %(name)s » ne peut pas être soumise : %(reason)s")
            % {"name": solution.name, "reason": error},
            back=reverse("catalogue:my_solutions"),
            crumbs=my_crumbs((solution.name, None)),
        )
    messages.success(
        request,
        _(
            "« %(name)s » est soumise à l'équipe programme. Vous recevrez un e-mail à "
            "chaque décision."
        )
        % {"name": solution.name},
    )
    return redirect("catalogue:my_solutions")
