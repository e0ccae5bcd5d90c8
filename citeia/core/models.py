from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Last sign of life of each task worker, written by `run_worker`, read by /healthz."""

    worker_id = models.CharField(_("identifiant du worker"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("processus"))
    started_at = models.DateTimeField(_("démarré le"))
    last_seen = models.DateTimeField(_("dernier signe de vie"), db_index=True)

    class Meta:
        verbose_name = _("battement de cœur de worker")
        verbose_name_plural = _("battements de cœur de workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class SearchDocument(models.Model):
    """The searchable text of one object of any model, by weight (A most important).

    Written only by `citeia.core.search` (ADR 0012). On PostgreSQL `vector` holds the
    weighted `tsvector` (GIN index created by migration 0003); on SQLite `vector` stays
    empty and the stems live in the FTS5 table `core_searchdocument_fts` and their
    scores in `core_searchdocument_rank` (migration 0003), both keyed by this row's id.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("identifiant de l'objet"))
    text_a = models.TextField(_("texte de poids A"), blank=True)
    text_b = models.TextField(_("texte de poids B"), blank=True)
    text_c = models.TextField(_("texte de poids C"), blank=True)
    text_d = models.TextField(_("texte de poids D"), blank=True)
    vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("indexé le"), auto_now=True)

    class Meta:
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="search_document_unique_object"
            )
        ]
        # The last indexing of a model, read by the results caches' versions.
        indexes = [
            models.Index(fields=["content_type", "updated_at"], name="search_document_indexed")
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
