import pytest
from django.urls import reverse

from citeia.accounts.models import Membership
from citeia.accounts.throttle import client_ip
from citeia.core.permissions import MemberRole

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_last_manager_cannot_be_demoted(client, commune_org):
    manager = MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER)
    client.force_login(manager.user)
    response = client.post(
        reverse("accounts:membership_role", args=[manager.pk]), {"role": "member"}, follow=True
    )
    assert "dernier gestionnaire" in response.content.decode()
    assert Membership.objects.get(pk=manager.pk).role == MemberRole.MANAGER


def test_a_manager_can_be_demoted_when_another_remains(client, commune_org):
    first = MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER)
    MembershipFactory(organisation=commune_org, role=MemberRole.MANAGER)
    client.force_login(first.user)
    client.post(reverse("accounts:membership_role", args=[first.pk]), {"role": "editor"})
    assert Membership.objects.get(pk=first.pk).role == MemberRole.EDITOR


def test_client_address_comes_from_the_trusted_proxy_only(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The last hop was appended by our proxy; the first one could be forged by the client.
    assert client_ip(request) == "203.0.113.7"
