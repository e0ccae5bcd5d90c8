"""A questionnaire as data: parse, validate and compare versions (shared with `trust`).

    {"kind": "frugality", "version": "1", "title": "...", "published": "2026-11-27",
     "introduction": "...", "sources": [{"id", "title", "url"}],
     "grades": [{"grade": "A", "min": 80, "label": "..."}, ...],   # frugality only
     "gate": {"title", "help", "items": [item, ...]},              # frugality only
     "themes": [{"id", "title", "description", "weight", "items": [item, ...]}]}

    item = {"id", "question", "help", "reference"}

Identifiers are lowercase slugs, unique across the whole questionnaire.
"""

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

SLUG: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
GRADES: Final = ("A", "B", "C", "D", "E")


class QuestionnaireError(ValueError):
    """The questionnaire data is malformed; the message (French) names the faulty path."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path} : {message}" if path else message)


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    help: str
    reference: str


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    weight: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Gate:
    title: str
    help: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: float
    label: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Questionnaire:
    kind: str
    version: str
    title: str
    published: str
    introduction: str
    sources: tuple[Source, ...]
    grades: tuple[GradeBand, ...]
    gate: Gate | None
    themes: tuple[Theme, ...]

    def all_items(self) -> dict[str, Item]:
        items = {i.id: i for i in self.gate.items} if self.gate else {}
        for theme in self.themes:
            items.update({i.id: i for i in theme.items})
        return items

    def theme_of(self, item_id: str) -> Theme | None:
        for theme in self.themes:
            if any(i.id == item_id for i in theme.items):
                return theme
        return None

    def grade_for(self, value: float) -> str:
        for band in self.grades:
            if value >= band.min:
                return band.grade
        return self.grades[-1].grade if self.grades else ""


def _obj(data: object, path: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise QuestionnaireError(path, "un objet JSON est attendu.")
    return data


def _text(obj: Mapping[str, object], key: str, path: str, *, required: bool = True) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise QuestionnaireError(f"{path}.{key}", "un texte est attendu.")
    value = value.strip()
    if required and not value:
        raise QuestionnaireError(f"{path}.{key}", "ce texte est obligatoire.")
    return value


def _number(obj: Mapping[str, object], key: str, path: str, low: float, high: float) -> float:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QuestionnaireError(f"{path}.{key}", "un nombre est attendu.")
    if not low <= value <= high:
        raise QuestionnaireError(
            f"{path}.{key}", f"un nombre entre {low:g} et {high:g} est attendu."
        )
    return float(value)


def _list(obj: Mapping[str, object], key: str, path: str, *, required: bool = True) -> list[object]:
    value = obj.get(key, [])
    if not isinstance(value, list):
        raise QuestionnaireError(f"{path}.{key}", "une liste est attendue.")
    if required and not value:
        raise QuestionnaireError(f"{path}.{key}", "la liste ne peut pas être vide.")
    return value


def _slug(obj: Mapping[str, object], path: str, seen: set[str]) -> str:
    ident = _text(obj, "id", path)
    if not SLUG.match(ident):
        raise QuestionnaireError(
            f"{path}.id", f"« {ident} » : lettres minuscules, chiffres et tirets seulement."
        )
    if ident in seen:
        raise QuestionnaireError(f"{path}.id", f"l'identifiant « {ident} » est déjà utilisé.")
    seen.add(ident)
    return ident


def _items(obj: Mapping[str, object], path: str, seen: set[str]) -> tuple[Item, ...]:
    items = []
    for n, raw in enumerate(_list(obj, "items", path)):
        ipath = f"{path}.items[{n}]"
        item = _obj(raw, ipath)
        items.append(
            Item(
                id=_slug(item, ipath, seen),
                question=_text(item, "question", ipath),
                help=_text(item, "help", ipath),
                reference=_text(item, "reference", ipath),
            )
        )
    return tuple(items)


def parse_questionnaire(data: object, *, kind: str = "frugality") -> Questionnaire:
    """Validate questionnaire data; raise `QuestionnaireError` naming the faulty path."""
    root = _obj(data, "questionnaire")
    found_kind = _text(root, "kind", "questionnaire")
    if found_kind != kind:
        raise QuestionnaireError("questionnaire.kind", f"« {kind} » est attendu.")
    seen: set[str] = set()
    sources = []
    for n, raw in enumerate(_list(root, "sources", "questionnaire", required=False)):
        spath = f"questionnaire.sources[{n}]"
        src = _obj(raw, spath)
        sources.append(
            Source(
                _text(src, "id", spath),
                _text(src, "title", spath),
                _text(src, "url", spath, required=False),
            )
        )
    grades: list[GradeBand] = []
    gate = None
    if kind == "frugality":
        for n, raw in enumerate(_list(root, "grades", "questionnaire")):
            gpath = f"questionnaire.grades[{n}]"
            band = _obj(raw, gpath)
            grades.append(
                GradeBand(
                    _text(band, "grade", gpath),
                    _number(band, "min", gpath, 0, 100),
                    _text(band, "label", gpath),
                )
            )
        if tuple(b.grade for b in grades) != GRADES:
            raise QuestionnaireError(
                "questionnaire.grades", "les notes A, B, C, D, E dans l'ordre."
            )
        mins = [b.min for b in grades]
        if any(a <= b for a, b in itertools.pairwise(mins)) or mins[-1] != 0:
            raise QuestionnaireError(
                "questionnaire.grades", "seuils strictement décroissants, le dernier à 0."
            )
        graw = _obj(root.get("gate"), "questionnaire.gate")
        gate = Gate(
            title=_text(graw, "title", "questionnaire.gate"),
            help=_text(graw, "help", "questionnaire.gate"),
            items=_items(graw, "questionnaire.gate", seen),
        )
    themes = []
    theme_ids: set[str] = set()
    for n, raw in enumerate(_list(root, "themes", "questionnaire")):
        tpath = f"questionnaire.themes[{n}]"
        theme = _obj(raw, tpath)
        ident = _slug(theme, tpath, theme_ids)
        themes.append(
            Theme(
                id=ident,
                title=_text(theme, "title", tpath),
                description=_text(theme, "description", tpath),
                weight=_number(theme, "weight", tpath, 0.1, 100) if kind == "frugality" else 1.0,
                items=_items(theme, tpath, seen),
            )
        )
    return Questionnaire(
        kind=kind,
        version=_text(root, "version", "questionnaire"),
        title=_text(root, "title", "questionnaire"),
        published=_text(root, "published", "questionnaire", required=False),
        introduction=_text(root, "introduction", "questionnaire", required=False),
        sources=tuple(sources),
        grades=tuple(grades),
        gate=gate,
        themes=tuple(themes),
    )


def diff_questionnaires(old: Questionnaire, new: Questionnaire) -> list[str]:
    """What changed between two versions, as French lines an assessor can act on."""
    lines: list[str] = []
    if old.version != new.version:
        lines.append(f"Version du questionnaire : {old.version} → {new.version}.")
    old_items, new_items = old.all_items(), new.all_items()
    for ident, item in new_items.items():
        if ident not in old_items:
            lines.append(f"Question ajoutée : « {item.question} » ({item.reference}).")
    for ident, item in old_items.items():
        if ident not in new_items:
            lines.append(f"Question retirée : « {item.question} ».")
    for ident, item in new_items.items():
        before = old_items.get(ident)
        if before is None:
            continue
        if before.question != item.question:
            lines.append(f"Question reformulée : « {before.question} » → « {item.question} ».")
        elif before.reference != item.reference:
            lines.append(
                f"Référence modifiée pour « {item.question} » : "
                f"{before.reference} → {item.reference}."
            )
        old_theme, new_theme = old.theme_of(ident), new.theme_of(ident)
        if old_theme and new_theme and old_theme.id != new_theme.id:
            lines.append(
                f"« {item.question} » passe du thème « {old_theme.title} » "
                f"au thème « {new_theme.title} »."
            )
    old_themes = {t.id: t for t in old.themes}
    for theme in new.themes:
        before_theme = old_themes.get(theme.id)
        if before_theme is None:
            lines.append(f"Thème ajouté : « {theme.title} ».")
        elif before_theme.weight != theme.weight:
            lines.append(
                f"Poids du thème « {theme.title} » : {before_theme.weight:g} → {theme.weight:g}."
            )
    new_theme_ids = {t.id for t in new.themes}
    for theme in old.themes:
        if theme.id not in new_theme_ids:
            lines.append(f"Thème retiré : « {theme.title} ».")
    old_bands = [(b.grade, b.min) for b in old.grades]
    if old_bands != [(b.grade, b.min) for b in new.grades]:
        lines.append(
            "Seuils des notes modifiés : "
            + ", ".join(f"{b.grade} ≥ {b.min:g}" for b in new.grades)
            + "."
        )
    if not lines and old != new:
        lines.append("Textes d'aide ou descriptions modifiés, sans effet sur le score.")
    return lines
