"""Reads of the sandbox, and the one access helper per object type."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from citeia.core.permissions import Action, can

from .models import AccessAction, Dataset, DatasetGrant, Run, RunStatus, SandboxModel


def _active_grants(dataset: Dataset):
    return [
        grant
        for grant in dataset.grants.all()
        if grant.revoked_at is None and grant.expires_at > timezone.now()
    ]


def can_view_dataset(user, dataset: Dataset) -> bool:
    return can(user, Action.VIEW, dataset) or any(
        can(user, Action.VIEW, grant) for grant in _active_grants(dataset)
    )


def _get(model, pk):
    try:
        return model.objects.select_related("organisation").get(public_id=pk)
    except (model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def get_dataset_for_user(
    user, pk, *, write: bool = False, via: str = "web", log: bool = True
) -> Dataset:
    """The dataset if the user may see it (owner organisation or an active grant); each
    access is logged, refusals too. Writing is for the owner organisation's editors."""
    from .services import log_access

    dataset = _get(Dataset, pk)
    allowed = can(user, Action.CHANGE, dataset) if write else can_view_dataset(user, dataset)
    if not allowed:
        if getattr(user, "is_authenticated", False):
            log_access(dataset, user, AccessAction.REFUSED, via=via)
        if can_view_dataset(user, dataset):
            raise PermissionDenied
        raise Http404
    if log and not write:
        log_access(dataset, user, AccessAction.VIEW, via=via)
    return dataset


def get_model_for_user(user, pk, *, write: bool = False) -> SandboxModel:
    model = _get(SandboxModel, pk)
    if not can(user, Action.CHANGE if write else Action.VIEW, model):
        raise Http404
    return model


def get_run_for_user(user, pk, *, write: bool = False) -> Run:
    try:
        run = Run.objects.select_related("organisation", "dataset", "model").get(public_id=pk)
    except (Run.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not can(user, Action.CHANGE if write else Action.VIEW, run):
        raise Http404
    return run


def _organisation_ids(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(user.active_roles())


def datasets_for_user(user):
    ids = _organisation_ids(user)
    granted = DatasetGrant.objects.filter(
        organisation_id__in=ids, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).values("dataset_id")
    return (
        Dataset.objects.filter(Q(organisation_id__in=ids) | Q(pk__in=granted))
        .select_related("organisation")
        .distinct()
    )


def models_for_user(user):
    return SandboxModel.objects.filter(organisation_id__in=_organisation_ids(user)).select_related(
        "organisation"
    )


def runs_for_user(user):
    return Run.objects.filter(organisation_id__in=_organisation_ids(user)).select_related(
        "organisation", "dataset", "model"
    )


def writable_organisations(user):
    from citeia.accounts.models import Organisation

    ids = (
        [pk for pk, role in user.active_roles().items() if role in ("editor", "manager")]
        if getattr(user, "is_authenticated", False)
        else []
    )
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def assessment_files_for(user):
    """Assessment files a run may be attached to: those of the user's organisations."""
    from citeia.assessment.selectors import files_for_user

    return list(files_for_user(user)[:500])


def runs_for_assessment_file(file):
    """Runs attached to an assessment file, newest first (whoever may read the file)."""
    return list(
        Run.objects.filter(assessment_file=file)
        .select_related("model", "dataset")
        .order_by("-created_at")[:50]
    )


def energy_measurement(file) -> dict | None:
    """The latest energy measurement of a run attached to `file`, per prediction, with the
    PUE it includes taken out (the frugality estimate applies its own): None if none."""
    for run in Run.objects.filter(assessment_file=file, status=RunStatus.SUCCEEDED).order_by(
        "-finished_at", "-pk"
    ):
        energy = (run.results or {}).get("energy") or {}
        per_thousand = energy.get("kwh_per_1000_predictions")
        if isinstance(per_thousand, int | float) and per_thousand > 0:
            pue = energy.get("pue") or 1
            # kWh per 1,000 predictions is numerically Wh per prediction.
            return {
                "run": run,
                "wh_per_prediction": per_thousand,
                "it_wh_per_prediction": float(f"{per_thousand / pue:.6g}"),
                "pue": pue,
                "method": energy.get("method", ""),
                "date": run.finished_at,
            }
    return None
