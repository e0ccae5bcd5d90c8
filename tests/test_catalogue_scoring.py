import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeia.catalogue.scoring import MUST_HAVES, SolutionFacts, aggregate, rank, score_solution

scores = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 4)), min_size=1)
weights = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(0, 10), min_size=1)
means = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.floats(0, 4))


def test_aggregate_gives_mean_spread_and_count():
    stats = aggregate([("a", 4), ("a", 2), ("b", 1)])
    assert stats["a"].count == 2
    assert stats["a"].mean == 3
    assert stats["a"].spread == 2
    assert stats["a"].stdev == 1
    assert stats["b"].spread == 0


def test_score_outside_rubric_is_refused():
    with pytest.raises(ValueError, match="outside"):
        aggregate([("a", 5)])


@given(scores)
def test_mean_lies_between_lowest_and_highest_score(pairs):
    for stats in aggregate(pairs).values():
        assert stats.minimum <= stats.mean <= stats.maximum
        assert 0 <= stats.stdev <= 2


def test_score_is_the_weighted_mean_scaled_to_100():
    facts = SolutionFacts(id=1, name="X", means={"a": 4, "b": 2})
    ranked = score_solution(facts, {"a": 1, "b": 3})
    # (1 × 4/4 + 3 × 2/4) / 4 × 100 = 62.5
    assert ranked.score == pytest.approx(62.5)
    assert [c.points for c in ranked.contributions] == pytest.approx([25, 37.5])


def test_unreviewed_criterion_brings_no_points_and_is_named():
    ranked = score_solution(SolutionFacts(id=1, name="X", means={"a": 4}), {"a": 1, "b": 1})
    assert ranked.score == pytest.approx(50)
    assert ranked.unreviewed == ("b",)


@given(means, weights)
def test_score_stays_between_0_and_100_and_is_the_sum_of_contributions(solution_means, w):
    ranked = score_solution(SolutionFacts(id=1, name="X", means=solution_means), w)
    assert -1e-9 <= ranked.score <= 100 + 1e-9
    assert math.isclose(ranked.score, sum(c.points for c in ranked.contributions), abs_tol=1e-9)


@given(means, weights, st.sampled_from(["a", "b", "c"]))
def test_a_better_mean_never_lowers_the_score(solution_means, w, key):
    base = score_solution(SolutionFacts(id=1, name="X", means=solution_means), w).score
    improved = dict(solution_means)
    improved[key] = 4.0
    better = score_solution(SolutionFacts(id=1, name="X", means=improved), w).score
    assert better >= base - 1e-9


def test_must_haves_put_eligible_solutions_first_and_say_why():
    free = SolutionFacts(id=1, name="Libre", means={"a": 1}, is_free_software=True, hosting="eu")
    closed = SolutionFacts(id=2, name="Fermée", means={"a": 4}, hosting="non_eu")
    result = rank([closed, free], {"a": 1}, must_haves=["free_software", "hosted_in_eu"])
    assert [r.facts.name for r in result] == ["Libre", "Fermée"]
    assert dict(result[1].must_haves) == {"free_software": False, "hosted_in_eu": False}
    assert result[0].eligible and not result[1].eligible


def test_used_in_my_territory_needs_a_reference_there():
    facts = SolutionFacts(id=1, name="X", means={}, territories_using=frozenset({"T6"}))
    assert MUST_HAVES["used_in_my_territory"](facts, "T6")
    assert not MUST_HAVES["used_in_my_territory"](facts, "T2")
    assert not MUST_HAVES["used_in_my_territory"](facts, None)


def test_personal_data_stays_home_when_installed_on_premise():
    on_premise = SolutionFacts(id=1, name="X", means={}, deployment="on_premise")
    saas = SolutionFacts(id=2, name="Y", means={}, deployment="saas", personal_data="personal")
    assert MUST_HAVES["data_stays_in_commune"](on_premise, None)
    assert not MUST_HAVES["data_stays_in_commune"](saas, None)


def test_unknown_must_have_and_negative_weight_are_refused():
    facts = SolutionFacts(id=1, name="X", means={})
    with pytest.raises(ValueError, match="must-have"):
        score_solution(facts, {"a": 1}, must_haves=["cheap"])
    with pytest.raises(ValueError, match="negative"):
        score_solution(facts, {"a": -1})


def test_ties_are_broken_by_name():
    a = SolutionFacts(id=1, name="Beta", means={"a": 2})
    b = SolutionFacts(id=2, name="alpha", means={"a": 2})
    assert [r.facts.name for r in rank([a, b], {"a": 1})] == ["alpha", "Beta"]
