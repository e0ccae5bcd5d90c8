"""The catalogue page's in-memory filters, facet counts and sorts (`facet_index`) give
exactly what the SQL selectors give, on both databases, for any combination of filters."""

import random

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeia.accounts.models import Organisation
from citeia.catalogue import facet_index, selectors
from citeia.catalogue.models import (
    Domain,
    ReferenceStatus,
    SolutionFigures,
    SolutionStatus,
    Technique,
)
from citeia.core import search
from citeia.core.permissions import MemberRole

from .catalogue_factories import ReferenceFactory, ReviewFactory, SolutionFactory, VendorFactory
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

WORDS = ["déchets ménagers", "délibérations", "assistant", "collecte", "cantine", "voirie"]
DOMAINS = ["dechets", "relation-citoyen", "deliberations-actes", "finances", "inconnu"]
TECHNIQUES = ["langage", "vision", "generative", "optimisation"]


@pytest.fixture
def generated(db, commune_org):
    """40 solutions with every facet value, some drafts, reviews, references, AI Act
    classes and frugality grades; two organisations in different territories."""
    rng = random.Random(5)
    domains = list(Domain.objects.filter(slug__in=DOMAINS))
    techniques = list(Technique.objects.filter(slug__in=TECHNIQUES))
    vendors = [VendorFactory(name=f"Éditeur {i}") for i in range(4)]
    other = Organisation.objects.get(slug="antony")
    solutions = []
    for i in range(40):
        solution = SolutionFactory(
            name=rng.choice(["Alpha", "Beta", "Gamma", "alpha", "Écho"]) + f" {i}",
            vendor=rng.choice(vendors),
            summary=f"Solution pour {rng.choice(WORDS)} et {rng.choice(WORDS)}.",
            maturity=rng.choice(["concept", "prototype", "pilot", "production"]),
            deployment=rng.choice(["saas", "on_premise", "hybrid"]),
            hosting=rng.choice(["france", "eu", "non_eu", "customer", "unknown"]),
            personal_data=rng.choice(["none", "personal", "sensitive"]),
            is_free_software=rng.random() < 0.5,
            status=SolutionStatus.DRAFT if i % 9 == 0 else SolutionStatus.PUBLISHED,
            domains=rng.sample(domains, rng.randint(1, 2)),
            techniques=rng.sample(techniques, rng.randint(1, 2)),
        )
        search.index(solution)
        solutions.append(solution)
        if rng.random() < 0.5:
            ReviewFactory(solution=solution)
        if rng.random() < 0.4:
            ReferenceFactory(
                solution=solution,
                organisation=rng.choice([commune_org, other]),
                status=rng.choice([ReferenceStatus.DEPLOYED, ReferenceStatus.ABANDONED]),
            )
    for solution in solutions:
        SolutionFigures.objects.filter(solution=solution).update(
            aiact_outcome=rng.choice(["", "high_risk", "minimal", "out_of_scope"]),
            frugality_grade=rng.choice(["", "A", "C", "E"]),
            mean_score=rng.choice([None, 1.5, 2.0, 3.25]),
            reference_count=rng.randint(0, 3),
        )
    agent = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER).user
    return {"solutions": solutions, "agent": agent}


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values if isinstance(values, list) else [values])
    return query


def _compare(params: dict, user) -> tuple[list[int], list]:
    filters = selectors.CatalogueFilters.from_query(_query(params))
    expected = [s.pk for s in selectors.catalogue_search(filters, user=user)]
    results, facets = selectors.catalogue_page(filters, user=user)
    got = [s.pk for s in results[0 : len(results)]]
    assert len(results) == len(expected)
    assert got == expected, params
    assert facets == selectors.catalogue_facets(filters, user=user), params
    return got, facets


