"""Writes of the sandbox: uploads, schema, grants, access log, scans, pseudonymisation, runs."""

import hashlib
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citeia.core.permissions import Action, can

from . import crypto, storage
from .ingest import (
    TableRefused,
    infer_schema,
    read_frame,
    read_sample,
    validate_csv,
    validate_parquet,
)
from .loaders import ModelRefused, inspect_onnx, inspect_skops, onnx_input_columns
from .models import (
    ENCRYPTED_SENSITIVITIES,
    AccessAction,
    ColumnRole,
    ColumnType,
    Dataset,
    DatasetAccess,
    DatasetFormat,
    DatasetGrant,
    ModelFormat,
    ModelTask,
    Run,
    RunStatus,
    SandboxModel,
    ScanStatus,
    Sensitivity,
)

logger = logging.getLogger(__name__)


class UploadTooLarge(ValidationError):
    """An upload over the size limit (the view answers 413)."""


def _require_editor(user, organisation) -> None:
    if not can(user, Action.CREATE, organisation):
        raise PermissionDenied(
            _("Seuls les éditeurs et gestionnaires de l'organisation peuvent faire cela.")
        )


def _copy_limited(chunks, destination: Path, limit: int, *, field: str) -> tuple[int, str]:
    """Stream the upload to disk, never more than `limit` bytes; returns (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    with destination.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                out.close()
                destination.unlink(missing_ok=True)
                raise UploadTooLarge(
                    {
                        field: _("Le fichier dépasse la taille maximale de %(mb)s Mo.")
                        % {"mb": limit // (1024 * 1024)}
                    }
                )
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        destination.unlink(missing_ok=True)
        raise ValidationError({field: _("Le fichier est vide.")})
    return size, digest.hexdigest()


def log_access(dataset: Dataset, user, action: str, *, via: str = "web", detail: str = "") -> None:
    DatasetAccess.objects.create(
        dataset=dataset,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        via=via,
        detail=detail[:300],
    )


# --- Datasets ---------------------------------------------------------------------------


def dataset_upload(
    *,
    user,
    organisation,
    name: str,
    upload,
    sensitivity: str,
    description: str = "",
    retention_until: date | None = None,
    is_demo: bool = False,
) -> Dataset:
    """Validate the file (streamed to disk), encrypt it if personal, infer the schema,
    and queue the personal-data scan. Nothing is saved if the file is refused."""
    _require_editor(user, organisation)
    original = Path(upload.name or "donnees.csv").name[:255]
    suffix = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if suffix not in ("csv", "parquet", "txt", "tsv"):
        raise ValidationError(
            {"file": _("Format non pris en charge : déposez un fichier CSV ou Parquet.")}
        )
    fmt = DatasetFormat.PARQUET if suffix == "parquet" else DatasetFormat.CSV
    work = storage.temp_dir()
    try:
        plain = work / f"upload.{fmt}"
        size, _digest = _copy_limited(
            upload.chunks(), plain, settings.SANDBOX_MAX_UPLOAD_BYTES, field="file"
        )
        try:
            info = validate_parquet(plain) if fmt == DatasetFormat.PARQUET else validate_csv(plain)
            schema = infer_schema(read_sample(plain, fmt, info["separator"]))
        except TableRefused as exc:
            raise ValidationError({"file": str(exc)}) from exc
        except (ValueError, OSError) as exc:
            raise ValidationError(
                {"file": _("Fichier illisible : %(error)s") % {"error": str(exc)[:200]}}
            ) from exc
        encrypted = sensitivity in ENCRYPTED_SENSITIVITIES
        stored_name = storage.new_name(".enc" if encrypted else f".{fmt}")
        destination = storage.directory("datasets") / stored_name
        if encrypted:
            with plain.open("rb") as handle:
                crypto.encrypt_stream(
                    iter(lambda: handle.read(crypto.CHUNK), b""), destination, storage.key()
                )
        else:
            plain.replace(destination)
        destination.chmod(0o600)
    finally:
        storage.remove(work)
    with transaction.atomic():
        dataset = Dataset.objects.create(
            name=name,
            description=description,
            organisation=organisation,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            sensitivity=sensitivity,
            format=fmt,
            original_name=original,
            stored_name=stored_name,
            size_bytes=size,
            encrypted=encrypted,
            csv_separator=info["separator"],
            row_count=info["rows"],
            schema=schema,
            retention_until=retention_until
            or (timezone.localdate() + timedelta(days=settings.SANDBOX_RETENTION_DAYS)),
            is_demo=is_demo,
        )
        _queue_scan(dataset)
    return dataset


def _queue_scan(dataset: Dataset) -> None:
    from .tasks import scan_dataset

    transaction.on_commit(lambda: scan_dataset.enqueue(dataset.pk))


def load_frame(dataset: Dataset):
    work = storage.temp_dir()
    try:
        return read_frame(storage.plaintext(dataset, work), dataset.format, dataset.csv_separator)
    finally:
        storage.remove(work)


def dataset_scan(*, dataset_id: int, frame=None) -> str:
    """Personal-data scan (task body): column names, then Presidio on text values."""
    from . import pii

    dataset = Dataset.objects.get(pk=dataset_id)
    if not dataset.available:
        return "deleted"
    try:
        if frame is None:
            work = storage.temp_dir()
            try:
                frame = read_sample(
                    storage.plaintext(dataset, work), dataset.format, dataset.csv_separator, 2000
                )
            finally:
                storage.remove(work)
        report = pii.scan(frame)
        for entry in report["columns"]:
            entry["suggested_action"] = pii.suggested_action(entry)
        status = ScanStatus.DONE
    except Exception as exc:  # a scan failure must not lose the dataset; it is reported
        logger.exception("PII scan failed for dataset %s", dataset_id)
        report = {"error": str(exc)[:300]}
        status = ScanStatus.FAILED
    Dataset.objects.filter(pk=dataset_id).update(pii_report=report, pii_status=status)
    return status


VALID_TYPES = set(ColumnType.values)
VALID_ROLES = set(ColumnRole.values)


@transaction.atomic
def dataset_update(
    *,
    user,
    dataset: Dataset,
    schema_changes: dict[str, dict[str, str]],
    name: str | None = None,
    sensitivity: str | None = None,
    retention_until: date | None = None,
) -> Dataset:
    if not can(user, Action.CHANGE, dataset):
        raise PermissionDenied
    errors = {}
    schema = []
    for column in dataset.schema:
        change = schema_changes.get(column["name"], {})
        column_type = change.get("type", column["type"])
        role = change.get("role", column["role"])
        if column_type not in VALID_TYPES or role not in VALID_ROLES:
            errors[column["name"]] = _("Type ou rôle inconnu.")
        schema.append({**column, "type": column_type, "role": role})
    if errors:
        raise ValidationError(errors)
    if sum(1 for c in schema if c["role"] == ColumnRole.TARGET) > 1:
        raise ValidationError({"schema": _("Une seule colonne peut être la cible.")})
    dataset.schema = schema
    if name:
        dataset.name = name
    if retention_until:
        dataset.retention_until = retention_until
    if sensitivity and sensitivity != dataset.sensitivity:
        if dataset.encrypted and sensitivity not in ENCRYPTED_SENSITIVITIES:
            raise ValidationError(
                {
                    "sensitivity": _(
                        "Un jeu chiffré reste personnel ou sensible : déposez-en une version anonymisée."
                    )
                }
            )
        if not dataset.encrypted and sensitivity in ENCRYPTED_SENSITIVITIES:
            _encrypt_in_place(dataset)
        dataset.sensitivity = sensitivity
    dataset.save()
    log_access(dataset, user, AccessAction.EDIT)
    return dataset


def _encrypt_in_place(dataset: Dataset) -> None:
    old = dataset.path
    stored_name = storage.new_name(".enc")
    destination = storage.directory("datasets") / stored_name
    with old.open("rb") as handle:
        crypto.encrypt_stream(
            iter(lambda: handle.read(crypto.CHUNK), b""), destination, storage.key()
        )
    destination.chmod(0o600)
    dataset.stored_name = stored_name
    dataset.encrypted = True
    transaction.on_commit(lambda: old.unlink(missing_ok=True))


@transaction.atomic
def dataset_grant(*, user, dataset: Dataset, organisation, expires_at: datetime) -> DatasetGrant:
    if not can(user, Action.MANAGE_MEMBERS, dataset):
        raise PermissionDenied
    if organisation.pk == dataset.organisation_id:
        raise ValidationError(
            {"organisation": _("Cette organisation possède déjà le jeu de données.")}
        )
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("La date d'expiration doit être dans le futur.")})
    grant = DatasetGrant.objects.create(
        dataset=dataset, organisation=organisation, granted_by=user, expires_at=expires_at
    )
    log_access(
        dataset, user, AccessAction.GRANT, detail=f"{organisation.name} → {expires_at:%Y-%m-%d}"
    )
    return grant


@transaction.atomic
def dataset_grant_revoke(*, user, grant: DatasetGrant) -> None:
    if not can(user, Action.MANAGE_MEMBERS, grant.dataset):
        raise PermissionDenied
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    log_access(grant.dataset, user, AccessAction.REVOKE, detail=grant.organisation.name)


def dataset_delete_file(dataset: Dataset, *, user=None, reason: str = "") -> None:
    dataset.path.unlink(missing_ok=True)
    Dataset.objects.filter(pk=dataset.pk).update(file_deleted_at=timezone.now())
    log_access(
        dataset, user, AccessAction.DELETE, via="task" if user is None else "web", detail=reason
    )


def dataset_purge_expired(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    expired = Dataset.objects.filter(retention_until__lt=today, file_deleted_at__isnull=True)
    count = 0
    for dataset in expired:
        dataset_delete_file(dataset, reason=_("Durée de conservation dépassée"))
        count += 1
    return count


def dataset_pseudonymise(
    *, user, dataset: Dataset, actions: dict[str, str], quasi_identifiers: list[str], name: str
) -> Dataset:
    """A pseudonymised copy, owned by the same organisation, with k-anonymity before/after."""
    from . import pii

    if not can(user, Action.CREATE, dataset.organisation):
        raise PermissionDenied
    unknown = [c for c in [*actions, *quasi_identifiers] if c not in dataset.columns()]
    if unknown:
        raise ValidationError(
            {"actions": _("Colonnes inconnues : %(c)s") % {"c": ", ".join(unknown)}}
        )
    bad = [a for a in actions.values() if a not in pii.ACTIONS]
    if bad:
        raise ValidationError({"actions": _("Traitement inconnu.")})
    frame = load_frame(dataset)
    out, report = pii.pseudonymise(
        frame, actions, key=storage.hash_key(dataset.public_id), quasi=quasi_identifiers
    )
    report["source"] = str(dataset.public_id)
    work = storage.temp_dir()
    try:
        plain = work / "pseudonymised.csv"
        out.to_csv(plain, index=False)
        stored_name = storage.new_name(".enc")
        destination = storage.directory("datasets") / stored_name
        with plain.open("rb") as handle:
            size = crypto.encrypt_stream(
                iter(lambda: handle.read(crypto.CHUNK), b""), destination, storage.key()
            )
        destination.chmod(0o600)
    finally:
        storage.remove(work)
    kept_schema = {c["name"]: c for c in dataset.schema}
    sample_schema = infer_schema(out.head(10_000))
    schema = []
    for column in sample_schema:
        previous = kept_schema.get(column["name"], {})
        role = previous.get("role", column["role"])
        if actions.get(column["name"]) == "hash":
            role = ColumnRole.IDENTIFIER
        schema.append({**column, "role": role})
    with transaction.atomic():
        # Pseudonymised data are still personal data (GDPR recital 26): kept encrypted.
        copy = Dataset.objects.create(
            name=name,
            description=dataset.description,
            organisation=dataset.organisation,
            created_by=user,
            sensitivity=Sensitivity.SENSITIVE
            if dataset.sensitivity == Sensitivity.SENSITIVE
            else Sensitivity.PERSONAL,
            format=DatasetFormat.CSV,
            original_name=f"{Path(dataset.original_name).stem}-pseudonymise.csv",
            stored_name=stored_name,
            size_bytes=size,
            encrypted=True,
            csv_separator=",",
            row_count=len(out),
            schema=schema,
            parent=dataset,
            pseudonymisation=report,
            retention_until=dataset.retention_until,
            is_demo=dataset.is_demo,
        )
        log_access(dataset, user, AccessAction.PSEUDONYMISE, detail=str(copy.public_id))
        _queue_scan(copy)
    return copy


# --- Models -----------------------------------------------------------------------------


def model_upload(
    *,
    user,
    organisation,
    name: str,
    upload,
    fmt: str,
    task: str,
    description: str = "",
    declared_columns: list[str] | None = None,
    classes: list[str] | None = None,
    is_demo: bool = False,
) -> SandboxModel:
    _require_editor(user, organisation)
    if fmt not in ModelFormat.values:
        raise ValidationError({"format": _("Format inconnu.")})
    if task not in ModelTask.values:
        raise ValidationError({"task": _("Tâche inconnue.")})
    stored_name = storage.new_name(f".{fmt}")
    destination = storage.directory("models") / stored_name
    size, digest = _copy_limited(
        upload.chunks(), destination, settings.SANDBOX_MAX_MODEL_BYTES, field="file"
    )
    try:
        if fmt == ModelFormat.ONNX:
            info = inspect_onnx(destination)
            columns = onnx_input_columns(info, declared_columns or [])
            found_classes = list(classes or [])
        else:
            info = inspect_skops(destination)
            columns = info["columns"]
            found_classes = info["classes"]
    except ModelRefused as exc:
        destination.unlink(missing_ok=True)
        raise ValidationError({"file": str(exc)}) from exc
    except Exception:
        destination.unlink(missing_ok=True)
        raise
    if (
        task != ModelTask.REGRESSION
        and found_classes
        and task == ModelTask.BINARY
        and len(found_classes) > 2
    ):
        destination.unlink(missing_ok=True)
        raise ValidationError(
            {
                "task": _(
                    "Ce modèle prédit %(n)s classes : choisissez « classification multi-classe »."
                )
                % {"n": len(found_classes)}
            }
        )
    destination.chmod(0o600)
    return SandboxModel.objects.create(
        name=name,
        description=description,
        organisation=organisation,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        format=fmt,
        task=task,
        original_name=Path(upload.name or "modele").name[:255],
        stored_name=stored_name,
        size_bytes=size,
        sha256=digest,
        input_columns=columns,
        classes=[c if isinstance(c, (int, float, str, bool)) else str(c) for c in found_classes],
        details=info,
        is_demo=is_demo,
    )


# --- Runs -------------------------------------------------------------------------------

SECTIONS = ("performance", "fairness", "explainability", "robustness", "latency", "energy")


def dataset_usable_by(dataset: Dataset, organisation) -> bool:
    if dataset.organisation_id == organisation.pk:
        return True
    return DatasetGrant.objects.filter(
        dataset=dataset,
        organisation=organisation,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def run_create(
    *,
    user,
    dataset: Dataset,
    model: SandboxModel,
    target: str,
    positive_label: str = "",
    sensitive: list[str] | None = None,
    control: list[str] | None = None,
    sections: list[str] | None = None,
    is_demo: bool = False,
    via: str = "web",
    assessment_file=None,
) -> Run:
    organisation = model.organisation
    _require_editor(user, organisation)
    if assessment_file is not None and assessment_file.organisation_id != organisation.pk:
        raise ValidationError(
            {
                "assessment_file": _(
                    "Ce dossier d'évaluation appartient à une autre organisation que le modèle."
                )
            }
        )
    if not dataset_usable_by(dataset, organisation):
        log_access(dataset, user, AccessAction.REFUSED, via=via, detail=organisation.name)
        raise PermissionDenied(
            _("Votre organisation n'a pas (ou plus) d'accès à ce jeu de données.")
        )
    if not dataset.available:
        raise ValidationError({"dataset": _("Le fichier de ce jeu de données a été supprimé.")})
    columns = dataset.columns()
    errors: dict[str, Any] = {}
    missing = [c for c in model.input_columns if c not in columns]
    if missing:
        errors["model"] = _(
            "Les entrées du modèle ne correspondent pas au jeu de données : colonnes absentes : %(cols)s."
        ) % {"cols": ", ".join(missing)}
    if target not in columns:
        errors["target"] = _("Choisissez la colonne cible parmi les colonnes du jeu de données.")
    elif target in model.input_columns:
        errors["target"] = _("La cible ne peut pas être une entrée du modèle.")
    sensitive = [s for s in (sensitive or []) if s]
    control = [c for c in (control or []) if c]
    if len(sensitive) > 2:
        errors["sensitive"] = _("Choisissez au plus deux attributs sensibles.")
    for name in (*sensitive, *control):
        if name not in columns:
            errors["sensitive"] = _("Colonne inconnue : %(c)s.") % {"c": name}
    if model.task != ModelTask.REGRESSION and not positive_label:
        errors["positive_label"] = _("Indiquez la classe positive (la décision favorable).")
    sections = [s for s in (sections or SECTIONS) if s in SECTIONS]
    if not sections:
        errors["sections"] = _("Choisissez au moins une analyse.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        run = Run.objects.create(
            organisation=organisation,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            dataset=dataset,
            model=model,
            config={
                "task": model.task,
                "target": target,
                "positive_label": positive_label,
                "features": list(model.input_columns),
                "sensitive": sensitive,
                "control": control,
                "sections": sections,
            },
            is_demo=is_demo,
            assessment_file=assessment_file,
        )
        log_access(dataset, user, AccessAction.RUN, via=via, detail=str(run.public_id))
        from .tasks import execute_run

        transaction.on_commit(lambda: execute_run.enqueue(run.pk))
    return run


def run_mark(run_id: int, **fields) -> None:
    Run.objects.filter(pk=run_id).update(**fields)


def run_fail(run_id: int, reason: str) -> None:
    run_mark(run_id, status=RunStatus.FAILED, failure_reason=reason, finished_at=timezone.now())
