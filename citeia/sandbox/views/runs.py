"""Run pages: create, follow (htmx polling), read the results, JSON and PDF report."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import report, selectors, services
from ..forms import RunForm
from .common import INVALID, crumbs, service_errors


def _models_for(user):
    organisations = selectors.writable_organisations(user)
    return list(selectors.models_for_user(user).filter(organisation__in=organisations))


@login_required
def run_create(request, pk):
    """An evaluation of one of the user's models on this dataset."""
    dataset = selectors.get_dataset_for_user(request.user, pk, log=False)
    models = _models_for(request.user)
    page_crumbs = crumbs(
        (dataset.name, reverse("sandbox:dataset_detail", args=[pk])),
        (_("Nouvelle évaluation"), None),
    )
    if not models:
        return render(
            request,
            "sandbox/run_form.html",
            {"form": None, "dataset": dataset, "crumbs": page_crumbs},
        )
    files = {str(f.pk): f for f in selectors.assessment_files_for(request.user)}
    form = RunForm(
        request.POST or None,
        dataset=dataset,
        models=models,
        files=files.values(),
        initial={"model": request.GET.get("modele"), "assessment_file": request.GET.get("dossier")},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            model = next(m for m in models if str(m.public_id) == data["model"])
            try:
                run = services.run_create(
                    user=request.user,
                    dataset=dataset,
                    model=model,
                    target=data["target"],
                    positive_label=data["positive_label"].strip(),
                    sensitive=data["sensitive"],
                    control=data["control"],
                    sections=data["sections"],
                    assessment_file=files.get(data["assessment_file"]),
                )
            except PermissionDenied as exc:
                form.add_error("model", str(exc))
                status = 403
            except ValidationError as exc:
                service_errors(form, exc)
                status = INVALID
            else:
                return redirect("sandbox:run_detail", pk=run.public_id)
        else:
            status = INVALID
    return render(
        request,
        "sandbox/run_form.html",
        {"form": form, "dataset": dataset, "crumbs": page_crumbs},
        status=status,
    )


@login_required
def run_detail(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    context = {
        "run": run,
        "report": report.build(run) if run.status == "succeeded" else None,
        "crumbs": crumbs((str(run), None)),
    }
    if request.htmx:
        if not run.finished:
            return render(request, "sandbox/includes/run_status.html", context)
        # Finished: the whole page reloads to show the results.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "sandbox/run_detail.html", context)


@login_required
def run_results_json(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    if run.status != "succeeded":
        raise Http404
    response = HttpResponse(
        json.dumps(run.results, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.public_id}.json"'
    return response


@login_required
def run_pdf(request, pk):
    run = selectors.get_run_for_user(request.user, pk)
    if run.status != "succeeded":
        raise Http404
    response = HttpResponse(report.pdf(run, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.public_id}.pdf"'
    return response