filters_strategy = st.fixed_dictionaries(
    {},
    optional={
        "q": st.sampled_from(["dechet", "délibération", "assistant collecte", "zzz", "le"]),
        "domaine": st.lists(st.sampled_from(DOMAINS), max_size=2),
        "technique": st.lists(st.sampled_from(TECHNIQUES), max_size=2),
        "maturite": st.lists(st.sampled_from(["pilot", "production", "bogus"]), max_size=2),
        "hebergement": st.lists(st.sampled_from(["eu", "france", "non_eu"]), max_size=2),
        "donnees": st.lists(st.sampled_from(["none", "personal"]), max_size=1),
        "aiact": st.lists(st.sampled_from(["high_risk", "minimal"]), max_size=2),
        "sobriete": st.lists(st.sampled_from(["A", "E"]), max_size=1),
        "libre": st.sampled_from(["oui", "non", ""]),
        "evaluee": st.sampled_from(["oui", "non"]),
        "mon_territoire": st.just("oui"),
        "tri": st.sampled_from(["", "pertinence", "recentes", "utilisees", "note"]),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=filters_strategy, signed_in=st.booleans())
def test_same_results_order_and_counts_as_the_sql_selectors(generated, params, signed_in):
    _compare(params, generated["agent"] if signed_in else None)


@pytest.mark.parametrize("sort", ["", "pertinence", "recentes", "utilisees", "note"])
def test_every_sort_agrees_without_and_with_a_search(generated, sort):
    everything, _facets = _compare({"tri": sort}, None)
    assert len(everything) == 35  # 40 less the 5 drafts
    found, _facets = _compare({"tri": sort, "q": "dechets"}, generated["agent"])
    assert 0 < len(found) < 35


def test_my_territory_counts_only_references_not_abandoned(generated, commune_org):
    _got, facets = _compare({"mon_territoire": "oui"}, generated["agent"])
    territory = next(facet for facet in facets if facet.key == "mon_territoire")
    expected = {
        solution.pk
        for solution in selectors.published_solutions()
        .filter(references__organisation__territory=commune_org.territory)
        .exclude(references__status=ReferenceStatus.ABANDONED)
    }
    assert territory.options[0].count == len(expected)


def test_a_change_to_the_catalogue_rebuilds_the_index(generated):
    filters = selectors.CatalogueFilters()
    before, _facets = selectors.catalogue_page(filters)
    index = facet_index.current(selectors.catalogue_version(), selectors.choice_values())
    new = SolutionFactory(name="Nouvelle venue")
    after, _facets = selectors.catalogue_page(filters)
    assert len(after) == len(before) + 1
    assert new.pk in [solution.pk for solution in after[0 : len(after)]]
    assert (
        facet_index.current(selectors.catalogue_version(), selectors.choice_values()) is not index
    )


def test_a_stale_index_never_shows_a_draft(generated):
    """Were the version to miss a change, the page's rows are fetched published only."""
    filters = selectors.CatalogueFilters(sort="recentes")
    version = selectors.catalogue_version()
    results, _facets = selectors.catalogue_page(filters, version=version)
    first = results[0]
    # A change the version cannot see (no save, no figures refresh).
    type(first).objects.filter(pk=first.pk).update(status=SolutionStatus.DRAFT)
    results, _facets = selectors.catalogue_page(filters, version=version)
    assert first.pk not in [solution.pk for solution in results[0:20]]


def test_the_page_fetches_its_twenty_rows_in_constant_queries(generated, django_assert_num_queries):
    filters = selectors.CatalogueFilters(q="dechets", sort="note")
    version = selectors.catalogue_version()
    selectors.catalogue_page(filters, version=version)  # builds the index
    with django_assert_num_queries(1):  # the text match
        results, _facets = selectors.catalogue_page(filters, version=version)
    with django_assert_num_queries(3):  # solutions with figures, domains, techniques
        page = results[0:20]
    assert page


def test_the_version_changes_when_the_search_index_is_written(generated):
    """The index is written after the commit of a change: a search made in between must
    not stay cached, nor the facet index, with the old text."""
    before = selectors.catalogue_version()
    search.index(generated["solutions"][1])
    assert selectors.catalogue_version() != before
