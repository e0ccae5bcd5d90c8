"""Choosing the catalogue solution of a record at catalogue scale: an identifier field
checked on the server, a search that returns at most 20 published solutions (htmx, or a
page without JavaScript), and form pages whose queries do not grow with the catalogue."""

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from citeia.catalogue.models import SolutionStatus
from citeia.core import search
from citeia.registry.models import Record

from .catalogue_factories import SolutionFactory
from .registry_factories import COMPLETE, make_record

SEARCH = "/registre/gestion/solutions/"
CREATE = "/registre/gestion/nouvelle/"
UNKNOWN = "Aucune solution publiée du catalogue n'a l'identifiant"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _indexed(**kwargs):
    solution = SolutionFactory(**kwargs)
    # Tests run in a transaction that never commits: index as the services' hook would.
    search.index(solution)
    return solution


@pytest.fixture
def editor_client(make_user, commune_org):
    client = Client()
    client.force_login(make_user("editor", commune_org))
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def _edit_url(record) -> str:
    return f"/registre/gestion/fiches/{record.public_id}/"


def _posted(record, **changes) -> dict:
    data = {name: value for name, value in COMPLETE.items() if value is not None}
    data["next_review"] = COMPLETE["next_review"].isoformat()
    return {**data, **changes}


def test_unknown_identifier_gets_a_french_error_and_nothing_saved_is_lost(
    editor_client, commune_org
):
    record = make_record(commune_org)
    response = editor_client.post(
        _edit_url(record),
        _posted(
            record, summary="Un résumé réécrit mais pas encore enregistré.", solution="inconnue"
        ),
    )
    assert response.status_code == 422
    page = text(response)
    assert f"{UNKNOWN} « inconnue »" in page
    assert 'aria-invalid="true"' in page
    # What was typed comes back in the form; what was saved is unchanged.
    assert 'value="inconnue"' in page
    assert "Un résumé réécrit mais pas encore enregistré." in page
    record.refresh_from_db()
    assert record.summary == COMPLETE["summary"] and record.solution is None


def test_a_draft_solution_cannot_be_chosen(editor_client, commune_org):
    draft = _indexed(name="Benne brouillon", status=SolutionStatus.DRAFT)
    record = make_record(commune_org)
    response = editor_client.post(_edit_url(record), _posted(record, solution=draft.slug))
    assert response.status_code == 422
    assert UNKNOWN in text(response)
    assert Record.objects.get(pk=record.pk).solution is None
    # Nor through the search's choice, nor through the pre-fill of a new record.
    choice = text(editor_client.get(SEARCH, {"choisir": draft.slug}, **HTMX))
    assert UNKNOWN in choice and "Solution choisie" not in choice
    prefill = editor_client.get(CREATE, {"solution": draft.slug})
    assert prefill.status_code == 422
    assert UNKNOWN in text(prefill)
    assert 'value="Benne brouillon"' not in text(prefill)


def test_a_published_solution_is_chosen_by_identifier_or_pasted_address(editor_client, commune_org):
    solution = _indexed(name="Benne Futée")
    record = make_record(commune_org)
    address = f"https://citeia.example/catalogue/solutions/{solution.slug}/"
    response = editor_client.post(_edit_url(record), _posted(record, solution=address))
    assert response.status_code == 302, text(response)[:3000]
    record.refresh_from_db()
    assert record.solution == solution
    page = text(editor_client.get(_edit_url(record)))
    assert f'value="{solution.slug}"' in page
    assert "Solution choisie : Benne Futée, de " in page
    # Emptying the field unlinks the record.
    editor_client.post(_edit_url(record), _posted(record, solution=""))
    assert Record.objects.get(pk=record.pk).solution is None


def test_htmx_search_returns_at_most_20_published_solutions(editor_client):
    for n in range(25):
        _indexed(name=f"Benne connectée {n}")
    _indexed(name="Benne brouillon", status=SolutionStatus.DRAFT)
    _indexed(name="Benne refusée", status=SolutionStatus.REJECTED)
    _indexed(name="Éclairage public")
    response = editor_client.get(SEARCH, {"q": "benne"}, **HTMX)
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment
    assert fragment.count("Choisir « Benne connectée") == 20
    assert "brouillon" not in fragment and "refusée" not in fragment
    assert "Éclairage" not in fragment
    assert "Seules les 20 premières" in fragment
    assert text(editor_client.get(SEARCH, {"q": "zzzqqq"}, **HTMX)).count("<li") == 0


def test_search_page_without_javascript_gives_identifiers_of_published_solutions(
    editor_client,
):
    published = _indexed(name="Benne Futée")
    draft = _indexed(name="Benne cachée", status=SolutionStatus.DRAFT)
    page = text(editor_client.get(SEARCH, {"q": "benne"}))
    assert "<h1>Trouver une solution du catalogue</h1>" in page
    assert f"<code>{published.slug}</code>" in page
    assert f"{CREATE}?solution={published.slug}" in page
    assert draft.slug not in page and "Benne cachée" not in page
    # The identifier typed as a search is found first, whatever its name.
    page = text(editor_client.get(SEARCH, {"q": published.slug}))
    assert f"<code>{published.slug}</code>" in page


def test_choosing_a_search_result_fills_the_identifier_field(editor_client):
    solution = _indexed(name="Benne Futée")
    response = editor_client.get(SEARCH, {"choisir": solution.slug, "prefill": "1"}, **HTMX)
    fragment = text(response)
    assert 'id="solution-choice"' in fragment
    assert f'value="{solution.slug}"' in fragment and "autofocus" in fragment
    assert "Solution choisie : Benne Futée, de " in fragment
    assert f"{CREATE}?solution={solution.slug}" in fragment


def test_solution_search_is_for_signed_in_agents(client):
    assert client.get(SEARCH, {"q": "benne"}).status_code == 302


def test_record_form_pages_do_not_list_the_catalogue(
    editor_client, commune_org, django_assert_max_num_queries
):
    first = _indexed(name="Benne Futée", slug="benne-futee")
    record = make_record(commune_org, solution=first)
    with CaptureQueriesContext(connection) as create_queries:
        assert editor_client.get(CREATE).status_code == 200
    with CaptureQueriesContext(connection) as edit_queries:
        assert editor_client.get(_edit_url(record)).status_code == 200
    with CaptureQueriesContext(connection) as prefill_queries:
        assert editor_client.get(CREATE, {"solution": first.slug}).status_code == 200
    SolutionFactory.create_batch(60)
    with django_assert_max_num_queries(len(create_queries)):
        page = text(editor_client.get(CREATE))
    assert page.count("solution-de-test-") == 0
    with django_assert_max_num_queries(len(edit_queries)):
        page = text(editor_client.get(_edit_url(record)))
    assert page.count("solution-de-test-") == 0
    with django_assert_max_num_queries(len(prefill_queries)):
        editor_client.get(CREATE, {"solution": first.slug})
