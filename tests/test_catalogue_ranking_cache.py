"""The needs ranking is ordered in memory (`facet_index.rank`, kept per process until the
catalogue's version changes) in exactly the order of the SQL `ranked_solutions`, for any
weights, must-haves, territory and domain, on both databases."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeia.accounts.models import Organisation
from citeia.catalogue import review_selectors
from citeia.catalogue.models import Domain, SolutionStatus
from citeia.catalogue.scoring import MUST_HAVES

from .catalogue_factories import ReferenceFactory, SolutionFactory
from .test_catalogue_reviews_ranking import RANKING, keys, order, params, review

pytestmark = pytest.mark.django_db

DOMAINS = ["dechets", "relation-citoyen", "finances"]


@pytest.fixture
def varied(db, commune_org):
    """30 solutions: tied and accented names, partial reviews, every hosting and
    deployment, references in two territories (one abandoned), some drafts."""
    rng = random.Random(11)
    criteria = keys()
    domains = list(Domain.objects.filter(slug__in=DOMAINS))
    other = Organisation.objects.get(slug="antony")
    for i in range(30):
        solution = SolutionFactory(
            name=rng.choice(["Écho", "echo", "Alpha", "zèbre", "Beta"]) + f" {i % 4}",
            slug=f"classement-{i}",
            is_free_software=rng.random() < 0.5,
            hosting=rng.choice(["france", "eu", "non_eu", "customer", "unknown"]),
            deployment=rng.choice(["saas", "on_premise", "hybrid"]),
            personal_data=rng.choice(["none", "personal", "sensitive"]),
            status=SolutionStatus.DRAFT if i % 10 == 0 else SolutionStatus.PUBLISHED,
            domains=[rng.choice(domains)],
        )
        if rng.random() < 0.6:
            review(solution, {key: rng.randint(0, 4) for key in rng.sample(criteria, 3)})
        if rng.random() < 0.4:
            ReferenceFactory(
                solution=solution,
                organisation=rng.choice([commune_org, other]),
                status=rng.choice(["deployed", "abandoned"]),
            )
    return criteria


def _sql_and_memory(weights, must_haves, territory, domain):
    options = {"weights": weights, "must_haves": must_haves, "territory": territory}
    expected = [s.pk for s in review_selectors.ranked_solutions(**options, domain=domain)]
    page = review_selectors.ranking_page(**options, domain=domain)
    return expected, [s.pk for s in page[0 : len(page)]]


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weights=st.lists(st.integers(0, 5), min_size=6, max_size=6),
    must_haves=st.lists(st.sampled_from(sorted(MUST_HAVES)), unique=True, max_size=3),
    territory=st.sampled_from([None, "T8", "T2", "T5"]),
    domain=st.sampled_from([None, *DOMAINS]),
)
def test_same_order_as_the_sql_ranking(varied, weights, must_haves, territory, domain):
    domain_object = Domain.objects.get(slug=domain) if domain else None
    expected, got = _sql_and_memory(
        dict(zip(varied, weights, strict=False)), must_haves, territory, domain_object
    )
    assert got == expected


def test_the_ranking_page_never_orders_every_solution_in_sql(client, varied):
    url = RANKING + params({varied[0]: 5}, must_haves=["free_software"])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert not [q for q in captured if "ranking_score" in q["sql"]]
    assert len(captured) <= 8, [q["sql"][:80] for q in captured]


def test_a_new_review_reorders_at_once(client, db):
    k1 = keys()[0]
    first = SolutionFactory(name="Alpha")
    second = SolutionFactory(name="Bêta")
    review(first, {k1: 4})
    review(second, {k1: 1})
    url = RANKING + params({k1: 5})
    html = client.get(url).content.decode()
    assert order(html, "Alpha", "Bêta") == sorted(order(html, "Alpha", "Bêta"))
    for _ in range(3):
        review(second, {k1: 4})
    review(first, {k1: 0})
    alpha, beta = order(client.get(url).content.decode(), "Alpha", "Bêta")
    assert beta < alpha


def test_an_unpublished_solution_never_shows_from_a_stale_index(client, db):
    k1 = keys()[0]
    first = SolutionFactory(name="Alpha")
    review(first, {k1: 4})
    url = RANKING + params({k1: 5})
    assert ">Alpha<" in client.get(url).content.decode()
    # A change the catalogue's version cannot see (no save, no figures refresh).
    type(first).objects.filter(pk=first.pk).update(status="draft")
    assert ">Alpha<" not in client.get(url).content.decode()
