"""Datasets, their access grants and log, models and evaluation runs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("Publiques")
    INTERNAL = "internal", _("Internes")
    PERSONAL = "personal", _("Personnelles")
    SENSITIVE = "sensitive", _("Sensibles (article 9 du RGPD)")


ENCRYPTED_SENSITIVITIES = {Sensitivity.PERSONAL, Sensitivity.SENSITIVE}


class DatasetFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PARQUET = "parquet", "Parquet"


class ColumnRole(models.TextChoices):
    FEATURE = "feature", _("Variable d'entrée")
    TARGET = "target", _("Cible")
    SENSITIVE = "sensitive", _("Attribut sensible")
    IDENTIFIER = "identifier", _("Identifiant")
    IGNORE = "ignore", _("Ignorée")


class ColumnType(models.TextChoices):
    INTEGER = "integer", _("Entier")
    FLOAT = "float", _("Décimal")
    CATEGORY = "category", _("Catégorie")
    TEXT = "text", _("Texte libre")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Booléen")


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Analyse en attente")
    DONE = "done", _("Analyse terminée")
    FAILED = "failed", _("Analyse échouée")


class Dataset(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sandbox_datasets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sensitivity = models.CharField(
        _("sensibilité"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.INTERNAL
    )
    format = models.CharField(max_length=10, choices=DatasetFormat.choices)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    size_bytes = models.BigIntegerField(default=0)
    encrypted = models.BooleanField(default=False)
    csv_separator = models.CharField(max_length=1, blank=True)
    row_count = models.BigIntegerField(default=0)
    schema = models.JSONField(default=list)
    pii_status = models.CharField(
        max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    pii_report = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived"
    )
    pseudonymisation = models.JSONField(default=dict, blank=True)
    retention_until = models.DateField(_("conserver jusqu'au"))
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    is_public = False  # a dataset is never public: owner and grantees only

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation(self):
        return self.organisation

    @property
    def path(self):
        return settings.SANDBOX_DIR / "datasets" / self.stored_name

    @property
    def available(self) -> bool:
        return self.file_deleted_at is None

    def columns(self) -> list[str]:
        return [column["name"] for column in self.schema]

    def columns_with_role(self, role: str) -> list[str]:
        return [column["name"] for column in self.schema if column.get("role") == role]


class DatasetGrant(models.Model):
    """Another organisation may read the dataset (and run models on it) until `expires_at`."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="sandbox_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    is_public = False

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset} → {self.organisation}"

    @property
    def owner_organisation(self):
        # For `can(user, VIEW, grant)`: members of the grantee organisation.
        return self.organisation

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AccessAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    DOWNLOAD = "download", _("Téléchargement")
    RUN = "run", _("Évaluation")
    PSEUDONYMISE = "pseudonymise", _("Pseudonymisation")
    EDIT = "edit", _("Modification du schéma")
    GRANT = "grant", _("Accès accordé")
    REVOKE = "revoke", _("Accès retiré")
    REFUSED = "refused", _("Accès refusé")
    DELETE = "delete", _("Suppression du fichier")


class DatasetAccess(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    via = models.CharField(max_length=10, default="web")
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.at:%Y-%m-%d %H:%M}"


class ModelFormat(models.TextChoices):
    ONNX = "onnx", "ONNX"
    SKOPS = "skops", "skops (scikit-learn)"


class ModelTask(models.TextChoices):
    BINARY = "binary", _("Classification binaire")
    MULTICLASS = "multiclass", _("Classification multi-classe")
    REGRESSION = "regression", _("Régression")


class SandboxModel(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sandbox_models"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=10, choices=ModelFormat.choices)
    task = models.CharField(_("tâche"), max_length=12, choices=ModelTask.choices)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    input_columns = models.JSONField(default=list)
    classes = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    is_public = False

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("modèle")

    def __str__(self) -> str:
        return self.name

    @property
    def owner_organisation(self):
        return self.organisation

    @property
    def path(self):
        return settings.SANDBOX_DIR / "models" / self.stored_name


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("En file d'attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Terminée")
    FAILED = "failed", _("Échouée")


class Run(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="sandbox_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="runs")
    model = models.ForeignKey(SandboxModel, on_delete=models.PROTECT, related_name="runs")
    config = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    failure_reason = models.TextField(blank=True)
    results = models.JSONField(default=dict, blank=True)
    peak_memory_mb = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    # The assessment file (a catalogue solution or a system in use) this run measures: its
    # energy figures then replace the declared ones in the frugality estimate.
    assessment_file = models.ForeignKey(
        "assessment.AssessmentFile",
        verbose_name=_("dossier d'évaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sandbox_runs",
    )

    is_public = False

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("évaluation")

    def __str__(self) -> str:
        return f"{self.model} × {self.dataset}"

    @property
    def owner_organisation(self):
        return self.organisation

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)
