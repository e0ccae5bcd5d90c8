"""Facts about one AI system and one organisation's role in it, as the engine reads them.

A fact the organisation has not answered is unknown. For booleans, lists and `role`
that is None; for the facts whose answer may itself be null (`exclusion`,
`annex_iii_point`, `derogation`, `first_put_into_service`) null means "none" and the
unknown answer is the UNKNOWN sentinel, written in JSON by leaving the key out.
"""

import datetime
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Final, Literal

from . import rules


class Unknown(enum.Enum):
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = Unknown.UNKNOWN

Role = Literal["provider", "deployer"]

BOOL_FACTS: Final = (
    "is_ai_system",
    "public_body",
    "provides_public_service",
    "annex_i_safety_component",
    "profiles_natural_persons",
    "interacts_with_people",
    "generates_synthetic_content",
    "emotion_recognition_or_biometric_categorisation",
    "deepfake_or_public_interest_text",
)
# Facts whose null answer means "none"; their unknown value is UNKNOWN.
NULLABLE_CHOICES: Final[Mapping[str, Mapping[str, object]]] = {
    "exclusion": rules.EXCLUSIONS,
    "annex_iii_point": rules.ANNEX_III_POINTS,
    "derogation": rules.DEROGATIONS,
}
LIST_FACTS: Final[Mapping[str, Mapping[str, object]]] = {
    "deployer_changes": rules.DEPLOYER_CHANGES,
    "prohibited_practices": rules.PROHIBITED_PRACTICES,
}
DATE_FACT: Final = "first_put_into_service"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NON_FIELD = "__all__"


@dataclass(frozen=True)
class FactError:
    """One problem with the facts: the field it concerns, a machine code, French and English text."""

    field: str
    code: str
    message: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }


class FactsError(ValueError):
    """The facts are invalid; `errors` lists every problem found, not only the first."""

    def __init__(self, errors: list[FactError]) -> None:
        self.errors = tuple(errors)
        super().__init__(" ; ".join(f"{error.field} : {error.message}" for error in self.errors))

    def to_dict(self) -> list[dict[str, str]]:
        return [error.to_dict() for error in self.errors]


