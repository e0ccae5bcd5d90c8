"""Dataset pages: list, upload, detail with the personal-data report, schema, grants,
pseudonymisation."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citeia.core.permissions import Action, can

from .. import selectors, services
from ..forms import ACTION_LABELS, DatasetUploadForm, GrantForm, PseudonymiseForm, SchemaForm
from ..models import DatasetGrant, ScanStatus
from .common import INVALID, TOO_LARGE, crumbs, request_too_large, service_errors, too_large_message


@login_required
def index(request):
    datasets = list(selectors.datasets_for_user(request.user)[:50])
    models = list(selectors.models_for_user(request.user)[:50])
    runs = list(selectors.runs_for_user(request.user)[:50])
    return render(
        request,
        "sandbox/index.html",
        {
            "datasets": datasets,
            "models": models,
            "runs": runs,
            "may_upload": selectors.writable_organisations(request.user).exists(),
            "crumbs": crumbs(),
        },
    )


def _upload_page(request, form, status=200):
    return render(
        request,
        "sandbox/dataset_upload.html",
        {"form": form, "crumbs": crumbs((_("Déposer un jeu de données"), None))},
        status=status,
    )


@login_required
def dataset_upload(request):
    organisations = selectors.writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Seuls les éditeurs et gestionnaires d'une organisation déposent des données.")
        )
    if request.method != "POST":
        return _upload_page(request, DatasetUploadForm(organisations=organisations))
    if request_too_large(request, settings.SANDBOX_MAX_UPLOAD_BYTES):
        form = DatasetUploadForm(organisations=organisations)
        form.add_error(None, too_large_message(settings.SANDBOX_MAX_UPLOAD_BYTES))
        return _upload_page(request, form, status=TOO_LARGE)
    form = DatasetUploadForm(request.POST, request.FILES, organisations=organisations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            dataset = services.dataset_upload(
                user=request.user,
                organisation=data["organisation"],
                name=data["name"],
                upload=data["file"],
                sensitivity=data["sensitivity"],
                description=data["description"],
                retention_until=data["retention_until"],
            )
        except services.UploadTooLarge as exc:
            service_errors(form, exc)
            return _upload_page(request, form, status=TOO_LARGE)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            return redirect("sandbox:dataset_detail", pk=dataset.public_id)
    return _upload_page(request, form, status=INVALID)


def _detail_context(request, dataset):
    may_manage = can(request.user, Action.MANAGE_MEMBERS, dataset)
    report = dataset.pii_report or {}
    for column in report.get("columns", []):
        column["suggested_label"] = ACTION_LABELS.get(column.get("suggested_action", "keep"))
    return {
        "dataset": dataset,
        "report": report,
        "scan_pending": dataset.pii_status == ScanStatus.PENDING,
        "may_change": can(request.user, Action.CHANGE, dataset),
        "may_manage": may_manage,
        "is_owner_member": can(request.user, Action.VIEW, dataset),
        "grants": list(dataset.grants.select_related("organisation")) if may_manage else [],
        "accesses": list(dataset.accesses.select_related("user")[:30]) if may_manage else [],
        "derived": list(dataset.derived.all()),
        "runs": list(selectors.runs_for_user(request.user).filter(dataset=dataset)[:20]),
        "grant_form": GrantForm(dataset=dataset) if may_manage else None,
        "now": timezone.now(),
        "crumbs": crumbs((dataset.name, None)),
    }


@login_required
def dataset_detail(request, pk):
    dataset = selectors.get_dataset_for_user(request.user, pk, log=not request.htmx)
    context = _detail_context(request, dataset)
    if request.htmx:
        return render(request, "sandbox/includes/pii_report.html", context)
    return render(request, "sandbox/dataset_detail.html", context)


@login_required
def dataset_schema(request, pk):
    dataset = selectors.get_dataset_for_user(request.user, pk, write=True)
    page_crumbs = crumbs(
        (dataset.name, reverse("sandbox:dataset_detail", args=[pk])), (_("Colonnes"), None)
    )
    if request.method != "POST":
        form = SchemaForm(schema=dataset.schema)
        return render(
            request,
            "sandbox/dataset_schema.html",
            {"form": form, "dataset": dataset, "crumbs": page_crumbs},
        )
    form = SchemaForm(request.POST, schema=dataset.schema)
    if form.is_valid():
        try:
            services.dataset_update(
                user=request.user, dataset=dataset, schema_changes=form.changes()
            )
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            return redirect("sandbox:dataset_detail", pk=pk)
    return render(
        request,
        "sandbox/dataset_schema.html",
        {"form": form, "dataset": dataset, "crumbs": page_crumbs},
        status=INVALID,
    )


@login_required
def dataset_grant(request, pk):
    dataset = selectors.get_dataset_for_user(request.user, pk, log=False)
    if not can(request.user, Action.MANAGE_MEMBERS, dataset):
        raise PermissionDenied
    page_crumbs = crumbs(
        (dataset.name, reverse("sandbox:dataset_detail", args=[pk])), (_("Accorder un accès"), None)
    )
    form = GrantForm(request.POST or None, dataset=dataset)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            expires = timezone.make_aware(
                datetime.combine(form.cleaned_data["expires_at"], time(23, 59, 59))
            )
            try:
                services.dataset_grant(
                    user=request.user,
                    dataset=dataset,
                    organisation=form.cleaned_data["organisation"],
                    expires_at=expires,
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                return redirect("sandbox:dataset_detail", pk=pk)
        status = INVALID
    return render(
        request,
        "sandbox/dataset_grant.html",
        {"form": form, "dataset": dataset, "crumbs": page_crumbs},
        status=status,
    )


@login_required
@require_POST
def grant_revoke(request, pk, grant_id):
    dataset = selectors.get_dataset_for_user(request.user, pk, log=False)
    try:
        grant = dataset.grants.get(pk=grant_id)
    except DatasetGrant.DoesNotExist as exc:
        raise Http404 from exc
    services.dataset_grant_revoke(user=request.user, grant=grant)
    return redirect("sandbox:dataset_detail", pk=pk)


@login_required
def dataset_pseudonymise(request, pk):
    dataset = selectors.get_dataset_for_user(request.user, pk, write=True)
    page_crumbs = crumbs(
        (dataset.name, reverse("sandbox:dataset_detail", args=[pk])), (_("Pseudonymiser"), None)
    )
    form = PseudonymiseForm(request.POST or None, dataset=dataset)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                copy = services.dataset_pseudonymise(
                    user=request.user,
                    dataset=dataset,
                    actions=form.actions(),
                    quasi_identifiers=form.cleaned_data["quasi"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                service_errors(form, exc)
            else:
                return redirect("sandbox:dataset_detail", pk=copy.public_id)
        status = INVALID
    return render(
        request,
        "sandbox/dataset_pseudonymise.html",
        {"form": form, "dataset": dataset, "crumbs": page_crumbs},
        status=status,
    )
