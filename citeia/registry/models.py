"""The public register of algorithms: records, their published versions, explanation
requests and error reports.

A `Record` is the organisation's working copy. What the public sees is never the working
copy but the latest `RecordVersion`, a frozen snapshot taken when the record was published
(or retired): drafting changes to a published record cannot leak.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Bump when the record's fields change meaning; every version keeps the one it was written under.
SCHEMA_VERSION = 1
SUMMARY_MAX_LENGTH = 280


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    PUBLISHED = "published", _("Publiée")
    RETIRED = "retired", _("Retirée")
    ARCHIVED = "archived", _("Archivée")


class Lifecycle(models.TextChoices):
    DEVELOPMENT = "development", _("En développement")
    PILOT = "pilot", _("En expérimentation")
    IN_USE = "in_use", _("En service")
    RETIRED = "retired", _("Arrêté")


class Theme(models.TextChoices):
    SOCIAL = "social", _("Action sociale et solidarités")
    EDUCATION = "education", _("Éducation, enfance et jeunesse")
    MOBILITY = "mobility", _("Mobilités et voirie")
    ENVIRONMENT = "environment", _("Environnement et propreté")
    URBANISM = "urbanism", _("Urbanisme et logement")
    CITIZEN = "citizen", _("Relation aux habitants")
    SAFETY = "safety", _("Sécurité et tranquillité publiques")
    FINANCE = "finance", _("Finances et fiscalité")
    HR = "hr", _("Ressources humaines")
    CULTURE = "culture", _("Culture, sport et loisirs")
    OTHER = "other", _("Autre")


class DecisionType(models.TextChoices):
    INDIVIDUAL = "individual", _("Décision individuelle (CRPA L311-3-1)")
    SUPPORT = "support", _("Aide à la décision, sans décision individuelle")
    NONE = "none", _("Aucune décision : information ou organisation du service")


class Automation(models.TextChoices):
    HUMAN = "human", _("Un agent décide, l'algorithme propose")
    PARTIAL = "partial", _("L'algorithme décide, un agent vérifie")
    FULL = "full", _("L'algorithme décide seul")
    NOT_APPLICABLE = "na", _("Sans objet")


class Technique(models.TextChoices):
    RULES = "rules", _("Règles explicites")
    ML = "ml", _("Apprentissage automatique")
    HYBRID = "hybrid", _("Hybride (règles et apprentissage)")


class PersonalData(models.TextChoices):
    NONE = "none", _("Aucune donnée personnelle")
    PERSONAL = "personal", _("Données personnelles")
    SENSITIVE = "sensitive", _("Données sensibles (santé, opinions, etc.)")


class WithholdReason(models.TextChoices):
    """Why a field is not published: the CRPA's exceptions to the right of access."""

    NATIONAL_SECURITY = (
        "l311_5_security",
        _("Sûreté de l'État, sécurité publique ou des personnes (CRPA L311-5, 2° d)"),
    )
    INFORMATION_SYSTEMS = (
        "l311_5_systems",
        _("Sécurité des systèmes d'information (CRPA L311-5, 2° d)"),
    )
    OFFENCES = "l311_5_offences", _("Recherche et prévention des infractions (CRPA L311-5, 2° e)")
    BUSINESS_SECRET = "l311_6_business", _("Secret des affaires (CRPA L311-6, 1°)")
    PRIVACY = "l311_6_privacy", _("Protection de la vie privée (CRPA L311-6, 1°)")


