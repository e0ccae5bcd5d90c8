"""Writes on users, organisations and memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citeia.core import search
from citeia.core.permissions import Action, MemberRole, PlatformRole, require

from .models import ApiToken, Membership, MembershipStatus, Organisation, OrganisationKind, User


class LastManagerError(Exception):
    """Refused: the organisation would be left without a manager."""


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(*, name: str, kind: str, siren: str = "") -> Organisation:
    organisation = Organisation(
        name=name.strip(),
        slug=_unique_slug(name),
        kind=kind,
        siren=siren,
        is_french=kind != OrganisationKind.INTERNATIONAL_PARTNER,
    )
    organisation.full_clean()
    organisation.save()
    search.index(organisation)
    return organisation


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    full_name: str,
    password: str,
    organisation: Organisation | None = None,
    new_organisation: dict | None = None,
    job_title: str = "",
    request=None,
) -> User:
    """Create the account and a pending membership; tell who decides on it.

    With `new_organisation` ({name, kind, siren}), the organisation is created and the
    person asks to be its manager; the programme team decides.
    """
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, job_title=job_title
    )
    role = MemberRole.MEMBER
    if organisation is None:
        if not new_organisation:
            raise ValueError("An organisation or a new organisation is required.")
        organisation = organisation_create(**new_organisation)
        role = MemberRole.MANAGER
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    _notify_deciders(membership=membership, request=request)
    return user


def _notify_deciders(*, membership: Membership, request=None) -> None:
    """E-mail a new request to the organisation's managers, or to the programme team."""
    organisation, user = membership.organisation, membership.user
    managers = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.ACTIVE,
            memberships__role=MemberRole.MANAGER,
        ).values_list("email", flat=True)
    )
    if not managers:
        managers = list(
            User.objects.filter(
                is_active=True, platform_role=PlatformRole.PROGRAMME_TEAM
            ).values_list("email", flat=True)
        )
    if not managers:
        return
    url = _absolute(request, reverse("accounts:organisation_members", args=[organisation.slug]))
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Cité IA : demande d'adhésion à %(org)s") % {"org": organisation.name},
            message=_(
                "%(name)s (%(email)s) demande à rejoindre %(org)s sur Cité IA.\n\n"
                "Validez ou refusez la demande : %(url)s"
            )
            % {
                "name": user.full_name,
                "email": user.email,
                "org": organisation.name,
                "url": url,
            },
            from_email=None,
            recipient_list=managers,
        )
    )


@transaction.atomic
def membership_decide(
    *,
    membership: Membership,
    actor: User,
    approve: bool,
    role: str = MemberRole.MEMBER,
    request=None,
) -> Membership:
    """Approve (with a role) or reject a pending membership.

    A request is decided once: a second click, or a second manager deciding at the same
    time, gets a ValidationError instead of overwriting the first decision.
    """
    require(actor, Action.MANAGE_MEMBERS, membership.organisation)
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if current.status != MembershipStatus.PENDING:
        raise ValidationError(
            _("La demande de %(name)s a déjà été traitée (%(status)s).")
            % {"name": membership.user.full_name, "status": current.get_status_display()},
            code="already_decided",
        )
    membership.status = MembershipStatus.ACTIVE if approve else MembershipStatus.REJECTED
    if approve:
        membership.role = MemberRole(role)
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save()
    user = membership.user
    if approve:
        subject = _("Cité IA : votre adhésion à %(org)s est validée")
        body = _(
            "Votre compte est rattaché à %(org)s avec le rôle « %(role)s ».\n\n"
            "Connectez-vous : %(url)s"
        )
    else:
        subject = _("Cité IA : votre demande d'adhésion à %(org)s")
        body = _(
            "Votre demande pour rejoindre %(org)s n'a pas été acceptée. Pour en savoir plus, "
            "contactez l'organisation ou l'équipe de la plateforme.\n\n%(url)s"
        )
    params = {
        "org": membership.organisation.name,
        "role": membership.get_role_display(),
        "url": _absolute(request, reverse("accounts:login")),
    }
    transaction.on_commit(
        lambda: send_mail(
            subject=subject % params,
            message=body % params,
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    require(actor, Action.MANAGE_MEMBERS, membership.organisation)
    role = MemberRole(role)
    if membership.role == MemberRole.MANAGER and role != MemberRole.MANAGER:
        other_managers = (
            Membership.objects.select_for_update()
            .filter(
                organisation=membership.organisation,
                role=MemberRole.MANAGER,
                status=MembershipStatus.ACTIVE,
            )
            .exclude(pk=membership.pk)
        )
        if not other_managers.exists():
            raise LastManagerError(
                _(
                    "%(name)s est le dernier gestionnaire de %(org)s : nommez d'abord un autre "
                    "gestionnaire."
                )
                % {"name": membership.user.full_name, "org": membership.organisation.name}
            )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation, request=None) -> Membership:
    """An existing user asks to join another organisation; its managers are told."""
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if created:
        _notify_deciders(membership=membership, request=request)
    return membership


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear key is returned once and never stored."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=key[: len(ApiToken.PREFIX) + 6],
        key_hash=ApiToken.hash_key(key),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def demo_allowed() -> bool:
    return bool(settings.DEMO)
