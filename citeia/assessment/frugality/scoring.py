"""Score a frugality questionnaire: gate, theme means, weighted overall, grade A-E.

Yes = 100, Partial = 50, No = 0, N/A excluded. Theme score = mean of its answered items;
overall = mean of the theme scores weighted by the theme weights (themes without any
counted answer are left out and the weights of the others renormalised). Every item's
contribution to the overall score, and the points it lost, are in the result, so the
grade can always be explained. A failed gate (need not documented, or no lighter
alternative assessed) means "not frugal" and grade E, whatever the items say.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .answers import ANSWER_LABELS, Answer, AnswerIssue, AnswersError, mean, read_answers
from .questionnaire import Questionnaire

GATE_VALUES: Final = ("yes", "no")
SCORING_VERSION: Final = "frugality-scoring-1"


@dataclass(frozen=True)
class ItemResult:
    id: str
    question: str
    reference: str
    answer: str  # "" when unanswered
    evidence: str
    points: int | None
    contribution: float  # points added to the overall score
    lost: float  # points the overall score lost because of this answer

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "reference": self.reference,
            "answer": self.answer,
            "answer_label": ANSWER_LABELS.get(self.answer, ""),
            "evidence": self.evidence,
            "points": self.points,
            "contribution": round(self.contribution, 2),
            "lost": round(self.lost, 2),
        }


@dataclass(frozen=True)
class ThemeResult:
    id: str
    title: str
    weight: float
    score: float | None
    answered: int
    total: int
    items: tuple[ItemResult, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "weight": self.weight,
            "score": None if self.score is None else round(self.score, 1),
            "answered": self.answered,
            "total": self.total,
            "items": [i.to_dict() for i in self.items],
        }


@dataclass(frozen=True)
class FrugalityResult:
    questionnaire_version: str
    gate_status: str  # "passed" | "failed" | "pending"
    gate: tuple[ItemResult, ...]
    themes: tuple[ThemeResult, ...]
    overall: float | None
    grade: str  # "A".."E", "" while nothing can be graded
    frugal: bool | None
    missing: tuple[str, ...]
    explanation: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict[str, object]:
        return {
            "scoring_version": SCORING_VERSION,
            "questionnaire_version": self.questionnaire_version,
            "gate_status": self.gate_status,
            "gate": [i.to_dict() for i in self.gate],
            "themes": [t.to_dict() for t in self.themes],
            "overall": None if self.overall is None else round(self.overall, 1),
            "grade": self.grade,
            "frugal": self.frugal,
            "complete": self.complete,
            "missing": list(self.missing),
            "explanation": list(self.explanation),
        }


def _sections(answers: object) -> tuple[object, object, list[AnswerIssue]]:
    if answers is None:
        return None, None, []
    if not isinstance(answers, Mapping):
        return None, None, [AnswerIssue("answers", "", "answers : un objet est attendu.")]
    extra = set(answers) - {"gate", "items"}
    issues = [AnswerIssue(str(k), "", f"{k} : section inconnue.") for k in sorted(map(str, extra))]
    return answers.get("gate"), answers.get("items"), issues


def validate_answers(q: Questionnaire, answers: object) -> list[AnswerIssue]:
    """Every problem in the answers (empty list when they can be scored)."""
    return _read(q, answers)[2]


def _read(
    q: Questionnaire, answers: object
) -> tuple[dict[str, Answer], dict[str, Answer], list[AnswerIssue]]:
    raw_gate, raw_items, issues = _sections(answers)
    gate_items = {i.id: i.question for i in q.gate.items} if q.gate else {}
    theme_items = {i.id: i.question for t in q.themes for i in t.items}
    gate, gate_issues = read_answers(
        raw_gate, section="gate", items=gate_items, allowed=GATE_VALUES
    )
    items, item_issues = read_answers(raw_items, section="items", items=theme_items)
    return gate, items, issues + gate_issues + item_issues


def score(q: Questionnaire, answers: object) -> FrugalityResult:
    """Score `answers` (`{"gate": {...}, "items": {...}}`); raise `AnswersError` on bad answers."""
    gate_answers, item_answers, issues = _read(q, answers)
    if issues:
        raise AnswersError(issues)
    missing: list[str] = []
    gate_results = []
    for item in q.gate.items if q.gate else ():
        a = gate_answers.get(item.id)
        if a is None:
            missing.append(item.id)
        gate_results.append(
            ItemResult(
                item.id,
                item.question,
                item.reference,
                a.value if a else "",
                a.evidence if a else "",
                None,
                0.0,
                0.0,
            )
        )
    if any(r.answer == "no" for r in gate_results):
        gate_status = "failed"
    elif any(not r.answer for r in gate_results):
        gate_status = "pending"
    else:
        gate_status = "passed"

    scored = []  # (theme, mean, counted answers)
    for theme in q.themes:
        points = []
        for item in theme.items:
            a = item_answers.get(item.id)
            if a is None:
                missing.append(item.id)
            elif a.points is not None:
                points.append(a.points)
        scored.append((theme, mean(points), len(points)))
    total_weight = sum(t.weight for t, m, _ in scored if m is not None)

    theme_results = []
    for theme, theme_mean, counted in scored:
        share = theme.weight / total_weight if theme_mean is not None and total_weight else 0.0
        item_results = []
        answered = 0
        for item in theme.items:
            a = item_answers.get(item.id)
            answered += a is not None
            pts = a.points if a else None
            contribution = share * pts / counted if pts is not None and counted else 0.0
            lost = share * (100 - pts) / counted if pts is not None and counted else 0.0
            item_results.append(
                ItemResult(
                    item.id,
                    item.question,
                    item.reference,
                    a.value if a else "",
                    a.evidence if a else "",
                    pts,
                    contribution,
                    lost,
                )
            )
        theme_results.append(
            ThemeResult(
                theme.id,
                theme.title,
                theme.weight,
                theme_mean,
                answered,
                len(theme.items),
                tuple(item_results),
            )
        )

    overall = (
        sum(t.weight * m for t, m, _ in scored if m is not None) / total_weight
        if total_weight
        else None
    )
    explanation: list[str] = []
    if gate_status == "failed":
        grade, frugal = "E", False
        explanation.append(
            "Préalable non satisfait : le besoin d'IA ou l'examen d'une solution plus légère "
            "n'est pas démontré. Le service n'est pas sobre, note E quelles que soient "
            "les autres réponses."
        )
    elif gate_status == "pending" or overall is None:
        grade, frugal = "", None
        explanation.append("Note provisoire impossible : répondez au préalable et aux questions.")
    else:
        grade = q.grade_for(overall)
        frugal = grade in ("A", "B", "C")
        band = next(b for b in q.grades if b.grade == grade)
        explanation.append(
            f"Score global {overall:.1f} / 100 (moyenne des thèmes pondérée) : "
            f"note {grade} ({band.label}, seuil {band.min:g})."
        )
    if missing and gate_status != "failed" and grade:
        explanation.append(f"{len(missing)} question(s) sans réponse : la note est provisoire.")
    return FrugalityResult(
        questionnaire_version=q.version,
        gate_status=gate_status,
        gate=tuple(gate_results),
        themes=tuple(theme_results),
        overall=overall,
        grade=grade,
        frugal=frugal,
        missing=tuple(missing),
        explanation=tuple(explanation),
    )
