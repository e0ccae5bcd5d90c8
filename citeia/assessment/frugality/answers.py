"""Answers to a questionnaire item (Yes / Partial / No / N/A with evidence), shared with `trust`.

An answers mapping is `{item_id: {"answer": "yes|partial|no|na", "evidence": str}}`.
A "yes" must carry evidence: a claim without proof is not counted.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

AnswerValue = Literal["yes", "partial", "no", "na"]
ANSWER_VALUES: Final = ("yes", "partial", "no", "na")
ANSWER_POINTS: Final[dict[str, int]] = {"yes": 100, "partial": 50, "no": 0}
ANSWER_LABELS: Final[dict[str, str]] = {
    "yes": "Oui",
    "partial": "Partiellement",
    "no": "Non",
    "na": "Non applicable",
}
EVIDENCE_MAX_LENGTH: Final = 2000


@dataclass(frozen=True)
class AnswerIssue:
    """One faulty answer: `path` names the item (e.g. "items.donnees-minimales")."""

    path: str
    item_id: str
    message: str
    # "evidence_required", "answer_required", "invalid_answer", "too_long", "unknown_item",
    # "unreadable", "missing" (for translated messages).
    code: str = "invalid"

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "item_id": self.item_id,
            "message": self.message,
            "code": self.code,
        }


class AnswersError(ValueError):
    """The answers do not fit the questionnaire; `issues` lists every faulty item."""

    def __init__(self, issues: list[AnswerIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))

    @property
    def item_id(self) -> str:
        return self.issues[0].item_id if self.issues else ""


@dataclass(frozen=True)
class Answer:
    value: AnswerValue
    evidence: str

    @property
    def points(self) -> int | None:
        """100 / 50 / 0, or None for "not applicable" (excluded from the mean)."""
        return ANSWER_POINTS.get(self.value)

    def to_dict(self) -> dict[str, str]:
        return {"answer": self.value, "evidence": self.evidence}


def read_answers(
    raw: object,
    *,
    section: str,
    items: Mapping[str, str],
    allowed: tuple[str, ...] = ANSWER_VALUES,
) -> tuple[dict[str, Answer], list[AnswerIssue]]:
    """Read `{item_id: {"answer", "evidence"}}` for the known `items` (id -> question).

    Returns the valid answers and the issues. An absent item is unanswered; a present
    one must hold an answer (and only the keys "answer" and "evidence", as text).
    """
    answers: dict[str, Answer] = {}
    issues: list[AnswerIssue] = []
    if raw is None:
        return answers, issues
    if not isinstance(raw, Mapping):
        issues.append(AnswerIssue(section, "", f"{section} : un objet est attendu.", "unreadable"))
        return answers, issues
    for item_id, entry in raw.items():
        path = f"{section}.{item_id}"
        if not isinstance(item_id, str) or item_id not in items:
            issues.append(
                AnswerIssue(path, str(item_id), f"{path} : question inconnue.", "unknown_item")
            )
            continue
        question = items[item_id]
        value = entry.get("answer", "") if isinstance(entry, Mapping) else None
        raw_evidence = entry.get("evidence", "") if isinstance(entry, Mapping) else None
        if (
            not isinstance(entry, Mapping)
            or set(entry) - {"answer", "evidence"}
            or not isinstance(value, str)
            or not isinstance(raw_evidence, str)
        ):
            issues.append(
                AnswerIssue(path, item_id, f"« {question} » : réponse illisible.", "unreadable")
            )
            continue
        if len(raw_evidence) > EVIDENCE_MAX_LENGTH:
            issues.append(
                AnswerIssue(
                    path,
                    item_id,
                    f"« {question} » : la preuve dépasse {EVIDENCE_MAX_LENGTH} caractères.",
                    "too_long",
                )
            )
            continue
        evidence = raw_evidence.strip()
        if not value:
            issues.append(
                AnswerIssue(
                    path, item_id, f"« {question} » : choisissez une réponse.", "answer_required"
                )
            )
            continue
        if value not in allowed:
            labels = ", ".join(f"« {ANSWER_LABELS[a]} »" for a in allowed)
            issues.append(
                AnswerIssue(
                    path,
                    item_id,
                    f"« {question} » : réponse possible : {labels}.",
                    "invalid_answer",
                )
            )
            continue
        if "\x00" in evidence:
            issues.append(
                AnswerIssue(
                    path, item_id, f"« {question} » : caractère nul interdit.", "invalid_characters"
                )
            )
            continue
        if value == "yes" and not evidence:
            issues.append(
                AnswerIssue(
                    path,
                    item_id,
                    f"« {question} » : une réponse « Oui » demande une preuve "
                    "(document, lien, mesure).",
                    "evidence_required",
                )
            )
            continue
        answers[item_id] = Answer(cast(AnswerValue, value), evidence)
    return answers, issues


def mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None