@dataclass(frozen=True)
class Facts:
    is_ai_system: bool | None = None
    exclusion: str | Unknown | None = UNKNOWN
    role: Role | None = None
    deployer_changes: tuple[str, ...] | None = None
    public_body: bool | None = None
    provides_public_service: bool | None = None
    prohibited_practices: tuple[str, ...] | None = None
    annex_i_safety_component: bool | None = None
    annex_iii_point: str | Unknown | None = UNKNOWN
    derogation: str | Unknown | None = UNKNOWN
    profiles_natural_persons: bool | None = None
    interacts_with_people: bool | None = None
    generates_synthetic_content: bool | None = None
    emotion_recognition_or_biometric_categorisation: bool | None = None
    deepfake_or_public_interest_text: bool | None = None
    first_put_into_service: datetime.date | Unknown | None = UNKNOWN

    def __post_init__(self) -> None:
        for name in LIST_FACTS:
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
        errors = _validate(self)
        if errors:
            raise FactsError(errors)

    def is_known(self, name: str) -> bool:
        return getattr(self, name) is not _unknown_value(name)

    def forget(self, name: str) -> "Facts":
        """The same facts with one of them unknown."""
        changes: dict[str, Any] = {name: _unknown_value(name)}
        return replace(self, **changes)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready facts; unknown facts are left out."""
        data: dict[str, object] = {}
        for name in FACT_NAMES:
            value = getattr(self, name)
            if value is _unknown_value(name):
                continue
            if isinstance(value, tuple):
                data[name] = list(value)
            elif isinstance(value, datetime.date):
                data[name] = value.isoformat()
            else:
                data[name] = value
        return data

    @classmethod
    def from_dict(cls, data: object) -> "Facts":
        """Build facts from decoded JSON; raise FactsError naming every bad field."""
        if not isinstance(data, Mapping):
            raise FactsError(
                [
                    _error(
                        NON_FIELD,
                        "not_an_object",
                        "Les faits doivent être un objet JSON.",
                        "Facts must be a JSON object.",
                    )
                ]
            )
        errors: list[FactError] = []
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in FACT_NAMES:
                errors.append(
                    _error(
                        str(key),
                        "unknown_field",
                        f"Fait inconnu « {key} ». Faits possibles : {', '.join(FACT_NAMES)}.",
                        f"Unknown fact '{key}'. Known facts: {', '.join(FACT_NAMES)}.",
                    )
                )
            elif key in LIST_FACTS and value is not None and not isinstance(value, list):
                errors.append(_type_error(key, "une liste", "a list"))
            elif key == DATE_FACT and value is not None:
                parsed = _parse_date(value)
                if parsed is None:
                    errors.append(_date_error(key, value))
                else:
                    kwargs[key] = parsed
            else:
                kwargs[key] = value
        try:
            facts = cls(**kwargs)
        except FactsError as exc:
            errors.extend(exc.errors)
        if errors:
            raise FactsError(errors)
        return facts


FACT_NAMES: Final = tuple(f.name for f in fields(Facts))


def _unknown_value(name: str) -> Unknown | None:
    if name not in FACT_NAMES:
        raise KeyError(name)
    return UNKNOWN if name in NULLABLE_CHOICES or name == DATE_FACT else None


def _parse_date(value: object) -> datetime.date | None:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _error(name: str, code: str, message: str, message_en: str) -> FactError:
    return FactError(field=name, code=code, message=message, message_en=message_en)


def _type_error(name: str, expected_fr: str, expected_en: str) -> FactError:
    return _error(
        name,
        "invalid_type",
        f"« {name} » doit être {expected_fr}.",
        f"'{name}' must be {expected_en}.",
    )


def _date_error(name: str, value: object) -> FactError:
    return _error(
        name,
        "invalid_date",
        f"« {name} » doit être une date au format AAAA-MM-JJ ou null (reçu : {_quote_fr(value)}).",
        f"'{name}' must be a date formatted YYYY-MM-DD or null (got {value!r}).",
    )


def _value_error(name: str, value: object, allowed: Mapping[str, object]) -> FactError:
    choices = ", ".join(allowed)
    return _error(
        name,
        "unknown_value",
        f"Valeur inconnue {_quote_fr(value)} pour « {name} ». Valeurs possibles : {choices}.",
        f"Unknown value {value!r} for '{name}'. Allowed values: {choices}.",
    )


def _quote_fr(value: object) -> str:
    return f"« {value} »" if isinstance(value, str) else repr(value)


# The facts each contradiction reads, keyed by the field it is reported on.
_CONTRADICTION_FIELDS: Final = {
    "prohibited_practices": {"prohibited_practices", "exclusion", "is_ai_system"},
    "derogation": {"derogation", "annex_iii_point"},
    "deployer_changes": {"deployer_changes", "role"},
}


def _contradiction(name: str, message: str, message_en: str) -> FactError:
    return _error(name, "contradiction", message, message_en)


def _validate(facts: Facts) -> list[FactError]:
    errors: list[FactError] = []
    for name in BOOL_FACTS:
        value = getattr(facts, name)
        if value is not None and not isinstance(value, bool):
            errors.append(_type_error(name, "vrai, faux ou null", "true, false or null"))
    if facts.role is not None and not _is_choice(facts.role, rules.ROLES):
        errors.append(_value_error("role", facts.role, rules.ROLES))
    for name, allowed in NULLABLE_CHOICES.items():
        value = getattr(facts, name)
        if value is not None and value is not UNKNOWN and not _is_choice(value, allowed):
            errors.append(_value_error(name, value, allowed))
    for name, allowed in LIST_FACTS.items():
        errors.extend(_validate_list(name, getattr(facts, name), allowed))
    moment = facts.first_put_into_service
    if (
        moment is not None
        and moment is not UNKNOWN
        and (not isinstance(moment, datetime.date) or isinstance(moment, datetime.datetime))
    ):
        errors.append(_date_error(DATE_FACT, moment))
    invalid = {error.field for error in errors}
    errors.extend(
        error
        for error in _contradictions(facts)
        if not invalid & _CONTRADICTION_FIELDS[error.field]
    )
    return errors


def _is_choice(value: object, allowed: Mapping[str, object]) -> bool:
    return isinstance(value, str) and value in allowed


def _validate_list(name: str, value: object, allowed: Mapping[str, object]) -> list[FactError]:
    if value is None:
        return []
    if not isinstance(value, tuple):
        return [_type_error(name, "une liste", "a list")]
    errors = [_value_error(name, item, allowed) for item in value if not _is_choice(item, allowed)]
    if not errors and len(set(value)) != len(value):
        errors.append(
            _error(
                name,
                "duplicate_value",
                f"« {name} » contient deux fois la même valeur.",
                f"'{name}' contains the same value twice.",
            )
        )
    return errors


def _contradictions(facts: Facts) -> list[FactError]:
    errors: list[FactError] = []
    if facts.prohibited_practices:
        if isinstance(facts.exclusion, str):
            errors.append(
                _contradiction(
                    "prohibited_practices",
                    f"Incompatible avec « exclusion » = « {facts.exclusion} » : un système exclu du règlement "
                    "ne peut pas relever d'une pratique interdite. Corrigez l'un des deux.",
                    f"Contradicts 'exclusion' = '{facts.exclusion}': an excluded system cannot be a prohibited "
                    "practice. Correct one of them.",
                )
            )
        if facts.is_ai_system is False:
            errors.append(
                _contradiction(
                    "prohibited_practices",
                    "Incompatible avec « is_ai_system » = faux : une pratique interdite suppose un système d'IA.",
                    "Contradicts 'is_ai_system' = false: a prohibited practice needs an AI system.",
                )
            )
    if isinstance(facts.derogation, str) and facts.annex_iii_point is None:
        errors.append(
            _contradiction(
                "derogation",
                "Une dérogation de l'article 6(3) ne concerne qu'un système de l'annexe III, "
                "or « annex_iii_point » est null.",
                "An Art. 6(3) derogation only concerns an Annex III system, but 'annex_iii_point' is null.",
            )
        )
    if facts.role == "provider" and facts.deployer_changes:
        errors.append(
            _contradiction(
                "deployer_changes",
                "Ne s'applique qu'au rôle « deployer » : indiquez le rôle avant modification, "
                "l'article 25 en déduit le nouveau rôle.",
                "Only applies to the 'deployer' role: give the role before the changes; Art. 25 derives the new role.",
            )
        )
    return errors