class Record(models.Model):
    """One algorithm or AI system an organisation uses: its working copy."""

    # --- Identity ---
    public_id = models.CharField(_("identifiant public"), max_length=32, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="register_records",
    )
    department = models.CharField(
        _("direction ou service"),
        max_length=200,
        blank=True,
        help_text=_("Le service qui utilise l'algorithme, par exemple « Direction de l'enfance »."),
    )
    keywords = models.CharField(
        _("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules.")
    )
    next_review = models.DateField(
        _("prochaine revue"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle la fiche doit être relue et mise à jour (au plus un an)."),
    )
    # --- Public summary ---
    name = models.CharField(_("nom"), max_length=150)
    summary = models.CharField(
        _("résumé en une phrase"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("Ce que fait l'algorithme, pour qui, en 280 caractères au plus."),
    )
    description = models.TextField(
        _("description en langage clair"),
        blank=True,
        help_text=_(
            "Expliquez à un habitant, avec des phrases courtes et des mots simples (niveau B1)."
        ),
    )
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices, blank=True)
    area = models.CharField(
        _("territoire concerné"),
        max_length=300,
        blank=True,
        help_text=_("Les communes ou quartiers concernés, si ce n'est pas tout le territoire."),
    )
    lifecycle = models.CharField(
        _("état d'utilisation"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.IN_USE
    )
    in_use_since = models.DateField(_("utilisé depuis"), null=True, blank=True)
    contact_email = models.EmailField(
        _("adresse de contact"),
        blank=True,
        help_text=_("Une adresse de service (jamais une adresse personnelle)."),
    )
    public_page_url = models.URLField(_("page d'information du public"), blank=True)
    # --- Purpose and decision context ---
    goal = models.TextField(_("objectif"), blank=True)
    decision_type = models.CharField(
        _("type de décision"), max_length=20, choices=DecisionType.choices, blank=True
    )
    automation = models.CharField(
        _("niveau d'automatisation"),
        max_length=10,
        choices=Automation.choices,
        default=Automation.HUMAN,
    )
    process_position = models.TextField(
        _("place dans la procédure"),
        blank=True,
        help_text=_("À quelle étape intervient l'algorithme, et ce que fait l'agent ensuite."),
    )
    decisions_per_year = models.PositiveIntegerField(_("décisions par an"), null=True, blank=True)
    people_affected = models.CharField(_("personnes concernées"), max_length=300, blank=True)
    benefits = models.TextField(_("bénéfices attendus"), blank=True)
    previous_process = models.TextField(_("procédure antérieure"), blank=True)
    alternatives = models.TextField(_("autres solutions envisagées"), blank=True)
    proportionality = models.TextField(_("proportionnalité"), blank=True)
    # --- Legal ---
    legal_basis = models.TextField(
        _("base légale"), blank=True, help_text=_("Le texte qui fonde le traitement.")
    )
    legal_basis_url = models.URLField(_("lien vers la base légale"), blank=True)
    gdpr_register_url = models.URLField(
        _("lien vers le registre des traitements (RGPD)"), blank=True
    )
    # --- Accountability and supply chain ---
    accountable_role = models.CharField(
        _("fonction responsable"),
        max_length=200,
        blank=True,
        help_text=_("Une fonction, pas une personne : « Directeur de l'éducation »."),
    )
    supplier_name = models.CharField(_("fournisseur"), max_length=200, blank=True)
    supplier_siren = models.CharField(_("SIREN du fournisseur"), max_length=9, blank=True)
    supplier_role = models.CharField(_("rôle du fournisseur"), max_length=200, blank=True)
    procurement = models.CharField(_("procédure d'achat"), max_length=200, blank=True)
    provider_eu_db_ref = models.CharField(
        _("référence du fournisseur dans la base de l'UE"), max_length=100, blank=True
    )
    cost = models.CharField(_("coût"), max_length=200, blank=True)
    # --- Oversight and recourse ---
    human_oversight = models.TextField(_("intervention humaine"), blank=True)
    staff_training = models.TextField(_("formation des agents"), blank=True)
    monitoring = models.TextField(_("suivi et contrôle"), blank=True)
    rollback = models.TextField(_("retour arrière"), blank=True)
    appeal_procedure = models.TextField(_("recours et contestation"), blank=True)
    explanation_contact = models.TextField(
        _("comment demander une explication"),
        blank=True,
        help_text=_(
            "Le service ou l'adresse où envoyer une demande, en plus du formulaire en ligne."
        ),
    )
    # --- Data ---
    personal_data = models.CharField(
        _("données personnelles"), max_length=16, choices=PersonalData.choices, blank=True
    )
    data_sources = models.TextField(
        _("données et sources"),
        blank=True,
        help_text=_("Chaque jeu de données : nom, source, licence, données personnelles ou non."),
    )
    data_quality = models.TextField(_("représentativité et biais des données"), blank=True)
    data_storage = models.TextField(_("conservation des données"), blank=True)
    parameters = models.TextField(
        _("paramètres et pondérations"),
        blank=True,
        help_text=_("Les critères pris en compte et leur poids dans le résultat."),
    )
    # --- Technical ---
    technique = models.CharField(
        _("type d'algorithme"), max_length=10, choices=Technique.choices, blank=True
    )
    methods = models.TextField(_("méthodes et modèles"), blank=True)
    performance = models.TextField(_("performances, y compris l'équité"), blank=True)
    source_code_url = models.URLField(_("code source"), blank=True)
    operations = models.TextField(_("opérations effectuées"), blank=True)
    # --- Risk and assessment ---
    risks = models.TextField(_("risques et mesures"), blank=True)
    protected_attributes = models.TextField(_("attributs protégés"), blank=True)
    dpia_summary = models.TextField(_("analyse d'impact (AIPD) : résumé"), blank=True)
    dpia_url = models.URLField(_("analyse d'impact (AIPD) : lien"), blank=True)
    evaluation_results = models.TextField(_("résultats d'évaluation"), blank=True)

    # --- Links ---
    solution = models.ForeignKey(
        "catalogue.Solution",
        verbose_name=_("solution du catalogue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_records",
    )
    assessment_file = models.OneToOneField(
        "assessment.AssessmentFile",
        verbose_name=_("dossier d'évaluation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="register_record",
    )
    # {field name: WithholdReason value} for fields that are not published.
    withheld = models.JSONField(_("informations non publiées"), default=dict, blank=True)

    # --- Workflow ---
    status = models.CharField(
        _("statut"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    status_message = models.TextField(_("message de relecture"), blank=True)
    current_version = models.ForeignKey(
        "RecordVersion",
        verbose_name=_("version publiée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Derived at publication from the assessment file (never typed by hand), for filters.
    risk_class = models.CharField(_("classe de risque (AI Act)"), max_length=40, blank=True)
    link_check = models.JSONField(_("liens cassés"), default=dict, blank=True)
    review_reminder_sent_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # Indexed: its maximum is part of the register's version (`selectors.register_version`).
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "link_check", "review_reminder_sent_on"]
    )

    class Meta:
        verbose_name = _("fiche du registre")
        verbose_name_plural = _("fiches du registre")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "theme"])]

    def __str__(self) -> str:
        return f"{self.public_id} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("registry:record_detail", args=[self.public_id])

    # Permission protocol (core.permissions).
    @property
    def owner_organisation(self):
        return self.organisation

    @property
    def is_public(self) -> bool:
        return self.current_version_id is not None

    @property
    def in_review(self) -> bool:
        return self.status == RecordStatus.IN_REVIEW

    publish_by_owner_manager = True


class PublicIdSequence(models.Model):
    """The last number given per organisation code: a public id is never reused, even
    after its record is deleted."""

    code = models.CharField(max_length=12, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur d'identifiants")
        verbose_name_plural = _("compteurs d'identifiants")

    def __str__(self) -> str:
        return f"{self.code}: {self.last_number}"


class RecordVersion(models.Model):
    """What the public saw from `published_at` on: a frozen snapshot of the record."""

    record = models.ForeignKey(
        Record, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    schema_version = models.PositiveSmallIntegerField(_("version du schéma"))
    status = models.CharField(_("statut"), max_length=16, choices=RecordStatus.choices)
    snapshot = models.JSONField(_("contenu publié"))
    note = models.CharField(_("ce qui a changé"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("publiée le"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copied from the snapshot for the public lists' filters and sorting: they must read
    # what was published, never the working copy.
    is_current = models.BooleanField(default=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    decision_type = models.CharField(max_length=20, choices=DecisionType.choices)
    personal_data = models.CharField(max_length=16, choices=PersonalData.choices, blank=True)
    technique = models.CharField(max_length=10, choices=Technique.choices, blank=True)
    risk_class = models.CharField(max_length=40, blank=True)
    next_review = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("version publiée")
        verbose_name_plural = _("versions publiées")
        ordering = ["record", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="record_version_unique"),
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(is_current=True),
                name="record_version_one_current",
            ),
        ]
        indexes = [models.Index(fields=["is_current", "theme", "decision_type"])]

    def __str__(self) -> str:
        return f"{self.record.public_id} v{self.number}"

    @property
    def owner_organisation(self):
        return self.record.organisation

    is_public = True


class RegisterSettings(models.Model):
    """An organisation's choices for its explanation requests."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="register_settings"
    )
    response_days = models.PositiveSmallIntegerField(
        _("délai de réponse (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : un mois, le délai de droit commun."),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("conservation des coordonnées (jours)"),
        default=365,
        help_text=_(
            "Après la réponse, les coordonnées du demandeur sont effacées au bout de ce délai."
        ),
    )

    class Meta:
        verbose_name = _("réglages du registre")
        verbose_name_plural = _("réglages du registre")

    def __str__(self) -> str:
        return str(self.organisation)


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    ASSIGNED = "assigned", _("En cours de traitement")
    ANSWERED = "answered", _("Répondue")
    CLOSED = "closed", _("Close sans réponse")


def _token() -> str:
    return secrets.token_urlsafe(24)


class ExplanationRequest(models.Model):
    """A person asks how the algorithm contributed to a decision about them (R311-3-1-2)."""

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="explanation_requests"
    )
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    decision_reference = models.CharField(
        _("référence de la décision"),
        max_length=100,
        blank=True,
        help_text=_("Le numéro de dossier ou de courrier, s'il y en a un."),
    )
    decision_date = models.DateField(_("date de la décision"), null=True, blank=True)
    message = models.TextField(
        _("votre demande"), help_text=_("Décrivez la décision qui vous concerne.")
    )
    requester_name = models.CharField(_("prénom et nom"), max_length=150, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    postal_address = models.TextField(_("adresse postale"), blank=True)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("reçue le"))
    due_date = models.DateField(_("à répondre avant le"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answer_contribution = models.TextField(
        _("contribution de l'algorithme à la décision"), blank=True
    )
    answer_data = models.TextField(_("données traitées et leurs sources"), blank=True)
    answer_parameters = models.TextField(
        _("paramètres et pondération appliqués à votre situation"), blank=True
    )
    answer_operations = models.TextField(_("opérations effectuées"), blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("demande d'explication")
        verbose_name_plural = _("demandes d'explication")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.record.public_id} — {self.received_at:%Y-%m-%d}"

    @property
    def owner_organisation(self):
        return self.record.organisation

    is_public = False

    @property
    def answered_on_time(self) -> bool:
        return self.answered_at is not None and self.answered_at.date() <= self.due_date


class ReportStatus(models.TextChoices):
    OPEN = "open", _("À traiter")
    CORRECTED = "corrected", _("Corrigée")
    DECLINED = "declined", _("Non retenue")


class ErrorReport(models.Model):
    """Anyone may point out an error in a published record; the answer is public."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="error_reports")
    message = models.TextField(_("l'erreur constatée"))
    email = models.EmailField(
        _("adresse e-mail (facultative)"),
        blank=True,
        help_text=_("Pour être prévenu de la réponse ; elle n'est jamais publiée."),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    public_answer = models.TextField(_("réponse publique"), blank=True)
    created_at = models.DateTimeField(_("signalée le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.record.public_id} — {self.created_at:%Y-%m-%d}"

    @property
    def owner_organisation(self):
        return self.record.organisation

    is_public = False
