"""Score a trustworthiness self-assessment: one score per principle of the strategy.

Yes = 100, Partial = 50, No = 0, N/A excluded; a principle's score is the mean of its
counted answers (None while none is counted). The result lists, for each principle, the
answers that lowered it and the questions still open.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..frugality.answers import ANSWER_LABELS, AnswerIssue, AnswersError, mean, read_answers
from ..frugality.questionnaire import Questionnaire

PRINCIPLES: Final[dict[str, str]] = {
    "interet-general": "Intérêt général",
    "sobriete": "Sobriété",
    "equite": "Équité",
    "transparence": "Transparence",
    "explicabilite": "Explicabilité",
    "fiabilite": "Fiabilité",
    "securite": "Sécurité",
    "conformite": "Conformité",
}
PRINCIPLES_EN: Final[dict[str, str]] = {
    "interet-general": "General interest",
    "sobriete": "Frugality",
    "equite": "Fairness",
    "transparence": "Transparency",
    "explicabilite": "Explainability",
    "fiabilite": "Reliability",
    "securite": "Security",
    "conformite": "Compliance",
}
SCORING_VERSION: Final = "trust-scoring-1"


@dataclass(frozen=True)
class Shortfall:
    id: str
    question: str
    answer: str
    lost: float  # points of the principle score lost by this answer

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "answer_label": ANSWER_LABELS.get(self.answer, ""),
            "lost": round(self.lost, 1),
        }


@dataclass(frozen=True)
class PrincipleResult:
    id: str
    title: str
    score: int | None
    answered: int
    counted: int
    total: int
    lowered_by: tuple[Shortfall, ...]
    unanswered: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "answered": self.answered,
            "counted": self.counted,
            "total": self.total,
            "lowered_by": [s.to_dict() for s in self.lowered_by],
            "unanswered": list(self.unanswered),
        }


@dataclass(frozen=True)
class TrustResult:
    questionnaire_version: str
    principles: tuple[PrincipleResult, ...]
    answers: dict[str, dict[str, str]]

    @property
    def scores(self) -> dict[str, int]:
        return {p.id: p.score for p in self.principles if p.score is not None}

    @property
    def complete(self) -> bool:
        return all(not p.unanswered for p in self.principles)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(i for p in self.principles for i in p.unanswered)

    def to_dict(self) -> dict[str, object]:
        return {
            "scoring_version": SCORING_VERSION,
            "questionnaire_version": self.questionnaire_version,
            "principles": [p.to_dict() for p in self.principles],
            "scores": self.scores,
            "complete": self.complete,
            "missing": list(self.missing),
        }


def _items_section(answers: object) -> tuple[object, list[AnswerIssue]]:
    if answers is None:
        return None, []
    if not isinstance(answers, Mapping):
        return None, [AnswerIssue("answers", "", "answers : un objet est attendu.")]
    extra = sorted(str(k) for k in answers if k != "items")
    return answers.get("items"), [AnswerIssue(k, "", f"{k} : section inconnue.") for k in extra]


def validate_answers(q: Questionnaire, answers: object) -> list[AnswerIssue]:
    raw, issues = _items_section(answers)
    known = {i.id: i.question for t in q.themes for i in t.items}
    return issues + read_answers(raw, section="items", items=known)[1]


def score(q: Questionnaire, answers: object) -> TrustResult:
    """Score `answers` (`{"items": {id: {"answer", "evidence"}}}`); `AnswersError` if invalid."""
    raw, issues = _items_section(answers)
    known = {i.id: i.question for t in q.themes for i in t.items}
    read, more = read_answers(raw, section="items", items=known)
    if issues or more:
        raise AnswersError(issues + more)
    principles = []
    for theme in q.themes:
        points = [a.points for i in theme.items if (a := read.get(i.id)) and a.points is not None]
        value = mean(points)
        shortfalls = []
        for item in theme.items:
            a = read.get(item.id)
            if a is not None and a.points is not None and a.points < 100:
                shortfalls.append(
                    Shortfall(item.id, item.question, a.value, (100 - a.points) / len(points))
                )
        principles.append(
            PrincipleResult(
                id=theme.id,
                title=theme.title,
                score=None if value is None else round(value),
                answered=sum(1 for i in theme.items if i.id in read),
                counted=len(points),
                total=len(theme.items),
                lowered_by=tuple(sorted(shortfalls, key=lambda s: -s.lost)),
                unanswered=tuple(i.id for i in theme.items if i.id not in read),
            )
        )
    return TrustResult(
        questionnaire_version=q.version,
        principles=tuple(principles),
        answers={k: v.to_dict() for k, v in read.items()},
    )
