"""The permission matrix: who may do what, written out once, role by role.

The tables below ARE the specification of `citeia.core.permissions.can`. Each row is a
role, each column an action; `x` means allowed, `.` refused. "own" roles belong to the
organisation that owns the object (Montreuil), "other" roles to another one (Antony).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from citeia.accounts.models import Membership, MembershipStatus
from citeia.core.permissions import Action, MemberRole, can

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = [
    "view",
    "create",
    "change",
    "delete",
    "submit",
    "review",
    "publish",
    "manage_members",
    "evaluate",
]

ROLES = [
    "anonymous",
    "authenticated",
    "pending",
    "member",
    "editor",
    "manager",
    "member_other",
    "editor_other",
    "manager_other",
    "expert",
    "programme_team",
    "administrator",
    "inactive_manager",
]


def _table(text: str) -> dict[str, dict[str, bool]]:
    rows = {}
    for line in text.strip().splitlines():
        if line.startswith("#"):
            assert line[1:].split() == ACTIONS, "the header names the actions in order"
            continue
        role, *cells = line.split()
        assert len(cells) == len(ACTIONS), line
        assert set(cells) <= {"x", "."}, line
        rows[role] = {action: cell == "x" for action, cell in zip(ACTIONS, cells, strict=True)}
    assert list(rows) == ROLES
    return rows


# A draft: not submitted, not published. Only its organisation and the programme team see it.
DRAFT = _table("""
#                 view create change delete submit review publish manage_members evaluate
anonymous          .     .      .      .      .      .      .       .       .
authenticated      .     .      .      .      .      .      .       .       .
pending            .     .      .      .      .      .      .       .       .
member             x     .      .      .      .      .      .       .       .
editor             x     x      x      .      x      .      .       .       .
manager            x     x      x      x      x      .      .       x       .
member_other       .     .      .      .      .      .      .       .       .
editor_other       .     .      .      .      .      .      .       .       .
manager_other      .     .      .      .      .      .      .       .       .
expert             .     .      .      .      .      .      .       .       .
programme_team     x     .      .      .      .      .      x       x       .
administrator      x     x      x      x      x      x      x       x       x
inactive_manager   .     .      .      .      .      .      .       .       .
""")

# Submitted and waiting for review: experts now see it and may review it.
IN_REVIEW = _table("""
#                 view create change delete submit review publish manage_members evaluate
anonymous          .     .      .      .      .      .      .       .       .
authenticated      .     .      .      .      .      .      .       .       .
pending            .     .      .      .      .      .      .       .       .
member             x     .      .      .      .      .      .       .       .
editor             x     x      x      .      x      .      .       .       .
manager            x     x      x      x      x      .      .       x       .
member_other       .     .      .      .      .      .      .       .       .
editor_other       .     .      .      .      .      .      .       .       .
manager_other      .     .      .      .      .      .      .       .       .
expert             x     .      .      .      .      x      .       .       .
programme_team     x     .      .      .      .      x      x       x       .
administrator      x     x      x      x      x      x      x       x       x
inactive_manager   .     .      .      .      .      .      .       .       .
""")

# Published: everyone reads it; a published record is no longer deleted, only changed
# (its history is kept). Experts and the programme team evaluate it (catalogue reviews),
# never its own organisation's members.
PUBLISHED = _table("""
#                 view create change delete submit review publish manage_members evaluate
anonymous          x     .      .      .      .      .      .       .       .
authenticated      x     .      .      .      .      .      .       .       .
pending            x     .      .      .      .      .      .       .       .
member             x     .      .      .      .      .      .       .       .
editor             x     x      x      .      x      .      .       .       .
manager            x     x      x      .      x      .      .       x       .
member_other       x     .      .      .      .      .      .       .       .
editor_other       x     .      .      .      .      .      .       .       .
manager_other      x     .      .      .      .      .      .       .       .
expert             x     .      .      .      .      .      .       .       x
programme_team     x     .      .      .      .      .      x       x       x
administrator      x     x      x      x      x      x      x       x       x
inactive_manager   x     .      .      .      .      .      .       .       .
""")

# A record whose app lets the owner's manager publish (the public register of algorithms).
DRAFT_PUBLISHED_BY_OWNER = _table("""
#                 view create change delete submit review publish manage_members evaluate
anonymous          .     .      .      .      .      .      .       .       .
authenticated      .     .      .      .      .      .      .       .       .
pending            .     .      .      .      .      .      .       .       .
member             x     .      .      .      .      .      .       .       .
editor             x     x      x      .      x      .      .       .       .
manager            x     x      x      x      x      .      x       x       .
member_other       .     .      .      .      .      .      .       .       .
editor_other       .     .      .      .      .      .      .       .       .
manager_other      .     .      .      .      .      .      .       .       .
expert             .     .      .      .      .      .      .       .       .
programme_team     x     .      .      .      .      .      x       x       .
administrator      x     x      x      x      x      x      x       x       x
inactive_manager   .     .      .      .      .      .      .       .       .
""")

# The organisation itself: its page is public; its managers and the programme team manage
# its members.
ORGANISATION_ACTIONS = {"view", "manage_members"}
ORGANISATION = {
    "anonymous": {"view"},
    "authenticated": {"view"},
    "pending": {"view"},
    "member": {"view"},
    "editor": {"view"},
    "manager": {"view", "manage_members"},
    "member_other": {"view"},
    "editor_other": {"view"},
    "manager_other": {"view"},
    "expert": {"view"},
    "programme_team": {"view", "manage_members"},
    "administrator": {"view", "manage_members"},
    "inactive_manager": {"view"},
}


@dataclass
class Thing:
    """Any object of any app, as the permission module sees it (the documented protocol)."""

    owner_organisation: Any
    is_public: bool = False
    in_review: bool = False
    publish_by_owner_manager: bool = False


OBJECTS = {
    "draft": (DRAFT, {}),
    "in_review": (IN_REVIEW, {"in_review": True}),
    "published": (PUBLISHED, {"is_public": True}),
    "draft_published_by_owner": (DRAFT_PUBLISHED_BY_OWNER, {"publish_by_owner_manager": True}),
}


@pytest.fixture
def user_for(make_user, commune_org, other_commune_org):
    def build(role: str):
        if role.endswith("_other"):
            return make_user(role.removesuffix("_other"), other_commune_org)
        if role == "inactive_manager":
            user = make_user("manager", commune_org)
            user.is_active = False
            user.save()
            return user
        return make_user(role, commune_org)

    return build


def _cases():
    for object_name, (table, _attrs) in OBJECTS.items():
        for role in ROLES:
            for action in ACTIONS:
                yield pytest.param(
                    object_name,
                    role,
                    action,
                    table[role][action],
                    id=f"{object_name}-{role}-{action}",
                )


@pytest.mark.parametrize(("object_name", "role", "action", "allowed"), list(_cases()))
def test_permission_matrix_on_organisation_objects(
    user_for, commune_org, object_name, role, action, allowed
):
    _expected_table, attributes = OBJECTS[object_name]
    thing = Thing(owner_organisation=commune_org, **attributes)
    assert can(user_for(role), action, thing) is allowed


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ORGANISATION_ACTIONS))
def test_permission_matrix_on_the_organisation_itself(user_for, commune_org, role, action):
    assert can(user_for(role), action, commune_org) is (action in ORGANISATION[role])


def test_every_action_of_the_module_is_in_the_matrix():
    assert set(ACTIONS) == {action.value for action in Action}


def test_object_without_owner_is_only_readable_when_public(make_user, commune_org):
    editor = make_user("editor", commune_org)
    orphan = Thing(owner_organisation=None)
    assert not can(editor, Action.VIEW, orphan)
    assert not can(editor, Action.CHANGE, orphan)
    assert can(make_user("anonymous"), Action.VIEW, Thing(owner_organisation=None, is_public=True))


def test_rejected_membership_gives_no_right(commune_org):
    user = MembershipFactory(
        organisation=commune_org, role=MemberRole.MANAGER, status=MembershipStatus.REJECTED
    ).user
    assert not can(user, Action.VIEW, Thing(owner_organisation=commune_org))
    assert not can(user, Action.MANAGE_MEMBERS, commune_org)


# --- The same rules seen through HTTP ------------------------------------------------


def _client_for(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", 403),
        ("editor", 403),
        ("pending", 403),
        ("manager_other", 403),
        ("expert", 403),
        ("manager", 200),
        ("programme_team", 200),
        ("administrator", 200),
    ],
)
def test_members_page_is_reserved_to_managers_and_programme_team(
    client, user_for, commune_org, role, expected
):
    response = _client_for(client, user_for(role)).get(
        reverse("accounts:organisation_members", args=[commune_org.slug])
    )
    assert response.status_code == expected
    if expected == 403:
        assert "Accès refusé" in response.content.decode()


def test_members_page_sends_anonymous_visitors_to_login(client, commune_org):
    url = reverse("accounts:organisation_members", args=[commune_org.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_members_page_lists_pending_requests_with_contact_for_the_manager(
    client, make_user, commune_org
):
    manager = make_user("manager", commune_org)
    pending = make_user("pending", commune_org)
    client.force_login(manager)
    html = client.get(
        reverse("accounts:organisation_members", args=[commune_org.slug])
    ).content.decode()
    assert pending.full_name in html
    assert pending.email in html


@pytest.mark.parametrize(
    ("role", "sees_members"),
    [
        ("anonymous", False),
        ("authenticated", False),
        ("pending", False),
        ("member_other", False),
        ("manager_other", False),
        ("expert", False),
        ("member", True),
        ("editor", True),
        ("manager", True),
        ("programme_team", True),
        ("administrator", True),
    ],
)
def test_organisation_page_shows_members_only_to_members_and_programme_team(
    client, user_for, commune_org, role, sees_members
):
    colleague = MembershipFactory(
        organisation=commune_org,
        role=MemberRole.EDITOR,
        user=UserFactory(full_name="Colette Exemple", email="colette.exemple@montreuil.test"),
    ).user
    response = _client_for(client, user_for(role)).get(
        reverse("accounts:organisation_detail", args=[commune_org.slug])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (colleague.full_name in html) is sees_members
    # Nobody reads e-mail addresses on the public page, members included.
    assert colleague.email not in html


@pytest.fixture
def pending_request(make_user, commune_org):
    user = make_user("pending", commune_org)
    return Membership.objects.get(user=user, organisation=commune_org)


@pytest.mark.parametrize(
    "role", ["authenticated", "pending", "member", "editor", "manager_other", "expert"]
)
def test_approving_a_membership_is_refused_to_non_managers(client, user_for, pending_request, role):
    client.force_login(user_for(role))
    response = client.post(
        reverse("accounts:membership_decide", args=[pending_request.pk]),
        {"decision": "approve", "role": "manager"},
    )
    assert response.status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.status == MembershipStatus.PENDING
    assert pending_request.role == MemberRole.MEMBER


def test_changing_a_role_is_refused_to_managers_of_another_organisation(
    client, make_user, commune_org, other_commune_org
):
    member = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER)
    client.force_login(make_user("manager", other_commune_org))
    response = client.post(
        reverse("accounts:membership_role", args=[member.pk]), {"role": "manager"}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == MemberRole.MEMBER


def test_approving_a_membership_requires_login(client, pending_request):
    response = client.post(
        reverse("accounts:membership_decide", args=[pending_request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    pending_request.refresh_from_db()
    assert pending_request.status == MembershipStatus.PENDING


@pytest.mark.parametrize("role", ["manager", "programme_team", "administrator"])
def test_managers_and_programme_team_approve_a_membership(client, user_for, pending_request, role):
    client.force_login(user_for(role))
    response = client.post(
        reverse("accounts:membership_decide", args=[pending_request.pk]),
        {"decision": "approve", "role": "editor"},
    )
    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == MembershipStatus.ACTIVE
    assert pending_request.role == MemberRole.EDITOR
