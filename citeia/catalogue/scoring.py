"""Score aggregation and needs-profile ranking for the catalogue. Pure: no Django import.

Every number this module returns comes with what it was computed from, so that a page
can explain it: per criterion the mean, the spread and the number of reviews; per
ranked solution the contribution of each criterion and each must-have met or failed.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAX_SCORE = 4


@dataclass(frozen=True)
class CriterionStats:
    key: str
    count: int
    mean: float
    minimum: int
    maximum: int
    stdev: float

    @property
    def spread(self) -> int:
        """Distance between the lowest and the highest score given."""
        return self.maximum - self.minimum


def aggregate(scores: Iterable[tuple[str, int]]) -> dict[str, CriterionStats]:
    """Statistics per criterion key from (criterion key, score) pairs."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, score in scores:
        if not 0 <= score <= MAX_SCORE:
            raise ValueError(f"Score {score} for {key} is outside the 0-{MAX_SCORE} rubric.")
        by_key[key].append(score)
    result = {}
    for key, values in by_key.items():
        mean = sum(values) / len(values)
        variance = sum((value - mean) ** 2 for value in values) / len(values)
        result[key] = CriterionStats(
            key=key,
            count=len(values),
            mean=mean,
            minimum=min(values),
            maximum=max(values),
            stdev=math.sqrt(variance),
        )
    return result


@dataclass(frozen=True)
class SolutionFacts:
    """What ranking needs to know about one solution."""

    id: int
    name: str
    means: Mapping[str, float]
    is_free_software: bool = False
    hosting: str = "unknown"
    deployment: str = "saas"
    personal_data: str = "personal"
    territories_using: frozenset[str] = frozenset()


# Must-haves: key -> test on the facts, with the territory of the person asking.
def _free_software(facts: SolutionFacts, territory: str | None) -> bool:
    return facts.is_free_software


def _hosted_in_eu(facts: SolutionFacts, territory: str | None) -> bool:
    return facts.hosting in {"france", "eu", "customer"} or facts.deployment == "on_premise"


def _data_stays_in_commune(facts: SolutionFacts, territory: str | None) -> bool:
    return (
        facts.personal_data == "none"
        or facts.deployment == "on_premise"
        or facts.hosting == "customer"
    )


def _used_in_my_territory(facts: SolutionFacts, territory: str | None) -> bool:
    return territory is not None and territory in facts.territories_using


MUST_HAVES = {
    "free_software": _free_software,
    "hosted_in_eu": _hosted_in_eu,
    "data_stays_in_commune": _data_stays_in_commune,
    "used_in_my_territory": _used_in_my_territory,
}


@dataclass(frozen=True)
class Contribution:
    key: str
    weight: float
    mean: float | None
    points: float  # share of the 0-100 score this criterion brings


@dataclass(frozen=True)
class Ranked:
    facts: SolutionFacts
    score: float  # 0-100
    contributions: tuple[Contribution, ...]
    must_haves: tuple[tuple[str, bool], ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return all(met for _key, met in self.must_haves)

    @property
    def unreviewed(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.contributions if c.mean is None and c.weight > 0)


def score_solution(
    facts: SolutionFacts,
    weights: Mapping[str, float],
    must_haves: Sequence[str] = (),
    territory: str | None = None,
) -> Ranked:
    """Weighted mean of criterion means, scaled to 0-100.

    A criterion nobody has reviewed yet brings 0 points and is listed as unreviewed:
    the ranking rewards solutions whose claims have been checked.
    """
    unknown = [key for key in must_haves if key not in MUST_HAVES]
    if unknown:
        raise ValueError(f"Unknown must-have(s): {', '.join(unknown)}")
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("Weights cannot be negative.")
    total = sum(weights.values())
    contributions = []
    for key, weight in weights.items():
        mean = facts.means.get(key)
        points = 0.0 if (mean is None or total == 0) else 100 * weight * mean / MAX_SCORE / total
        contributions.append(Contribution(key=key, weight=weight, mean=mean, points=points))
    met = tuple((key, MUST_HAVES[key](facts, territory)) for key in must_haves)
    return Ranked(
        facts=facts,
        score=sum(c.points for c in contributions),
        contributions=tuple(contributions),
        must_haves=met,
    )


def rank(
    solutions: Iterable[SolutionFacts],
    weights: Mapping[str, float],
    must_haves: Sequence[str] = (),
    territory: str | None = None,
) -> list[Ranked]:
    """Solutions meeting every must-have first, then by score, then by name."""
    ranked = [score_solution(s, weights, must_haves, territory) for s in solutions]
    return sorted(ranked, key=lambda r: (not r.eligible, -round(r.score, 9), r.facts.name.lower()))
