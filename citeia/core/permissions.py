"""The one answer to "may this user do this action on this object".

Rules are written once, here. An object takes part by exposing:

- ``owner_organisation`` (the organisation responsible for it, or None),
- ``is_public`` (True when published and readable by anyone),
- ``in_review`` (optional: True while waiting for an expert or the programme team; only
  then may they review it),

and an app may tune who publishes with a class attribute
``publish_by_owner_manager`` (the register lets a commune's manager publish its own
records; the catalogue leaves publishing to the programme team).

Organisations themselves are objects too: their ``owner_organisation`` is themselves.
"""

from enum import StrEnum
from typing import Any


class Action(StrEnum):
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    SUBMIT = "submit"
    REVIEW = "review"
    PUBLISH = "publish"
    MANAGE_MEMBERS = "manage_members"
    EVALUATE = "evaluate"


class PlatformRole(StrEnum):
    NONE = ""
    EXPERT = "expert"
    PROGRAMME_TEAM = "programme_team"
    ADMINISTRATOR = "administrator"


class MemberRole(StrEnum):
    MEMBER = "member"
    EDITOR = "editor"
    MANAGER = "manager"


_ROLE_RANK = {MemberRole.MEMBER: 1, MemberRole.EDITOR: 2, MemberRole.MANAGER: 3}


def platform_role(user: Any) -> str:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PlatformRole.NONE
    if user.is_superuser:
        return PlatformRole.ADMINISTRATOR
    return user.platform_role or PlatformRole.NONE


def organisation_role(user: Any, organisation: Any) -> str | None:
    """The user's active role in the organisation, or None. Memberships are cached per user."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return None
    # A deactivated account keeps its memberships (for history) but no longer acts with them.
    if not user.is_active:
        return None
    return user.active_roles().get(organisation.pk)


def has_org_role(user: Any, organisation: Any, minimum: MemberRole) -> bool:
    role = organisation_role(user, organisation)
    return role is not None and _ROLE_RANK[MemberRole(role)] >= _ROLE_RANK[minimum]


def can(user: Any, action: Action | str, obj: Any) -> bool:
    action = Action(action)
    role = platform_role(user)
    if role == PlatformRole.ADMINISTRATOR:
        return True
    owner = getattr(obj, "owner_organisation", None)
    is_public = bool(getattr(obj, "is_public", False))
    in_review = bool(getattr(obj, "in_review", False))
    programme = role == PlatformRole.PROGRAMME_TEAM

    if action == Action.VIEW:
        return (
            is_public
            or programme
            or has_org_role(user, owner, MemberRole.MEMBER)
            or (in_review and role == PlatformRole.EXPERT)
        )
    if action in (Action.CREATE, Action.CHANGE, Action.SUBMIT):
        return has_org_role(user, owner, MemberRole.EDITOR)
    if action == Action.DELETE:
        return has_org_role(user, owner, MemberRole.MANAGER) and not is_public
    if action == Action.REVIEW:
        # Only what its owner submitted: a draft is not reviewed, nor is a published record
        # (it goes back to review through a new submission).
        return in_review and (programme or role == PlatformRole.EXPERT)
    if action == Action.EVALUATE:
        # An expert's evaluation of something published (a catalogue solution), never
        # by a member of the organisation that owns it: nobody judges their own product.
        return (
            is_public
            and (programme or role == PlatformRole.EXPERT)
            and organisation_role(user, owner) is None
        )
    if action == Action.PUBLISH:
        if programme:
            return True
        return bool(getattr(obj, "publish_by_owner_manager", False)) and has_org_role(
            user, owner, MemberRole.MANAGER
        )
    if action == Action.MANAGE_MEMBERS:
        return programme or has_org_role(user, owner, MemberRole.MANAGER)
    return False  # pragma: no cover - every Action is handled above


def require(user: Any, action: Action | str, obj: Any) -> None:
    """Raise PermissionDenied unless `can` allows it."""
    from django.core.exceptions import PermissionDenied

    if not can(user, action, obj):
        raise PermissionDenied
