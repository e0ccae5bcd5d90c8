"""What the procedure records while it runs: reasoning steps, missing facts, obligations."""

import datetime
import re
from dataclasses import dataclass, field

from . import rules
from .result import Obligation, ReasoningStep

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(day: datetime.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def point_label(point: str) -> str:
    """'5a' -> '5(a)', '2' -> '2', as the Annex is cited."""
    return f"{point[0]}({point[1:]})" if len(point) > 1 else point


def annex_iii_article(point: str) -> str:
    return f"Art. 6(2), annexe III {point_label(point)}"


def _article_key(obligation: Obligation) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.findall(r"\d+|[a-z]+", obligation.article)
    )


@dataclass
class Trace:
    steps: list[ReasoningStep] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)

    def step(
        self,
        step: str,
        article: str,
        facts: tuple[str, ...],
        finding: str,
        explanation: str,
        *,
        legal_review: bool = False,
    ) -> None:
        self.steps.append(ReasoningStep(step, article, facts, finding, explanation, legal_review))

    def need(self, *names: str) -> None:
        for name in names:
            if name not in self.missing:
                self.missing.append(name)

    def oblige(self, rule: rules.ObligationRule, key: rules.DateKey, note: str = "") -> None:
        self.obligations.append(
            Obligation(rule.article, rule.title, rules.DATES[key], rule.explanation + note)
        )

    def sorted_obligations(self) -> tuple[Obligation, ...]:
        return tuple(sorted(self.obligations, key=_article_key))
