"""Espace de données et bac à sable — API. Registered in citeia/api.py under "/sandbox".

Every endpoint needs a personal API token (`Authorization: Bearer <token>`): datasets
and runs are never public.
"""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from citeia.accounts.auth import RequiredBearer
from citeia.accounts.models import Organisation
from citeia.core.api import ErrorOut, ValidationErrorOut

from . import report, selectors, services
from .models import ModelFormat, ModelTask, Sensitivity

router = Router(tags=["Bac à sable"], auth=RequiredBearer())
NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Slug = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=NO_NUL)]
CommaList = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
ERRORS = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: ValidationErrorOut | ErrorOut,
}


class ColumnOut(Schema):
    name: str
    type: str
    role: str


class DatasetOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    organisation: str
    sensitivity: str
    format: str
    rows: int = Field(validation_alias="row_count")
    encrypted: bool
    columns: list[ColumnOut] = Field(validation_alias="schema")
    pii_status: str
    pii_report: dict
    retention_until: date
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class ModelOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    organisation: str
    format: str
    task: str
    input_columns: list[str]
    classes: list
    sha256: str
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.slug


class RunIn(Schema):
    dataset: UUID
    model: UUID
    target: str = Field(max_length=200, pattern=r"^[^\x00]*$")
    positive_label: str = Field("", max_length=100, pattern=r"^[^\x00]*$")
    sensitive: list[str] = Field(default_factory=list, max_length=2)
    control: list[str] = Field(default_factory=list, max_length=20)
    sections: list[str] = Field(
        default_factory=lambda: list(services.SECTIONS), max_length=len(services.SECTIONS)
    )


class RunOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    status: str
    failure_reason: str
    dataset: UUID
    model: UUID
    config: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    results_url: str | None
    report_url: str | None

    @staticmethod
    def resolve_dataset(obj) -> UUID:
        return obj.dataset.public_id

    @staticmethod
    def resolve_model(obj) -> UUID:
        return obj.model.public_id

    @staticmethod
    def resolve_results_url(obj) -> str | None:
        return f"/api/sandbox/runs/{obj.public_id}/results" if obj.status == "succeeded" else None

    @staticmethod
    def resolve_report_url(obj) -> str | None:
        return (
            f"/api/sandbox/runs/{obj.public_id}/report.pdf" if obj.status == "succeeded" else None
        )


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise HttpError(404, _("Organisation inconnue : %(slug)s.") % {"slug": slug})
    return organisation


def _call(function):
    try:
        return function()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or _("Action non autorisée pour votre rôle.")) from exc
    except services.UploadTooLarge as exc:
        raise HttpError(413, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    except Http404 as exc:
        raise HttpError(404, _("Introuvable.")) from exc


@router.post("/datasets", response={201: DatasetOut, **ERRORS}, summary="Déposer un jeu de données")
def upload_dataset(
    request,
    file: File[UploadedFile],
    name: Form[Name],
    organisation: Form[Slug],
    sensitivity: Form[Sensitivity] = Sensitivity.PERSONAL,
    retention_until: Form[date | None] = None,
):
    """Multipart upload of a CSV (UTF-8) or Parquet file. The personal-data scan runs in
    the background: read `pii_status` and `pii_report` on the dataset afterwards."""
    org = _organisation(organisation)
    dataset = _call(
        lambda: services.dataset_upload(
            user=request.user,
            organisation=org,
            name=name,
            upload=file,
            sensitivity=sensitivity,
            retention_until=retention_until,
        )
    )
    return Status(201, dataset)


@router.get(
    "/datasets/{dataset_id}", response={200: DatasetOut, **ERRORS}, summary="Lire un jeu de données"
)
def get_dataset(request, dataset_id: UUID):
    return _call(lambda: selectors.get_dataset_for_user(request.user, dataset_id, via="api"))


@router.post(
    "/models", response={201: ModelOut, **ERRORS}, summary="Déposer un modèle (ONNX ou skops)"
)
def upload_model(
    request,
    file: File[UploadedFile],
    name: Form[Name],
    organisation: Form[Slug],
    format: Form[ModelFormat] = ModelFormat.ONNX,
    task: Form[ModelTask] = ModelTask.BINARY,
    input_columns: Form[CommaList | None] = None,
    classes: Form[CommaList | None] = None,
):
    """Pickle and joblib files are refused (422), as are skops files holding types outside
    the allow-list. `input_columns` and `classes` are comma-separated (ONNX only)."""
    from .forms import ModelUploadForm

    org = _organisation(organisation)
    model = _call(
        lambda: services.model_upload(
            user=request.user,
            organisation=org,
            name=name,
            upload=file,
            fmt=format,
            task=task,
            declared_columns=[str(c) for c in ModelUploadForm.split(input_columns or "")],
            classes=ModelUploadForm.split(classes or ""),
        )
    )
    return Status(201, model)


@router.post("/runs", response={201: RunOut, **ERRORS}, summary="Lancer une évaluation")
def create_run(request, payload: RunIn):
    """Queues the run; poll `GET /runs/{id}` until `status` is `succeeded` or `failed`."""
    dataset = _call(
        lambda: selectors.get_dataset_for_user(request.user, payload.dataset, via="api")
    )
    model = _call(lambda: selectors.get_model_for_user(request.user, payload.model))
    run = _call(
        lambda: services.run_create(
            user=request.user,
            dataset=dataset,
            model=model,
            target=payload.target,
            positive_label=payload.positive_label,
            sensitive=payload.sensitive,
            control=payload.control,
            sections=payload.sections,
            via="api",
        )
    )
    return Status(201, run)


@router.get("/runs/{run_id}", response={200: RunOut, **ERRORS}, summary="État d'une évaluation")
def get_run(request, run_id: UUID):
    return _call(lambda: selectors.get_run_for_user(request.user, run_id))


@router.get("/runs/{run_id}/results", response={200: dict, **ERRORS}, summary="Résultats (JSON)")
def get_results(request, run_id: UUID):
    """The results document described in docs/sandbox.md."""
    run = _call(lambda: selectors.get_run_for_user(request.user, run_id))
    if run.status != "succeeded":
        raise HttpError(404, _("Pas de résultats : l'évaluation n'est pas terminée avec succès."))
    return run.results


@router.get(
    "/runs/{run_id}/report.pdf",
    response={200: None, **ERRORS},
    summary="Rapport PDF",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def get_report(request, run_id: UUID):
    run = _call(lambda: selectors.get_run_for_user(request.user, run_id))
    if run.status != "succeeded":
        raise HttpError(404, _("Pas de rapport : l'évaluation n'est pas terminée avec succès."))
    response = HttpResponse(report.pdf(run, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.public_id}.pdf"'
    return response
