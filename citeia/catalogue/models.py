"""Action 1 "Sourcing": AI solutions, their vendors, who uses them, and expert reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .licences import validate_spdx


class Network(models.Model):
    """An innovation network a vendor belongs to (Cap Digital, Hub France IA…)."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchasingCentral(models.Model):
    """A purchasing central through which a solution can be bought (UGAP, CAIH…)."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        verbose_name = _("centrale d'achat")
        verbose_name_plural = _("centrales d'achat")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VendorSize(models.TextChoices):
    MICRO = "micro", _("Microentreprise (moins de 10 salariés)")
    SME = "sme", _("PME (moins de 250 salariés)")
    MID = "mid", _("ETI (moins de 5 000 salariés)")
    LARGE = "large", _("Grande entreprise")
    PUBLIC = "public", _("Organisme public")
    NON_PROFIT = "non_profit", _("Association ou communauté open source")


class VendorProfile(models.Model):
    """What the catalogue knows about an organisation that offers solutions."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="vendor_profile",
    )
    size = models.CharField(_("taille"), max_length=16, choices=VendorSize.choices, blank=True)
    networks = models.ManyToManyField(Network, verbose_name=_("réseaux"), blank=True)
    purchasing_centrals = models.ManyToManyField(
        PurchasingCentral, verbose_name=_("centrales d'achat"), blank=True
    )

    class Meta:
        verbose_name = _("profil fournisseur")
        verbose_name_plural = _("profils fournisseurs")

    def __str__(self) -> str:
        return str(self.organisation)


