"""Shared fixtures. The network is blocked: only loopback and local sockets may connect."""

import ipaddress
import os
import socket

import pytest

from citeia.accounts.models import MembershipStatus, Organisation
from citeia.core.permissions import MemberRole, PlatformRole

from .factories import MembershipFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# made by the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "mot-de-passe-solide-42"
_real_connect = socket.socket.connect


def _is_local(address) -> bool:
    if isinstance(address, str | bytes):  # Unix socket
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
        raise OSError(f"Network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def block_network():
    socket.socket.connect = _guarded_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(autouse=True)
def clear_process_caches():
    """Per-process caches outlive a test's rolled-back transaction: start each test empty."""
    from django.core.cache import caches

    from citeia.catalogue import facet_index

    caches["catalogue_results"].clear()
    caches["catalogue_cards"].clear()
    caches["registry_results"].clear()
    facet_index.clear()
    yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def commune_org(db):
    return Organisation.objects.get(slug="montreuil")


@pytest.fixture
def other_commune_org(db):
    return Organisation.objects.get(slug="antony")


def _member(organisation, role, status=MembershipStatus.ACTIVE):
    return MembershipFactory(organisation=organisation, role=role, status=status).user


@pytest.fixture
def make_user(db):
    """make_user(kind, organisation): one user per role of the permission matrix."""

    def make(kind: str, organisation=None):
        if kind == "anonymous":
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        if kind == "authenticated":
            return UserFactory()
        if kind == "pending":
            return _member(organisation, MemberRole.MEMBER, MembershipStatus.PENDING)
        if kind in ("member", "editor", "manager"):
            return _member(organisation, MemberRole(kind))
        if kind == "expert":
            return UserFactory(platform_role=PlatformRole.EXPERT)
        if kind == "programme_team":
            return UserFactory(platform_role=PlatformRole.PROGRAMME_TEAM)
        if kind == "administrator":
            return UserFactory(
                platform_role=PlatformRole.ADMINISTRATOR, is_superuser=True, is_staff=True
            )
        raise ValueError(kind)

    return make
