"""The needs ranking keeps each page's order per process, keyed by the catalogue's
version: a page seen again skips ordering every solution, and a new review shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .catalogue_factories import SolutionFactory
from .test_catalogue_reviews_ranking import RANKING, keys, order, params, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(db):
    k1 = keys()[0]
    first = SolutionFactory(name="Alpha")
    second = SolutionFactory(name="Bêta")
    review(first, {k1: 4})
    review(second, {k1: 1})
    return first, second, k1


def _ordering_statements(captured) -> list[str]:
    return [q["sql"] for q in captured if "ORDER BY" in q["sql"] and "ranking_score" in q["sql"]]


def test_a_page_seen_again_is_not_ordered_again(client, two):
    url = RANKING + params({two[2]: 5})
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert _ordering_statements(cold)
    assert not _ordering_statements(warm)
    assert len(warm) < len(cold)
    html = again.content.decode()
    assert order(html, "Alpha", "Bêta") == sorted(order(html, "Alpha", "Bêta"))
    assert first.content.decode().count(">Alpha<") == html.count(">Alpha<")


def test_a_new_review_reorders_at_once(client, two):
    first, second, k1 = two
    url = RANKING + params({k1: 5})
    html = client.get(url).content.decode()
    assert order(html, "Alpha", "Bêta") == sorted(order(html, "Alpha", "Bêta"))
    for _ in range(3):
        review(second, {k1: 4})
    review(first, {k1: 0})
    html = client.get(url).content.decode()
    alpha, beta = order(html, "Alpha", "Bêta")
    assert beta < alpha


def test_an_unpublished_solution_never_shows_from_a_stale_page(client, two):
    first, _second, k1 = two
    url = RANKING + params({k1: 5})
    client.get(url)
    # A change the catalogue's version cannot see (no save, no figures refresh).
    type(first).objects.filter(pk=first.pk).update(status="draft")
    assert ">Alpha<" not in client.get(url).content.decode()