class Domain(models.Model):
    """A business domain of local public services (managed list)."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("domaine métier")
        verbose_name_plural = _("domaines métier")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Technique(models.Model):
    """An AI technique (language, vision, prediction…)."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("technique d'IA")
        verbose_name_plural = _("techniques d'IA")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Maturity(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Pilote")
    PRODUCTION = "production", _("En production")


class Deployment(models.TextChoices):
    SAAS = "saas", _("SaaS (hébergé par le fournisseur)")
    ON_PREMISE = "on_premise", _("Sur site (installé chez la collectivité)")
    HYBRID = "hybrid", _("Hybride")


class Hosting(models.TextChoices):
    FRANCE = "france", _("En France")
    EU = "eu", _("Dans l'Union européenne")
    NON_EU = "non_eu", _("Hors Union européenne")
    CUSTOMER = "customer", _("Chez la collectivité")
    UNKNOWN = "unknown", _("Non précisé")


class PersonalData(models.TextChoices):
    NONE = "none", _("Aucune donnée personnelle")
    PERSONAL = "personal", _("Données personnelles")
    SENSITIVE = "sensitive", _("Données sensibles (santé, opinions, etc.)")


class ModelProvenance(models.TextChoices):
    OWN = "own", _("Modèle propre au fournisseur")
    OPEN_WEIGHTS = "open_weights", _("Modèle à poids ouverts")
    THIRD_PARTY_API = "third_party_api", _("API d'un tiers")


class AccessibilityStatus(models.TextChoices):
    COMPLIANT = "compliant", _("Totalement conforme au RGAA")
    PARTIAL = "partial", _("Partiellement conforme au RGAA")
    NON_COMPLIANT = "non_compliant", _("Non conforme au RGAA")
    NONE = "none", _("Pas de déclaration")


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")
    ARCHIVED = "archived", _("Archivée")


CERTIFICATIONS = [
    ("secnumcloud", _("SecNumCloud (ANSSI)")),
    ("hds", _("Hébergement de données de santé (HDS)")),
    ("iso27001", _("ISO/IEC 27001")),
]


class Solution(models.Model):
    vendor = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("fournisseur"),
        on_delete=models.PROTECT,
        related_name="solutions",
    )
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=140, unique=True)
    summary = models.CharField(
        _("résumé en une phrase"),
        max_length=200,
        help_text=_("Ce que fait la solution, pour qui, en 200 caractères au plus."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown : titres, listes, liens. Le HTML et les scripts sont retirés."),
    )
    domains = models.ManyToManyField(
        Domain, verbose_name=_("domaines métier"), related_name="solutions"
    )
    techniques = models.ManyToManyField(
        Technique, verbose_name=_("techniques d'IA"), related_name="solutions"
    )
    maturity = models.CharField(_("maturité"), max_length=16, choices=Maturity.choices)
    licence = models.CharField(
        _("licence (identifiant SPDX)"),
        max_length=64,
        blank=True,
        validators=[validate_spdx],
        help_text=_("Par exemple AGPL-3.0-or-later, MIT, Apache-2.0, ou LicenseRef-Proprietary."),
    )
    is_free_software = models.BooleanField(_("logiciel libre"), default=False)
    deployment = models.CharField(_("déploiement"), max_length=16, choices=Deployment.choices)
    hosting = models.CharField(
        _("lieu d'hébergement"), max_length=16, choices=Hosting.choices, default=Hosting.UNKNOWN
    )
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    personal_data = models.CharField(
        _("données personnelles traitées"), max_length=16, choices=PersonalData.choices
    )
    model_provenance = models.CharField(
        _("provenance du modèle"), max_length=20, choices=ModelProvenance.choices
    )
    model_name = models.CharField(
        _("modèle utilisé"),
        max_length=120,
        blank=True,
        help_text=_(
            "Nom du modèle à poids ouverts ou de l'API tierce, par exemple « Mistral 7B »."
        ),
    )
    reversibility = models.TextField(
        _("réversibilité"),
        blank=True,
        help_text=_("Comment la collectivité récupère ses données et change de solution."),
    )
    accessibility = models.CharField(
        _("accessibilité (RGAA)"),
        max_length=16,
        choices=AccessibilityStatus.choices,
        default=AccessibilityStatus.NONE,
    )
    accessibility_url = models.URLField(_("déclaration d'accessibilité"), blank=True)
    pricing_model = models.CharField(_("modèle de prix"), max_length=200, blank=True)
    website = models.URLField(_("site web"), blank=True)
    repository = models.URLField(_("dépôt du code source"), blank=True)
    documentation = models.URLField(_("documentation"), blank=True)
    latest_version = models.CharField(_("dernière version"), max_length=40, blank=True)
    latest_version_date = models.DateField(_("date de la dernière version"), null=True, blank=True)
    similar_to = models.ManyToManyField(
        "self", verbose_name=_("solutions similaires"), blank=True, symmetrical=True
    )
    alternative_to = models.ManyToManyField(
        "self",
        verbose_name=_("alternative à"),
        blank=True,
        symmetrical=False,
        related_name="alternatives",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=SolutionStatus.choices, default=SolutionStatus.DRAFT
    )
    status_message = models.TextField(
        _("message du dernier changement de statut"),
        blank=True,
        help_text=_("Modifications demandées ou motif du refus, adressé au fournisseur."),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True, db_index=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    # A copy of the extra attributes' values (key -> value), written with them, so that
    # the history shows their changes like any other field's; ExtraValue stays the source
    # for filters.
    extra_attributes = models.JSONField(_("attributs complémentaires"), default=dict, blank=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=[domains, techniques, similar_to, alternative_to],
    )

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "name"], name="solution_unique_name_per_vendor"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:solution_detail", args=[self.slug])

    # Permission protocol (core.permissions).
    @property
    def owner_organisation(self):
        return self.vendor

    @property
    def is_public(self) -> bool:
        return self.status == SolutionStatus.PUBLISHED

    @property
    def in_review(self) -> bool:
        return self.status == SolutionStatus.IN_REVIEW

    publish_by_owner_manager = False


class ReferenceStatus(models.TextChoices):
    EXPLORING = "exploring", _("En exploration")
    EXPERIMENTING = "experimenting", _("En expérimentation")
    DEPLOYED = "deployed", _("Déployée")
    ABANDONED = "abandoned", _("Abandonnée")


class Reference(models.Model):
    """An organisation that uses (or tried) a solution, and a peer who agreed to be contacted."""

    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="references"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation utilisatrice"),
        on_delete=models.CASCADE,
        related_name="solution_references",
    )
    status = models.CharField(_("statut"), max_length=16, choices=ReferenceStatus.choices)
    since = models.DateField(_("depuis"), null=True, blank=True)
    public_feedback = models.TextField(_("retour d'expérience public"), blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    referent_consent = models.BooleanField(
        _("le référent accepte d'être contacté par d'autres agents"), default=False
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("référence")
        verbose_name_plural = _("références")
        constraints = [
            models.UniqueConstraint(
                fields=["solution", "organisation"], name="reference_unique_org_solution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.solution}"

    @property
    def owner_organisation(self):
        return self.organisation


class SolutionFigures(models.Model):
    """Figures derived from a solution's reviews, references and assessments.

    Lists, the "best score" sort, facets and the needs ranking read this one row instead
    of aggregating reviews on every request (docs/PERFORMANCE.md). Services rewrite it in
    the transaction that changes what it is derived from (`services.solution_figures_refresh`);
    `manage.py refresh_solution_figures` rebuilds every row.
    """

    solution = models.OneToOneField(
        Solution, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    review_count = models.PositiveIntegerField(_("évaluations d'experts"), default=0)
    reference_count = models.PositiveIntegerField(_("organisations utilisatrices"), default=0)
    # Mean over criteria (both axes) of each criterion's mean score; None when not reviewed.
    mean_score = models.FloatField(_("note moyenne"), null=True, blank=True)
    # Action-1 criterion key -> mean of its scores, what the needs ranking weighs.
    criterion_means = models.JSONField(_("moyennes par critère"), default=dict, blank=True)
    aiact_outcome = models.CharField(_("classe AI Act"), max_length=16, blank=True, db_index=True)
    frugality_grade = models.CharField(_("note de sobriété"), max_length=1, blank=True)
    updated_at = models.DateTimeField(_("recalculé le"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("chiffres d'une solution")
        verbose_name_plural = _("chiffres des solutions")
        indexes = [models.Index(fields=["mean_score"], name="figures_mean_score")]

    def __str__(self) -> str:
        return str(self.solution_id)

    @property
    def is_public(self) -> bool:
        return self.solution.is_public


class GridAxis(models.TextChoices):
    ACTION1 = "criterion", _("Critère de l'Action 1")
    PRINCIPLE = "principle", _("Principe de la stratégie")


class GridVersion(models.Model):
    """A version of the evaluation grid. Reviews keep the version they were made with."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("en vigueur depuis"), null=True, blank=True)
    notes = models.TextField(_("ce qui a changé"), blank=True)

    class Meta:
        verbose_name = _("version de la grille")
        verbose_name_plural = _("versions de la grille")
        ordering = ["-number"]

    def __str__(self) -> str:
        return _("Grille v%(n)s") % {"n": self.number}


class Criterion(models.Model):
    grid = models.ForeignKey(
        GridVersion, verbose_name=_("grille"), on_delete=models.CASCADE, related_name="criteria"
    )
    axis = models.CharField(_("axe"), max_length=16, choices=GridAxis.choices)
    key = models.SlugField(_("identifiant stable"), max_length=60)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("ce que mesure le critère"))
    question = models.TextField(_("questions à poser au fournisseur"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["grid", "axis", "position"]
        constraints = [models.UniqueConstraint(fields=["grid", "key"], name="criterion_unique_key")]

    def __str__(self) -> str:
        return self.name


class RubricLevel(models.Model):
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("critère"), on_delete=models.CASCADE, related_name="levels"
    )
    score = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    label = models.CharField(_("intitulé"), max_length=80)
    description = models.TextField(_("description du niveau"))

    class Meta:
        verbose_name = _("niveau de la grille")
        verbose_name_plural = _("niveaux de la grille")
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="rubric_unique_score")
        ]

    def __str__(self) -> str:
        return f"{self.score} — {self.label}"


class Review(models.Model):
    """An expert's review of a solution, criterion by criterion."""

    solution = models.ForeignKey(
        Solution, verbose_name=_("solution"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert ou experte"),
        on_delete=models.PROTECT,
        related_name="solution_reviews",
    )
    grid = models.ForeignKey(GridVersion, verbose_name=_("grille"), on_delete=models.PROTECT)
    summary = models.TextField(_("synthèse"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "expert"], name="review_unique_expert")
        ]

    def __str__(self) -> str:
        return f"{self.solution} — {self.expert}"


class ReviewScore(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("évaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("critère"), on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    justification = models.TextField(_("justification"))
    evidence = models.TextField(
        _("liens vers les preuves"), blank=True, help_text=_("Une adresse par ligne.")
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=4), name="score_in_rubric"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class VendorAnswer(models.Model):
    review = models.OneToOneField(
        Review, verbose_name=_("évaluation"), on_delete=models.CASCADE, related_name="answer"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("réponse du fournisseur"))
    created_at = models.DateTimeField(_("publiée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse du fournisseur")
        verbose_name_plural = _("réponses des fournisseurs")

    def __str__(self) -> str:
        return f"{self.review}"


class AttributeType(models.TextChoices):
    BOOLEAN = "boolean", _("Oui / non")
    TEXT = "text", _("Texte")
    NUMBER = "number", _("Nombre")
    DATE = "date", _("Date")
    URL = "url", _("Adresse web")


class ExtraAttribute(models.Model):
    """An attribute administrators add to solutions without code."""

    key = models.SlugField(_("identifiant"), max_length=60, unique=True)
    label = models.CharField(_("intitulé"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=AttributeType.choices)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    filterable = models.BooleanField(_("filtrable"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("attribut supplémentaire")
        verbose_name_plural = _("attributs supplémentaires")
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class ExtraValue(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="extra_values")
    attribute = models.ForeignKey(ExtraAttribute, on_delete=models.CASCADE, related_name="values")
    value = models.JSONField(_("valeur"))

    class Meta:
        verbose_name = _("valeur d'attribut")
        verbose_name_plural = _("valeurs d'attributs")
        constraints = [
            models.UniqueConstraint(fields=["solution", "attribute"], name="extra_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attribute}: {self.value}"


class NeedsProfile(models.Model):
    """An agent's needs: a weight per criterion and must-haves, used to rank solutions."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="needs_profiles"
    )
    name = models.CharField(_("nom du profil"), max_length=120)
    weights = models.JSONField(_("poids par critère"), default=dict)
    must_haves = models.JSONField(_("exigences"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil de besoins")
        verbose_name_plural = _("profils de besoins")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.name
