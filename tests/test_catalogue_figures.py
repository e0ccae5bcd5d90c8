"""Stored solution figures: kept up to date by every write path, and the needs ranking
computed by the database from them gives the order of the reference `scoring.rank`."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citeia.accounts.models import Organisation
from citeia.catalogue import review_selectors, review_services
from citeia.catalogue.models import Criterion, Domain, GridVersion, SolutionFigures
from citeia.catalogue.scoring import MUST_HAVES, rank
from citeia.core import search

from .catalogue_factories import ReferenceFactory, ReviewFactory, SolutionFactory, score_review

pytestmark = pytest.mark.django_db


def action1_keys() -> list[str]:
    grid = GridVersion.objects.order_by("-number").first()
    return list(
        Criterion.objects.filter(grid=grid, axis="criterion")
        .order_by("position")
        .values_list("key", flat=True)
    )


def test_review_saved_through_the_service_updates_the_figures(make_user):
    solution = SolutionFactory()
    grid = GridVersion.objects.order_by("-number").first()
    criteria = list(grid.criteria.filter(axis="criterion"))
    expert = make_user("expert")
    review_services.review_save(
        actor=expert,
        solution=solution,
        grid=grid,
        scores={c: (3 if i == 0 else 1, "Justifiée.", "") for i, c in enumerate(criteria)},
    )
    figures = SolutionFigures.objects.get(solution=solution)
    assert figures.review_count == 1
    assert figures.criterion_means[criteria[0].key] == 3.0
    assert figures.criterion_means[criteria[1].key] == 1.0
    assert figures.mean_score == pytest.approx((3 + (len(criteria) - 1)) / len(criteria))

    # The same expert changes their review: replaced, not added.
    review_services.review_save(
        actor=expert,
        solution=solution,
        grid=grid,
        scores={c: (4, "Revue.", "") for c in criteria},
    )
    figures.refresh_from_db()
    assert figures.review_count == 1
    assert figures.mean_score == 4.0


def test_abandoned_references_are_not_counted(commune_org, other_commune_org):
    solution = SolutionFactory()
    ReferenceFactory(solution=solution, organisation=commune_org, status="deployed")
    ReferenceFactory(solution=solution, organisation=other_commune_org, status="abandoned")
    assert SolutionFigures.objects.get(solution=solution).reference_count == 1


def test_refresh_command_rebuilds_figures_changed_behind_the_services():
    solution = SolutionFactory()
    review = score_review(ReviewFactory(solution=solution), {action1_keys()[0]: 2})
    SolutionFigures.objects.filter(solution=solution).update(review_count=0, mean_score=None)
    call_command("refresh_solution_figures", stdout=StringIO())
    figures = SolutionFigures.objects.get(solution=solution)
    assert figures.review_count == 1
    assert figures.mean_score == 2.0
    review.delete()
    call_command("refresh_solution_figures", stdout=StringIO())
    figures.refresh_from_db()
    assert (figures.review_count, figures.mean_score, figures.criterion_means) == (0, None, {})


def test_best_score_sort_reads_the_stored_means(client):
    low, high, none = (
        SolutionFactory(name="Basse"),
        SolutionFactory(name="Haute"),
        SolutionFactory(),
    )
    key = action1_keys()[0]
    score_review(ReviewFactory(solution=low), {key: 1})
    score_review(ReviewFactory(solution=high), {key: 4})
    page = client.get(reverse("catalogue:solution_list"), {"tri": "note"}).content.decode()
    assert page.index("Haute") < page.index("Basse") < page.index(none.name)


def test_search_with_three_facets_runs_at_most_ten_queries(client, commune_org):
    dechets = Domain.objects.get(slug="dechets")
    for i in range(12):
        solution = SolutionFactory(
            name=f"Tri des déchets {i}",
            domains=[dechets],
            maturity="production",
            is_free_software=i % 2 == 0,
        )
        search.index(solution)
        ReferenceFactory(solution=solution, organisation=commune_org)
    params = {"q": "dechets", "domaine": "dechets", "maturite": "production", "libre": "oui"}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("catalogue:solution_list"), params)
    assert response.status_code == 200
    assert "Tri des déchets 0" in response.content.decode()
    assert len(captured) <= 10, [q["sql"][:120] for q in captured]


@pytest.fixture
def varied_catalogue(db):
    """40 published solutions with every combination of the must-have attributes, random
    reviews (some criteria unreviewed, some solutions never reviewed) and references in
    two territories, one abandoned."""
    rng = random.Random(20261127)
    keys = action1_keys()
    communes = list(
        Organisation.objects.filter(kind="commune", commune__isnull=False).order_by("slug")[:6]
    )
    domains = [Domain.objects.get(slug="dechets"), Domain.objects.get(slug="eau")]
    for i in range(40):
        solution = SolutionFactory(
            name=f"Solution {i:02d}",
            is_free_software=rng.random() < 0.5,
            hosting=rng.choice(["france", "eu", "customer", "non_eu", "unknown"]),
            deployment=rng.choice(["saas", "on_premise", "hybrid"]),
            personal_data=rng.choice(["none", "personal", "sensitive"]),
            domains=[rng.choice(domains)],
        )
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            chosen = rng.sample(keys, rng.randint(1, len(keys)))
            score_review(ReviewFactory(solution=solution), {k: rng.randint(0, 4) for k in chosen})
        for commune in rng.sample(communes, rng.choice([0, 0, 1, 2])):
            ReferenceFactory(
                solution=solution,
                organisation=commune,
                status=rng.choice(["deployed", "experimenting", "abandoned"]),
            )
    return keys, communes, domains


def test_database_ranking_gives_the_reference_order(varied_catalogue):
    keys, communes, domains = varied_catalogue
    rng = random.Random(7)
    territory = communes[0].commune.territory.code
    cases = [({k: 3 for k in keys}, [], None, None)]
    for _ in range(12):
        weights = {k: rng.randint(0, 5) for k in keys}
        must_haves = rng.sample(sorted(MUST_HAVES), rng.randint(0, 3))
        cases.append((weights, must_haves, rng.choice([territory, None]), rng.choice(domains)))
    cases.append(({k: 0 for k in keys}, ["used_in_my_territory"], territory, None))
    for weights, must_haves, code, domain in cases:
        expected = [
            r.facts.id
            for r in rank(review_selectors.ranking_facts(domain=domain), weights, must_haves, code)
        ]
        ranked = review_selectors.ranked_solutions(
            weights=weights, must_haves=must_haves, territory=code, domain=domain
        )
        assert [s.pk for s in ranked] == expected, (weights, must_haves, code, domain)
        # The explanation of a page is the reference's, row for row.
        explained = review_selectors.explain_page(
            list(ranked[:5]), weights=weights, must_haves=must_haves, territory=code
        )
        reference = {
            r.facts.id: r
            for r in rank(review_selectors.ranking_facts(domain=domain), weights, must_haves, code)
        }
        for solution, result in explained:
            assert result.score == pytest.approx(reference[solution.pk].score)
            assert result.must_haves == reference[solution.pk].must_haves


def test_ranking_page_runs_a_bounded_number_of_queries(client, varied_catalogue):
    keys, _communes, _domains = varied_catalogue
    params = {f"poids_{k}": 3 for k in keys} | {"exigence": "free_software"}
    with CaptureQueriesContext(connection) as cold:
        response = client.get(reverse("catalogue:ranking"), params)
    assert response.status_code == 200
    assert "Solution" in response.content.decode()
    # The first request after a change builds the facet index (4 queries) and, once per
    # process, looks up the search index's content type.
    assert len(cold) <= 11, [q["sql"][:120] for q in cold]
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("catalogue:ranking"), params)
    assert len(warm) <= 6, [q["sql"][:120] for q in warm]


def test_cached_results_show_a_change_at_once(client, make_user):
    url = reverse("catalogue:solution_list")
    first = SolutionFactory(name="Première solution")
    assert "Première solution" in client.get(url).content.decode()
    # Served from the cache: one query, the catalogue's version.
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, HTTP_HX_REQUEST="true")
    assert "Première solution" in again.content.decode()
    assert len(captured) == 1
    # A new solution, a solution archived, a review: each shows on the next request.
    SolutionFactory(name="Deuxième solution")
    assert "Deuxième solution" in client.get(url).content.decode()
    first.status = "archived"
    first.save()
    assert "Première solution" not in client.get(url).content.decode()
    low, high = SolutionFactory(name="Basse"), SolutionFactory(name="Haute")
    key = action1_keys()[0]
    score_review(ReviewFactory(solution=low), {key: 4})
    page = client.get(url, {"tri": "note"}).content.decode()
    assert page.index("Basse") < page.index("Haute")
    score_review(ReviewFactory(solution=high), {key: 4})
    score_review(ReviewFactory(solution=low), {key: 0})
    page = client.get(url, {"tri": "note"}).content.decode()
    assert page.index("Haute") < page.index("Basse")
