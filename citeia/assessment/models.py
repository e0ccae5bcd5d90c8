"""Assessment files: one per subject (a catalogue solution or a system a commune uses).

A file gathers the subject's AI Act assessment (facts, result, obligations checklist),
its FRIA, its frugality and trust assessments. Questionnaires for frugality and trust
are versioned data edited by administrators.
"""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FileKind(models.TextChoices):
    SOLUTION = "solution", _("Solution du catalogue")
    SYSTEM = "system", _("Système utilisé par une collectivité")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    COMPLETED = "completed", _("Terminée")


class FriaStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    COMPLETED = "completed", _("Terminée")
    NOTIFIED = "notified", _("Notifiée à l'autorité de surveillance")


class QuestionnaireKind(models.TextChoices):
    FRUGALITY = "frugality", _("Sobriété")
    TRUST = "trust", _("Confiance")


class AssessmentFile(models.Model):
    kind = models.CharField(_("type de sujet"), max_length=16, choices=FileKind.choices)
    # For a solution file, the solution assessed (one file per solution); for a system
    # file, the catalogue solution the system is built on, if any.
    solution = models.ForeignKey(
        "catalogue.Solution",
        verbose_name=_("solution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_files",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation responsable"),
        on_delete=models.PROTECT,
        related_name="assessment_files",
    )
    name = models.CharField(_("nom du système"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("À quoi sert le système, qui l'utilise, sur quelles données."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("dossier d'évaluation")
        verbose_name_plural = _("dossiers d'évaluation")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="system") | models.Q(solution__isnull=False),
                name="assessment_file_solution_set",
            ),
            models.UniqueConstraint(
                fields=["solution"],
                condition=models.Q(kind="solution"),
                name="assessment_file_one_per_solution",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:file_detail", args=[self.pk])

    @cached_property
    def current_ai_act(self) -> "AiActAssessment | None":
        """The latest completed AI Act assessment, else the latest draft."""
        rows = list(self.ai_act_assessments.order_by("-created_at", "-pk")[:20])
        for row in rows:
            if row.status == AssessmentStatus.COMPLETED:
                return row
        return rows[0] if rows else None

    # Permission protocol (core.permissions).
    @property
    def owner_organisation(self):
        return self.organisation

    @property
    def is_public(self) -> bool:
        # A system file is never public here: the register publishes systems.
        if self.kind != FileKind.SOLUTION or self.solution is None:
            return False
        current = self.current_ai_act
        return (
            self.solution.is_public
            and current is not None
            and current.status == AssessmentStatus.COMPLETED
        )

    in_review = False
    publish_by_owner_manager = False


class AiActAssessment(models.Model):
    file = models.ForeignKey(
        AssessmentFile,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="ai_act_assessments",
    )
    facts = models.JSONField(
        _("faits"), default=dict, blank=True, help_text=_("Faits AI Act ; absent = inconnu.")
    )
    # Facts answered "je ne sais pas" (distinct from questions not yet asked).
    unknown_answers = models.JSONField(_("réponses « je ne sais pas »"), default=list, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    rule_set_version = models.CharField(_("version des règles"), max_length=40, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    current_step = models.CharField(_("question en cours"), max_length=64, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    needs_review = models.BooleanField(_("à revoir"), default=False)
    review_reason = models.TextField(_("motif de la revue"), blank=True)
    flagged_at = models.DateTimeField(_("signalée à revoir le"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("évaluation AI Act")
        verbose_name_plural = _("évaluations AI Act")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file} — {self.rule_set_version or '?'} ({self.get_status_display()})"

    @property
    def outcome(self) -> str | None:
        return self.result.get("outcome") if self.result else None


class ObligationCheck(models.Model):
    assessment = models.ForeignKey(
        AiActAssessment,
        verbose_name=_("évaluation"),
        on_delete=models.CASCADE,
        related_name="obligation_checks",
    )
    article = models.CharField(_("article"), max_length=40)
    done = models.BooleanField(_("fait"), default=False)
    evidence = models.TextField(
        _("preuve"),
        blank=True,
        help_text=_("Ce qui a été fait, par qui, où le trouver (délibération, procédure…)."),
    )
    evidence_url = models.URLField(_("lien vers la preuve"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cochée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("cochée le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suivi d'obligation")
        verbose_name_plural = _("suivis d'obligations")
        ordering = ["article"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "article"], name="obligation_check_unique_article"
            )
        ]

    def __str__(self) -> str:
        return self.article


class Fria(models.Model):
    """Fundamental rights impact assessment (Art. 27): the six parts of paragraph 1."""

    file = models.OneToOneField(
        AssessmentFile, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="fria"
    )
    processes = models.TextField(
        _("a) Processus dans lesquels le système est utilisé"),
        blank=True,
        help_text=_("Quelle démarche du service, à quelle étape, pour quelle décision."),
    )
    period_and_frequency = models.TextField(
        _("b) Période et fréquence d'utilisation"),
        blank=True,
        help_text=_("Depuis quand, jusqu'à quand, combien de fois par jour ou par mois."),
    )
    affected_categories = models.TextField(
        _("c) Catégories de personnes et groupes concernés"),
        blank=True,
        help_text=_("Qui est touché par les résultats : demandeurs, agents, familles…"),
    )
    specific_risks = models.TextField(
        _("d) Risques spécifiques de préjudice"),
        blank=True,
        help_text=_(
            "Risques pour ces personnes, en s'appuyant sur la notice du fournisseur (art. 13)."
        ),
    )
    human_oversight = models.TextField(
        _("e) Mise en œuvre du contrôle humain"),
        blank=True,
        help_text=_("Qui relit, qui peut passer outre, avec quelle formation."),
    )
    mitigation_and_complaints = models.TextField(
        _("f) Mesures si les risques se réalisent, gouvernance et réclamations"),
        blank=True,
        help_text=_("Ce qui est fait en cas de problème et comment une personne peut se plaindre."),
    )
    dpia_reference = models.CharField(
        _("référence de l'AIPD (RGPD)"),
        max_length=200,
        blank=True,
        help_text=_(
            "L'analyse d'impact relative à la protection des données existante, si elle couvre "
            "une partie de ces éléments (art. 27(4))."
        ),
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=FriaStatus.choices, default=FriaStatus.DRAFT
    )
    notified_on = models.DateField(
        _("notifiée le"),
        null=True,
        blank=True,
        help_text=_("Date de notification à l'autorité de surveillance du marché."),
    )
    eu_database_summary = models.TextField(
        _("résumé pour la base de données de l'UE"),
        blank=True,
        help_text=_("Résumé de la FRIA et de l'AIPD porté dans l'enregistrement (art. 49(3))."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mise à jour par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    PARTS = (
        "processes",
        "period_and_frequency",
        "affected_categories",
        "specific_risks",
        "human_oversight",
        "mitigation_and_complaints",
    )

    class Meta:
        verbose_name = _("analyse d'impact sur les droits fondamentaux (FRIA)")
        verbose_name_plural = _("analyses d'impact sur les droits fondamentaux (FRIA)")

    def __str__(self) -> str:
        return str(self.file)


class Questionnaire(models.Model):
    kind = models.CharField(_("type"), max_length=16, choices=QuestionnaireKind.choices)
    version = models.CharField(_("version"), max_length=40)
    content = models.JSONField(_("contenu"))
    is_current = models.BooleanField(_("version en vigueur"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    notes = models.TextField(_("notes de version"), blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["kind", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version"], name="questionnaire_unique_version"
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_current=True),
                name="questionnaire_one_current_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class FrugalityAssessment(models.Model):
    file = models.ForeignKey(
        AssessmentFile,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="frugality_assessments",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    usage = models.JSONField(_("usage déclaré"), default=dict, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    estimate = models.JSONField(_("estimation"), default=dict, blank=True)
    grade = models.CharField(_("note de sobriété"), max_length=1, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    needs_review = models.BooleanField(_("à revoir"), default=False)
    review_reason = models.TextField(_("motif de la revue"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("évaluation de sobriété")
        verbose_name_plural = _("évaluations de sobriété")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file} — {self.questionnaire}"


class TrustAssessment(models.Model):
    file = models.ForeignKey(
        AssessmentFile,
        verbose_name=_("dossier"),
        on_delete=models.CASCADE,
        related_name="trust_assessments",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    needs_review = models.BooleanField(_("à revoir"), default=False)
    review_reason = models.TextField(_("motif de la revue"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("évaluation de confiance")
        verbose_name_plural = _("évaluations de confiance")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file} — {self.questionnaire}"
