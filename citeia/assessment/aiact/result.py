"""The result of a classification, and its JSON form."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, cast

from .facts import Role

Outcome = Literal["out_of_scope", "prohibited", "high_risk", "minimal", "undetermined"]
OUTCOMES: Final = ("out_of_scope", "prohibited", "high_risk", "minimal", "undetermined")
# Definite outcomes from the least to the most constraining; "undetermined" is not ranked.
OUTCOME_ORDER: Final = ("out_of_scope", "minimal", "high_risk", "prohibited")


class ResultFormatError(ValueError):
    """A stored result does not have the documented shape."""


@dataclass(frozen=True)
class Obligation:
    article: str
    title: str
    applies_from: datetime.date
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {
            "article": self.article,
            "title": self.title,
            "applies_from": self.applies_from.isoformat(),
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, data: object) -> "Obligation":
        obj = _mapping(data, "obligations[]")
        return cls(
            article=_str(obj, "article"),
            title=_str(obj, "title"),
            applies_from=_date(obj, "applies_from"),
            explanation=_str(obj, "explanation"),
        )


@dataclass(frozen=True)
class ReasoningStep:
    """One answered question of the procedure: which facts it read, what it found, which article decided."""

    step: str
    article: str
    facts: tuple[str, ...]
    finding: str
    explanation: str
    legal_review: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "step": self.step,
            "article": self.article,
            "facts": list(self.facts),
            "finding": self.finding,
            "explanation": self.explanation,
            "legal_review": self.legal_review,
        }

    @classmethod
    def from_dict(cls, data: object) -> "ReasoningStep":
        obj = _mapping(data, "reasoning[]")
        return cls(
            step=_str(obj, "step"),
            article=_str(obj, "article"),
            facts=_str_tuple(obj, "facts"),
            finding=_str(obj, "finding"),
            explanation=_str(obj, "explanation"),
            legal_review=_bool(obj, "legal_review"),
        )


@dataclass(frozen=True)
class RuleSetInfo:
    version: str
    consolidated_text_date: datetime.date

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "consolidated_text_date": self.consolidated_text_date.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: object) -> "RuleSetInfo":
        obj = _mapping(data, "rule_set")
        return cls(
            version=_str(obj, "version"),
            consolidated_text_date=_date(obj, "consolidated_text_date"),
        )


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    role: Role | None
    high_risk_basis: str | None
    transparency: tuple[str, ...]
    fria_required: bool
    registration_required: bool
    obligations: tuple[Obligation, ...]
    missing_facts: tuple[str, ...]
    reasoning: tuple[ReasoningStep, ...]
    rule_set: RuleSetInfo

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "role": self.role,
            "high_risk_basis": self.high_risk_basis,
            "transparency": list(self.transparency),
            "fria_required": self.fria_required,
            "registration_required": self.registration_required,
            "obligations": [obligation.to_dict() for obligation in self.obligations],
            "missing_facts": list(self.missing_facts),
            "reasoning": [step.to_dict() for step in self.reasoning],
            "rule_set": self.rule_set.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> "Result":
        """Read back a stored result, for instance to compare it with a new rule-set version."""
        obj = _mapping(data, "result")
        outcome = _str(obj, "outcome")
        if outcome not in OUTCOMES:
            raise ResultFormatError(f"outcome: valeur inconnue {outcome!r}")
        role = obj.get("role")
        if role not in ("provider", "deployer", None):
            raise ResultFormatError(f"role: valeur inconnue {role!r}")
        basis = obj.get("high_risk_basis")
        if basis is not None and not isinstance(basis, str):
            raise ResultFormatError("high_risk_basis: texte ou null attendu")
        return cls(
            outcome=cast(Outcome, outcome),
            role=role,
            high_risk_basis=basis,
            transparency=_str_tuple(obj, "transparency"),
            fria_required=_bool(obj, "fria_required"),
            registration_required=_bool(obj, "registration_required"),
            obligations=tuple(Obligation.from_dict(item) for item in _list(obj, "obligations")),
            missing_facts=_str_tuple(obj, "missing_facts"),
            reasoning=tuple(ReasoningStep.from_dict(item) for item in _list(obj, "reasoning")),
            rule_set=RuleSetInfo.from_dict(obj.get("rule_set")),
        )


def _mapping(data: object, where: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise ResultFormatError(f"{where}: objet attendu")
    return data


def _str(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ResultFormatError(f"{key}: texte attendu")
    return value


def _bool(obj: Mapping[str, object], key: str) -> bool:
    value = obj.get(key)
    if not isinstance(value, bool):
        raise ResultFormatError(f"{key}: booléen attendu")
    return value


def _list(obj: Mapping[str, object], key: str) -> list[object]:
    value = obj.get(key)
    if not isinstance(value, list):
        raise ResultFormatError(f"{key}: liste attendue")
    return value


def _str_tuple(obj: Mapping[str, object], key: str) -> tuple[str, ...]:
    items = _list(obj, key)
    if not all(isinstance(item, str) for item in items):
        raise ResultFormatError(f"{key}: liste de textes attendue")
    return tuple(cast(list[str], items))


def _date(obj: Mapping[str, object], key: str) -> datetime.date:
    value = _str(obj, key)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ResultFormatError(f"{key}: date AAAA-MM-JJ attendue") from None
