import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from citeia.core.permissions import MemberRole, PlatformRole
from citeia.core.siren import normalise_siren, siren_is_valid

__all__ = ["normalise_siren"]


def validate_siren(value: str) -> None:
    if not siren_is_valid(value):
        raise ValidationError(
            _(
                "« %(value)s » n'est pas un SIREN valide : il faut 9 chiffres dont le "
                "dernier est une clé de contrôle (formule de Luhn). Vérifiez-le sur "
                "annuaire-entreprises.data.gouv.fr."
            ),
            code="invalid_siren",
            params={"value": value},
        )


class OrganisationKind(models.TextChoices):
    METROPOLE = "metropole", _("Métropole")
    TERRITORY = "ept", _("Établissement public territorial (EPT)")
    COMMUNE = "commune", _("Commune")
    COMPANY = "company", _("Entreprise")
    PUBLIC_AGENCY = "public_agency", _("Organisme public")
    RESEARCH_LAB = "research_lab", _("Laboratoire de recherche")
    INNOVATION_NETWORK = "innovation_network", _("Réseau d'innovation")
    ASSOCIATION = "association", _("Association")
    INTERNATIONAL_PARTNER = "international_partner", _("Partenaire international")
    RESIDENTS_BODY = "residents_body", _("Instance citoyenne")


PUBLIC_AUTHORITY_KINDS = {
    OrganisationKind.METROPOLE,
    OrganisationKind.TERRITORY,
    OrganisationKind.COMMUNE,
}


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'adresse"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, obligatoire pour une organisation française immatriculée."),
    )
    is_french = models.BooleanField(_("organisation française"), default=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    commune = models.OneToOneField(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
    )
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    is_demo = models.BooleanField(
        _("donnée de démonstration"), default=False, help_text=_("Organisation fictive.")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"], condition=~models.Q(siren=""), name="organisation_unique_siren"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:organisation_detail", args=[self.slug])

    def clean(self) -> None:
        self.siren = normalise_siren(self.siren or "")
        needs_siren = self.kind in PUBLIC_AUTHORITY_KINDS - {OrganisationKind.COMMUNE}
        if self.is_french and needs_siren and not self.siren:
            raise ValidationError({"siren": _("Le SIREN est obligatoire pour cette organisation.")})

    # Permission protocol (core.permissions).
    @property
    def owner_organisation(self) -> "Organisation":
        return self

    is_public = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, platform_role=PlatformRole.ADMINISTRATOR)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("prénom et nom"), max_length=150)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    platform_role = models.CharField(
        _("rôle sur la plateforme"),
        max_length=32,
        blank=True,
        choices=[
            (PlatformRole.NONE, _("Aucun")),
            (PlatformRole.EXPERT, _("Expert ou experte")),
            (PlatformRole.PROGRAMME_TEAM, _("Équipe programme de la Métropole")),
            (PlatformRole.ADMINISTRATOR, _("Administrateur ou administratrice")),
        ],
        help_text=_("Rôle transversal, indépendant des organisations."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Peut se connecter à l'interface d'administration."),
    )
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def _active_roles(self) -> dict[int, str]:
        return dict(
            self.memberships.filter(status=MembershipStatus.ACTIVE).values_list(
                "organisation_id", "role"
            )
        )

    def active_roles(self) -> dict[int, str]:
        """{organisation id: role} of approved memberships, one query per request."""
        return self._active_roles

    @property
    def is_programme_team(self) -> bool:
        return self.is_superuser or self.platform_role in (
            PlatformRole.PROGRAMME_TEAM,
            PlatformRole.ADMINISTRATOR,
        )


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACTIVE = "active", _("Validée")
    REJECTED = "rejected", _("Refusée")


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("rôle"),
        max_length=16,
        default=MemberRole.MEMBER,
        choices=[
            (MemberRole.MEMBER, _("Membre")),
            (MemberRole.EDITOR, _("Éditeur ou éditrice")),
            (MemberRole.MANAGER, _("Gestionnaire")),
        ],
    )
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    requested_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("décidée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"

    @property
    def owner_organisation(self) -> Organisation:
        return self.organisation


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    PREFIX = "cia_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom du jeton"), max_length=100)
    key_prefix = models.CharField(_("début du jeton"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
