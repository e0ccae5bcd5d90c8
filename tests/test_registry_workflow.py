"""Records: workflow, permission matrix for every role, drafts that never leak, public ids,
required fields, history and diffs."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from citeia.registry import schema, selectors, services
from citeia.registry.models import Record, RecordStatus, RecordVersion

from .registry_factories import COMPLETE, admin_user, make_published, make_record, republish

ROLES = [
    "anonymous",
    "authenticated",
    "member",
    "editor",
    "manager",
    "other_member",
    "other_editor",
    "other_manager",
    "expert",
    "programme_team",
    "administrator",
]


@pytest.fixture
def client_as(make_user, commune_org, other_commune_org):
    def make(role: str) -> Client:
        client = Client()
        if role == "anonymous":
            return client
        if role.startswith("other_"):
            user = make_user(role.removeprefix("other_"), other_commune_org)
        elif role in ("member", "editor", "manager"):
            user = make_user(role, commune_org)
        else:
            user = make_user(role)
        client.force_login(user)
        return client

    return make


def _edit_url(record):
    return f"/registre/gestion/fiches/{record.public_id}/"


# --- Permission matrix ----------------------------------------------------------------------

EDIT_DRAFT = {
    "anonymous": 302,
    "authenticated": 404,
    "member": 403,
    "editor": 200,
    "manager": 200,
    "other_member": 404,
    "other_editor": 404,
    "other_manager": 404,
    "expert": 404,
    "programme_team": 403,
    "administrator": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_draft_edit_page_by_role(role, client_as, commune_org):
    record = make_record(commune_org)
    assert client_as(role).get(_edit_url(record)).status_code == EDIT_DRAFT[role]


EDIT_PUBLISHED = {
    **EDIT_DRAFT,
    "authenticated": 403,
    "other_member": 403,
    "other_editor": 403,
    "other_manager": 403,
    "expert": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_editor_of_another_commune_gets_403_on_a_published_record(role, client_as, commune_org):
    record = make_published(commune_org)
    response = client_as(role).post(_edit_url(record), {**COMPLETE, "name": "Piraté"})
    allowed = EDIT_PUBLISHED[role] == 200
    # Saved: redirected to the form; anonymous: redirected to the login page.
    assert response.status_code == (302 if allowed else EDIT_PUBLISHED[role])
    record.refresh_from_db()
    assert (record.name == "Piraté") == allowed


SUBMIT = {
    "anonymous": 302,
    "authenticated": 404,
    "member": 403,
    "editor": 302,
    "manager": 302,
    "other_member": 404,
    "other_editor": 404,
    "other_manager": 404,
    "expert": 404,
    "programme_team": 403,
    "administrator": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_submit_by_role(role, client_as, commune_org):
    record = make_record(commune_org)
    response = client_as(role).post(f"/registre/gestion/fiches/{record.public_id}/soumettre/")
    assert response.status_code == SUBMIT[role]
    record.refresh_from_db()
    submitted = SUBMIT[role] == 302 and role != "anonymous"
    assert record.status == (RecordStatus.IN_REVIEW if submitted else RecordStatus.DRAFT)


PUBLISH = {
    "anonymous": 302,
    "authenticated": 404,
    "member": 403,
    "editor": 403,
    "manager": 302,
    "other_member": 404,
    "other_editor": 404,
    "other_manager": 404,
    "expert": 403,  # sees records in review, does not publish them
    "programme_team": 302,
    "administrator": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_publish_by_role(role, client_as, commune_org):
    record = make_record(commune_org)
    services.record_submit(user=admin_user(), record=record)
    url = f"/registre/gestion/fiches/{record.public_id}/relire/"
    response = client_as(role).post(url, {"action": "publish", "note": "ok"})
    assert response.status_code == PUBLISH[role]
    record.refresh_from_db()
    published = PUBLISH[role] == 302 and role != "anonymous"
    assert record.is_public == published
    assert (record.status == RecordStatus.PUBLISHED) == published


@pytest.mark.parametrize("role", ["manager", "programme_team"])
def test_reviewer_sends_a_record_back_with_a_message(role, client_as, commune_org):
    record = make_record(commune_org)
    services.record_submit(user=admin_user(), record=record)
    url = f"/registre/gestion/fiches/{record.public_id}/relire/"
    client = client_as(role)
    assert client.post(url, {"action": "send_back", "message": ""}).status_code == 422
    assert (
        client.post(url, {"action": "send_back", "message": "Précisez la base légale."}).status_code
        == 302
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert record.status_message == "Précisez la base légale."


# --- Required fields -----------------------------------------------------------------------


def test_submitting_with_required_fields_empty_lists_every_missing_field(client_as, commune_org):
    record = make_record(
        commune_org, legal_basis="", human_oversight="", parameters="", next_review=None
    )
    response = client_as("editor").post(f"/registre/gestion/fiches/{record.public_id}/soumettre/")
    assert response.status_code == 422
    text = response.content.decode()
    for label in (
        "base légale",
        "intervention humaine",
        "paramètres et pondérations",
        "prochaine revue",
    ):
        assert label in text
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    assert record.legal_basis == ""  # nothing saved is lost or changed


def test_a_withheld_field_with_a_legal_reason_is_not_missing(commune_org):
    record = make_record(commune_org, parameters="", withheld={"parameters": "l311_6_business"})
    assert schema.missing_fields(record) == []


def test_withholding_needs_a_known_legal_reason(commune_org):
    with pytest.raises(ValidationError) as error:
        make_record(commune_org, withheld={"parameters": "parce que"})
    assert "motif légal" in str(error.value)
    with pytest.raises(ValidationError):
        make_record(commune_org, withheld={"name": "l311_6_business"})


def test_creating_through_the_form_saves_a_draft_and_shows_readability(client_as, commune_org):
    client = client_as("editor")
    page = client.get("/registre/gestion/nouvelle/")
    assert "Lisibilité" in page.content.decode() or "lisibilité" in page.content.decode()
    data = {**COMPLETE, "next_review": "2099-01-01", "organisation": commune_org.pk}
    response = client.post("/registre/gestion/nouvelle/", data)
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.status == RecordStatus.DRAFT
    assert record.public_id == "CIA-93048-0001"


def test_invalid_form_answers_422_and_keeps_what_was_typed(client_as, commune_org):
    client = client_as("editor")
    data = {**COMPLETE, "summary": "x" * 400, "organisation": commune_org.pk}
    response = client.post("/registre/gestion/nouvelle/", data)
    assert response.status_code == 422
    assert COMPLETE["description"] in response.content.decode()
    assert not Record.objects.exists()


def test_readability_fragment_follows_the_typed_description(client_as):
    client = client_as("editor")
    response = client.post(
        "/registre/gestion/lisibilite/", {"description": "Une phrase simple. Une autre."}
    )
    assert response.status_code == 200
    assert 'id="lisibilite"' in response.content.decode()
    assert "objectif atteint" in response.content.decode()


# --- Public ids ------------------------------------------------------------------------------


def test_public_ids_use_insee_for_communes_and_siren_otherwise_and_are_never_reused(commune_org):
    from citeia.accounts.models import Organisation

    first = make_record(commune_org)
    second = make_record(commune_org)
    assert (first.public_id, second.public_id) == ("CIA-93048-0001", "CIA-93048-0002")
    services.record_delete(user=admin_user(), record=second)
    assert make_record(commune_org).public_id == "CIA-93048-0003"
    metropole = Organisation.objects.get(kind="metropole")
    assert make_record(metropole).public_id == f"CIA-{metropole.siren}-0001"


def test_a_published_record_cannot_be_deleted(commune_org):
    record = make_published(commune_org)
    with pytest.raises(services.WorkflowError):
        services.record_delete(user=admin_user(), record=record)


# --- Drafts never leak -----------------------------------------------------------------------

SECRET = "Zorglubienne"


def _crawl_public(client, record) -> str:
    pid = record.public_id
    pages = [
        "/registre/",
        "/registre/?format=csv",
        "/registre/?format=json",
        f"/registre/fiches/{pid}/",
        f"/registre/fiches/{pid}.json",
        f"/registre/fiches/{pid}.csv?historique=1",
        f"/registre/fiches/{pid}/historique/",
        f"/registre/fiches/{pid}/versions/1/",
        f"/registre/fiches/{pid}/comparer/",
        f"/registre/fiches/{pid}/mention/",
        "/registre/organisations/montreuil/",
        "/registre/couverture/",
        "/territoire/communes/93048/",
        "/api/register/records",
        f"/api/register/records/{pid}",
        f"/api/register/records/{pid}/history",
    ]
    # A search for the word finds nothing (the page echoes the query, so it is not crawled).
    assert "0 fiche" in client.get(f"/registre/?q={SECRET}").content.decode()
    out = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out.append(body.decode("utf-8-sig"))
    return "\n".join(out)


def test_edits_to_a_published_record_never_leak_before_publication(client_as, commune_org):
    record = make_published(commune_org)
    services.record_update(
        user=admin_user(), record=record, data={"goal": f"Objectif {SECRET}", "name": SECRET}
    )
    services.record_submit(user=admin_user(), record=record)
    for role in ("anonymous", "authenticated", "other_manager", "expert"):
        assert SECRET not in _crawl_public(client_as(role), record), role
    # A brand-new draft does not exist for the public.
    draft = make_record(commune_org, name=SECRET)
    assert Client().get(f"/registre/fiches/{draft.public_id}/").status_code == 404
    assert Client().get(f"/api/register/records/{draft.public_id}").status_code == 404


def test_withheld_fields_show_their_reason_and_never_their_content(commune_org):
    record = make_published(
        commune_org, cost=f"{SECRET} euros", withheld={"cost": "l311_6_business"}
    )
    text = _crawl_public(Client(), record)
    assert SECRET not in text
    page = Client().get(record.get_absolute_url()).content.decode()
    assert "Information non publiée — motif : Secret des affaires (CRPA L311-6, 1°)" in page


# --- History, dates and diffs ------------------------------------------------------------------


def test_the_record_as_it_was_on_a_date_with_the_diff_to_now(commune_org):
    now = timezone.now()
    record = make_published(commune_org, when=now - datetime.timedelta(days=40))
    record = republish(
        record,
        when=now - datetime.timedelta(days=5),
        goal="Fixer le tarif selon le quotient familial et la composition du foyer.",
    )
    assert record.current_version.number == 2
    last_month = (now - datetime.timedelta(days=30)).date()
    assert selectors.version_on(record, last_month).number == 1
    assert selectors.version_on(record, (now - datetime.timedelta(days=60)).date()) is None

    client = Client()
    response = client.get(f"/registre/fiches/{record.public_id}/historique/?date={last_month}")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Version 1" in page
    assert "Fixer le tarif de la restauration scolaire selon les ressources." in page
    assert "Ce qui a changé depuis" in page
    assert "quotient familial et la composition du foyer" in page  # the diff's "after"


def test_history_keeps_every_version_with_its_schema_version(commune_org):
    record = make_published(commune_org)
    record = republish(record, goal="Deuxième objectif.")
    record = republish(record, goal="Troisième objectif.")
    page = Client().get(f"/registre/fiches/{record.public_id}/historique/").content.decode()
    for n in (1, 2, 3):
        assert f"Version {n}" in page
    diff = Client().get(f"/registre/fiches/{record.public_id}/comparer/?de=1&a=3").content.decode()
    assert "Deuxième objectif." not in diff
    assert "Troisième objectif." in diff
    assert (
        RecordVersion.objects.filter(record=record)
        .values_list("schema_version", flat=True)
        .distinct()
        .get()
        == 1
    )


def test_field_by_field_diff_marks_withheld_changes(commune_org):
    record = make_published(commune_org)
    old = record.current_version.snapshot
    record = republish(record, cost="Confidentiel")
    services.record_update(
        user=admin_user(), record=record, data={}, withheld={"cost": "l311_6_business"}
    )
    new = schema.snapshot(Record.objects.get(pk=record.pk))
    changes = {change.name: change for change in schema.diff(old, new)}
    assert "Information non publiée" in changes["cost"].after
    assert "12 000" in changes["cost"].before


def test_bad_dates_and_versions_are_clear_4xx(commune_org):
    record = make_published(commune_org)
    client = Client()
    assert (
        client.get(f"/registre/fiches/{record.public_id}/historique/?date=hier").status_code == 400
    )
    assert client.get(f"/registre/fiches/{record.public_id}/versions/9/").status_code == 404
    assert client.get("/registre/fiches/CIA-00000-0001/").status_code == 404


# --- Retire and archive ---------------------------------------------------------------------


def test_retired_record_stays_public_and_archived_leaves_the_list(client_as, commune_org):
    record = make_published(commune_org)
    client = client_as("manager")
    url = f"/registre/gestion/fiches/{record.public_id}/retirer/"
    assert client.post(url, {"message": ""}).status_code == 422
    assert client.post(url, {"message": "Remplacé par un nouveau logiciel."}).status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.RETIRED
    assert record.current_version.status == RecordStatus.RETIRED
    page = Client().get(record.get_absolute_url()).content.decode()
    assert "n’est plus utilisé" in page
    assert record.public_id in Client().get("/registre/").content.decode()
    assert client.post(f"/registre/gestion/fiches/{record.public_id}/archiver/").status_code == 302
    assert record.public_id not in Client().get("/registre/").content.decode()
    assert record.public_id in Client().get("/registre/?statut=archived").content.decode()
    assert Client().get(record.get_absolute_url()).status_code == 200


def test_editor_may_not_retire(client_as, commune_org):
    record = make_published(commune_org)
    url = f"/registre/gestion/fiches/{record.public_id}/retirer/"
    assert client_as("editor").post(url, {"message": "x"}).status_code == 403


def test_working_copy_history_is_kept_with_simple_history(commune_org):
    record = make_published(commune_org)
    reasons = list(
        record.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == "Fiche créée"
    assert "Publiée" in reasons


def test_snapshot_carries_organisation_ids(commune_org):
    record = make_published(commune_org)
    snap = record.current_version.snapshot
    assert snap["organisation"]["insee"] == "93048"
    assert snap["public_id"] == record.public_id
    json.dumps(snap)


def test_a_new_record_is_prefilled_from_a_catalogue_solution(client_as, commune_org):
    from .catalogue_factories import SolutionFactory

    solution = SolutionFactory(name="Benne Futée", summary="Calcule les tournées des bennes.")
    client = client_as("editor")
    page = client.get(f"/registre/gestion/nouvelle/?solution={solution.slug}").content.decode()
    assert 'value="Benne Futée"' in page
    assert "Calcule les tournées des bennes." in page
    assert solution.vendor.name in page
    data = {
        **COMPLETE,
        "name": "Benne Futée",
        "solution": solution.slug,
        "organisation": commune_org.pk,
    }
    assert client.post("/registre/gestion/nouvelle/", data).status_code == 302
    record = Record.objects.get(name="Benne Futée")
    assert record.solution == solution
    services.record_submit(user=admin_user(), record=record)
    services.record_publish(user=admin_user(), record=record)
    page = Client().get(record.get_absolute_url()).content.decode()
    assert f"/catalogue/solutions/{solution.slug}/" in page
