"""Assessment files: "Mes évaluations", a new system file, a solution's file, the file page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _

from citeia.accounts.models import Organisation
from citeia.catalogue.models import Solution
from citeia.core.permissions import Action, can
from citeia.sandbox import selectors as sandbox_selectors

from .. import selectors, services
from ..forms import ObligationCheckForm, SystemFileForm
from ..models import AssessmentStatus, FileKind, Fria

INVALID = 422

PRINCIPLE_BLOCKS = {
    "frugality_block": "assessment/principles/includes/file_frugality.html",
    "trust_block": "assessment/principles/includes/file_trust.html",
}


def crumbs(*last):
    return [(_("Évaluations"), reverse("assessment:my_files") if last else None), *last]


def file_crumbs(file, *last):
    return crumbs((file.name, file.get_absolute_url() if last else None), *last)


def writable_organisations(user):
    roles = user.active_roles()
    candidates = Organisation.objects.filter(pk__in=list(roles)).order_by("name")
    return Organisation.objects.filter(
        pk__in=[org.pk for org in candidates if can(user, Action.CREATE, org)]
    ).order_by("name")


@login_required
def my_files(request):
    files = list(selectors.files_for_user(request.user))
    return render(
        request,
        "assessment/my_files.html",
        {
            "rows": selectors.summaries(files),
            "solutions_without_file": selectors.solutions_without_file(request.user),
            "may_create": writable_organisations(request.user).exists(),
            "crumbs": crumbs(),
        },
    )


@login_required
def system_new(request):
    organisations = writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = SystemFileForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                file = services.file_for_system(
                    organisation=form.cleaned_data["organisation"],
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                services.ai_act_start(file=file, user=request.user)
                return redirect("assessment:ai_act_next", pk=file.pk)
        status = INVALID
    return render(
        request,
        "assessment/system_new.html",
        {"form": form, "crumbs": crumbs((_("Évaluer un système"), None))},
        status=status,
    )


def solution_file(request, solution_pk: int):
    """A catalogue solution's file; its first visit by someone who may assess it opens one."""
    solution = get_object_or_404(Solution.objects.select_related("vendor"), pk=solution_pk)
    file = selectors.file_for_solution(solution)
    if file is not None:
        return redirect(file)
    may_assess = can(request.user, Action.CHANGE, solution) or can(
        request.user, Action.EVALUATE, solution
    )
    if not may_assess:
        raise Http404
    if request.method == "POST":
        file = services.file_for_solution_get_or_create(solution=solution, user=request.user)
        services.ai_act_start(file=file, user=request.user)
        return redirect("assessment:ai_act_next", pk=file.pk)
    return render(
        request,
        "assessment/solution_start.html",
        {"solution": solution, "crumbs": crumbs((solution.name, None))},
    )


def _principle_blocks() -> dict:
    found = {}
    for key, name in PRINCIPLE_BLOCKS.items():
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found[key] = name
    return found


def file_detail(request, pk: int):
    file = selectors.get_file_for_user(request.user, pk)
    details = selectors.can_read_details(request.user, file)
    may_write = selectors.can_write(request.user, file)
    current = file.current_ai_act
    completed = current if current and current.status == AssessmentStatus.COMPLETED else None
    draft = services.ai_act_draft(file) if details else None
    checks = []
    if completed is not None and details:
        # In the order of the result (by article number), not alphabetical.
        order = [item["article"] for item in completed.result.get("obligations", [])]
        obligations = {item["article"]: item for item in completed.result.get("obligations", [])}
        rows = sorted(
            completed.obligation_checks.select_related("checked_by"),
            key=lambda check: order.index(check.article) if check.article in order else len(order),
        )
        for check in rows:
            checks.append(
                (
                    check,
                    obligations.get(check.article),
                    ObligationCheckForm(instance=check, prefix=f"check-{check.pk}"),
                )
            )
    fria = Fria.objects.filter(file=file).first() if details else None
    return render(
        request,
        "assessment/file_detail.html",
        {
            "file": file,
            "summary": selectors.file_summary(file),
            "details": details,
            "may_write": may_write,
            "completed": completed,
            "draft": draft,
            "checks": checks,
            "fria": fria,
            "fria_required": bool(completed and completed.result.get("fria_required")),
            "history": selectors.history(file) if details else [],
            "sandbox_runs": [
                run
                for run in (sandbox_selectors.runs_for_assessment_file(file) if details else [])
                if can(request.user, Action.VIEW, run)
            ],
            "is_solution": file.kind == FileKind.SOLUTION,
            **(_principle_blocks() if details else {}),
            "crumbs": file_crumbs(file),
        },
    )
