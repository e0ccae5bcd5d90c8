"""Vendors write through the API: create or update a draft in the import format, submit it."""

import pytest
from django.core import mail

from citeia.accounts.services import api_token_create
from citeia.catalogue.models import Solution, SolutionStatus
from citeia.core.permissions import MemberRole

from .catalogue_factories import SolutionFactory, VendorFactory
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/catalogue/solutions"


def token_for(user) -> dict:
    _token, secret = api_token_create(user=user, name="API")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def vendor(db):
    return VendorFactory(name="Logiciels Exemple", siren="732829320")


@pytest.fixture
def editor(vendor):
    return MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user


def record(vendor, **overrides) -> dict:
    data = {
        "vendor": vendor.slug,
        "name": "Assistant courrier",
        "summary": "Trie le courrier entrant des mairies.",
        "domains": ["relation-citoyen"],
        "techniques": ["langage"],
        "maturity": "pilot",
        "licence": "AGPL-3.0-or-later",
        "deployment": "on_premise",
        "personal_data": "personal",
        "model_provenance": "own",
    }
    data.update(overrides)
    return data


def test_vendor_editor_creates_updates_and_submits_a_draft(
    client, vendor, editor, make_user, django_capture_on_commit_callbacks
):
    make_user("programme_team")
    auth = token_for(editor)
    created = client.post(URL, record(vendor), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["action"], body["status"]) == ("created", "draft")
    solution = Solution.objects.get(slug=body["slug"])
    assert solution.vendor == vendor and solution.domains.get().slug == "relation-citoyen"
    # A draft is not public, in pages or API.
    assert client.get(f"{URL}/{solution.slug}").status_code == 404
    versions = solution.history.count()
    again = client.post(
        URL,
        record(vendor, summary="Trie et répartit le courrier."),
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 200 and again.json()["action"] == "updated"
    solution.refresh_from_db()
    assert solution.summary == "Trie et répartit le courrier."
    assert solution.history.count() > versions
    assert solution.history.latest().summary == "Trie et répartit le courrier."
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"{URL}/{solution.slug}/submit", **auth)
    assert submitted.status_code == 200 and submitted.json()["status"] == SolutionStatus.IN_REVIEW
    assert mail.outbox, "the programme team hears of the submission"
    # Submitted twice: the workflow says no, nothing changes.
    twice = client.post(f"{URL}/{solution.slug}/submit", **auth)
    assert twice.status_code == 409
    # In review, the vendor may not change it any more.
    locked = client.post(
        URL, record(vendor, summary="Autre."), content_type="application/json", **auth
    )
    assert locked.status_code == 422
    solution.refresh_from_db()
    assert solution.summary == "Trie et répartit le courrier."


def test_bad_records_get_every_error_with_its_field_and_save_nothing(client, vendor, editor):
    auth = token_for(editor)
    response = client.post(
        URL,
        record(
            vendor, licence="GPL", website="pas une adresse", domains=["astrologie"], colour="bleu"
        ),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "colour" in fields
    response = client.post(
        URL,
        record(vendor, licence="GPL", domains=["astrologie"]),
        content_type="application/json",
        **auth,
    )
    assert {error["field"] for error in response.json()["errors"]} == {"domains"}
    response = client.post(
        URL, record(vendor, licence="GPL"), content_type="application/json", **auth
    )
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"licence"}
    assert "SPDX" in response.json()["errors"][0]["message"]
    assert not Solution.objects.exists()
    assert client.post(URL, "[1, 2]", content_type="application/json", **auth).status_code == 422


def test_only_the_vendors_editors_write(client, vendor, editor, commune_org, make_user):
    anonymous = client.post(URL, record(vendor), content_type="application/json")
    assert anonymous.status_code == 401
    other = MembershipFactory(organisation=VendorFactory(), role=MemberRole.EDITOR).user
    refused = client.post(URL, record(vendor), content_type="application/json", **token_for(other))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "vendor"
    member = MembershipFactory(organisation=vendor, role=MemberRole.MEMBER).user
    assert (
        client.post(
            URL, record(vendor), content_type="application/json", **token_for(member)
        ).status_code
        == 422
    )
    assert not Solution.objects.exists()
    draft = SolutionFactory(vendor=vendor, status="draft")
    for user, expected in ((other, 404), (member, 403), (make_user("editor", commune_org), 404)):
        response = client.post(f"{URL}/{draft.slug}/submit", **token_for(user))
        assert response.status_code == expected, user
    draft.refresh_from_db()
    assert draft.status == "draft"
