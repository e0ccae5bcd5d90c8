"""The AI Act questionnaire, built from data (data/aiact_questions.json), and "what if" analysis.

Pure Python (no Django import): one question per fact of the aiact module, in the order
of the decision procedure; a question is asked only while its answer can still change
the result.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from .aiact import FACT_NAMES, Facts, FactsError, classify

DATA = Path(__file__).resolve().parent / "data" / "aiact_questions.json"


class _UnknownAnswer:
    """The "je ne sais pas" answer."""

    def __repr__(self) -> str:
        return "UNKNOWN_ANSWER"


UNKNOWN_ANSWER: Final = _UnknownAnswer()
NONE_CHOICE: Final = "__none__"

# Dates that fall on each side of the application-date cut-offs in the rules.
_DATE_CANDIDATES: Final = (None, "2020-01-01", "2026-09-01", "2027-06-01", "2028-01-01")


@dataclass(frozen=True)
class Option:
    value: Any
    label: Mapping[str, str]

    def label_in(self, lang: str) -> str:
        return self.label.get(lang) or self.label["fr"]

    @property
    def token(self) -> str:
        """The value as it travels in a form (NONE_CHOICE for "none")."""
        return NONE_CHOICE if self.value is None else str(self.value)


@dataclass(frozen=True)
class Question:
    key: str
    type: str  # bool | choice | multi | date
    article: str
    anchor: str
    text: Mapping[str, str]
    explanation: Mapping[str, str]
    example: Mapping[str, str]
    options: tuple[Option, ...]

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["fr"]

    def explanation_in(self, lang: str) -> str:
        return self.explanation.get(lang) or self.explanation["fr"]

    def example_in(self, lang: str) -> str:
        return self.example.get(lang) or self.example["fr"]

    def candidates(self) -> list[Any]:
        """Concrete answers tried to decide whether this question still matters."""
        if self.type == "bool":
            return [True, False]
        if self.type == "choice":
            return [option.value for option in self.options]
        if self.type == "multi":
            return [[], *[[option.value] for option in self.options]]
        return list(_DATE_CANDIDATES)


@cache
def _load() -> tuple[str, str, tuple[Question, ...]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    questions = tuple(
        Question(
            key=item["key"],
            type=item["type"],
            article=item["article"],
            anchor=item["anchor"],
            text=item["text"],
            explanation=item["explanation"],
            example=item["example"],
            options=tuple(
                Option(value=option["value"], label=option["label"])
                for option in item.get("options", [])
            ),
        )
        for item in data["questions"]
    )
    return data["version"], data["eurlex"], questions


QUESTIONNAIRE_VERSION, EURLEX_TEMPLATE, QUESTIONS = _load()
QUESTIONS_BY_KEY: Final = {question.key: question for question in QUESTIONS}
assert set(QUESTIONS_BY_KEY) == set(FACT_NAMES), "every aiact fact has exactly one question"


def eurlex_url(question: Question, lang: str) -> str:
    return EURLEX_TEMPLATE.format(lang="FR" if lang == "fr" else "EN", anchor=question.anchor)


def _signature(result: dict[str, Any]) -> tuple[Any, ...]:
    """What a person reads in a result, without the list of questions still open."""
    return (
        result["outcome"],
        result["role"],
        result["high_risk_basis"],
        tuple(result["transparency"]),
        result["fria_required"],
        result["registration_required"],
        tuple((item["article"], item["applies_from"]) for item in result["obligations"]),
    )


def _try(facts: Mapping[str, Any], key: str, value: Any) -> dict[str, Any] | None:
    trial = dict(facts)
    trial[key] = value
    try:
        return classify(Facts.from_dict(trial)).to_dict()
    except FactsError:
        return None  # an answer that contradicts another one is not a possible answer


def is_relevant(key: str, facts: Mapping[str, Any]) -> bool:
    """Whether answering `key` can still change the result, given the other facts."""
    try:
        current = classify(Facts.from_dict(dict(facts)))
    except FactsError:
        return True
    if key in current.missing_facts:
        return True
    if current.outcome == "out_of_scope":
        return False  # nothing else is asked of a system outside the regulation
    signatures = set()
    for value in QUESTIONS_BY_KEY[key].candidates():
        result = _try(facts, key, value)
        if result is not None:
            signatures.add(_signature(result))
        if len(signatures) > 1:
            return True
    return False


def is_answered(key: str, facts: Mapping[str, Any], unknown_answers: list[str]) -> bool:
    return key in facts or key in unknown_answers


def next_question(facts: Mapping[str, Any], unknown_answers: list[str]) -> Question | None:
    """The first question not yet answered whose answer can still change the result."""
    for question in QUESTIONS:
        if is_answered(question.key, facts, unknown_answers):
            continue
        if is_relevant(question.key, facts):
            return question
    return None


def previous_question(
    key: str, facts: Mapping[str, Any], unknown_answers: list[str]
) -> Question | None:
    """The answered question shown before `key` (for the "Précédent" link)."""
    index = [question.key for question in QUESTIONS].index(key)
    for question in reversed(QUESTIONS[:index]):
        if is_answered(question.key, facts, unknown_answers):
            return question
    return None


def progress(facts: Mapping[str, Any], unknown_answers: list[str]) -> tuple[int, int]:
    """(answered, answered + still to ask) for a progress line."""
    answered = sum(1 for q in QUESTIONS if is_answered(q.key, facts, unknown_answers))
    remaining = sum(
        1
        for q in QUESTIONS
        if not is_answered(q.key, facts, unknown_answers) and is_relevant(q.key, facts)
    )
    return answered, answered + remaining


@dataclass(frozen=True)
class Variant:
    """One fact changed (or answered) and the result it would give."""

    key: str
    value: Any
    was_unknown: bool
    result: dict[str, Any]


def what_if(facts: Mapping[str, Any]) -> list[Variant]:
    """Each unknown fact answered, each yes/no flipped: the variants whose result differs."""
    try:
        base = _signature(classify(Facts.from_dict(dict(facts))).to_dict())
    except FactsError:
        return []
    variants: list[Variant] = []
    for question in QUESTIONS:
        key = question.key
        if key not in facts:
            seen = {base}
            for value in question.candidates():
                result = _try(facts, key, value)
                if result is None or _signature(result) in seen:
                    continue
                seen.add(_signature(result))
                variants.append(Variant(key, value, True, result))
        elif question.type == "bool" and isinstance(facts[key], bool):
            result = _try(facts, key, not facts[key])
            if result is not None and _signature(result) != base:
                variants.append(Variant(key, not facts[key], False, result))
    return variants


def answer_label(question: Question, value: Any, lang: str) -> str:
    """An answer in words, for summaries."""
    yes_no = {"fr": ("Oui", "Non"), "en": ("Yes", "No")}.get(lang, ("Oui", "Non"))
    none = {"fr": "Aucune", "en": "None"}.get(lang, "Aucune")
    if question.type == "bool":
        return yes_no[0] if value else yes_no[1]
    if question.type == "date":
        if value is None:
            return {"fr": "Pas encore en service", "en": "Not yet in service"}.get(lang, "")
        return str(value)
    labels = {option.value: option.label_in(lang) for option in question.options}
    if question.type == "multi":
        if not value:
            return none
        return " ; ".join(labels.get(item, str(item)) for item in value)
    return labels.get(value, str(value))
