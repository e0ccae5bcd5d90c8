"""The register's results fragment is cached per process and keyed by the register's
version: a cached request makes one query, and any publication, retirement or archiving
shows on the next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citeia.registry import selectors, services

from .registry_factories import admin_user, make_published

pytestmark = pytest.mark.django_db

HOME = "/registre/"


def test_a_repeated_search_is_served_from_the_cache_in_one_query(client, commune_org):
    make_published(commune_org)
    hx = {"HX-Request": "true"}
    first = client.get(HOME, {"q": "cantine", "theme": "education"}, headers=hx)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(HOME, {"q": "cantine", "theme": "education"}, headers=hx)
    assert again.content == first.content
    assert "cantine" in again.content.decode().lower()
    assert len(captured) == 1, [query["sql"][:80] for query in captured]
    assert "registry_record" in captured[0]["sql"]


def test_a_new_publication_shows_at_once(client, commune_org, other_commune_org):
    make_published(commune_org)
    before = client.get(HOME).content.decode()
    assert "Détection des nids-de-poule" not in before
    make_published(other_commune_org, name="Détection des nids-de-poule", theme="mobility")
    assert "Détection des nids-de-poule" in client.get(HOME).content.decode()


def test_retiring_and_archiving_show_at_once(client, commune_org):
    admin = admin_user()
    record = make_published(commune_org, user=admin, name="Tarification de la cantine")
    assert "Tarification de la cantine" in client.get(HOME).content.decode()
    services.record_retire(user=admin, record=record, note="Remplacé par un autre outil.")
    listed = client.get(HOME).content.decode()
    assert "Tarification de la cantine" in listed  # retired records stay listed, marked
    services.record_archive(user=admin, record=record)
    assert "Tarification de la cantine" not in client.get(HOME).content.decode()
    archived = client.get(HOME, {"statut": "archived"}).content.decode()
    assert "Tarification de la cantine" in archived


def test_the_version_changes_with_any_saved_record(commune_org):
    before = selectors.register_version()
    record = make_published(commune_org)
    after = selectors.register_version()
    assert after != before
    record.save()
    assert selectors.register_version() != after


def test_htmx_requests_get_the_cached_fragment_only(client, commune_org):
    make_published(commune_org)
    page = client.get(HOME).content.decode()
    fragment = client.get(HOME, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert fragment.strip() in page


def test_the_version_changes_when_the_search_index_is_written(commune_org):
    """The index is written after the commit of a publication: a search made in between
    must not stay cached without the new record."""
    from citeia.core import search

    record = make_published(commune_org)
    before = selectors.register_version()
    search.index(record.current_version)
    assert selectors.register_version() != before
