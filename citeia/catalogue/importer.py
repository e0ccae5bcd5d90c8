"""Import solutions from JSON Lines: one solution per line (format: docs/catalogue-import.md).

Every line is validated on its own — JSON syntax, known keys, vendor, managed lists,
SPDX licence, URLs, the model's ``full_clean`` — and either fully written or not at
all: each line runs in its own transaction (savepoint), so a bad line never leaves a
half-imported solution. ``atomic=True`` imports the file all-or-nothing; ``dry_run``
validates everything and writes nothing.

A line is identified by (vendor, name): importing the same file twice updates the
solutions it created instead of duplicating them, and a line that changes nothing
writes nothing (no new history entry).

The import acts for the platform (programme team, administrators, or the operator
running the command: ``actor=None``) or for a vendor user, who may only import
solutions of organisations they edit, without publishing them, creating vendors or
declaring references. Writes mirror ``services.solution_create``/``solution_update``
(full_clean, history with a reason, search indexing after commit) but set the
status directly, since the platform imports for every vendor at once.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citeia.accounts.models import Organisation, OrganisationKind, normalise_siren
from citeia.core import search
from citeia.core.permissions import Action, can

from .licences import is_osi_approved
from .models import (
    CERTIFICATIONS,
    AttributeType,
    Domain,
    ExtraAttribute,
    ExtraValue,
    Network,
    PurchasingCentral,
    Reference,
    ReferenceStatus,
    Solution,
    SolutionStatus,
    Technique,
    VendorProfile,
    VendorSize,
)
from .services import EDITABLE, _unique_slug, solution_figures_refresh

MAX_LINE_LENGTH = 1_000_000

TEXT_FIELDS = (
    "name",
    "summary",
    "description",
    "licence",
    "maturity",
    "deployment",
    "hosting",
    "personal_data",
    "model_provenance",
    "model_name",
    "reversibility",
    "accessibility",
    "accessibility_url",
    "pricing_model",
    "website",
    "repository",
    "documentation",
    "latest_version",
)
REQUIRED = (
    "vendor",
    "name",
    "summary",
    "domains",
    "techniques",
    "maturity",
    "deployment",
    "personal_data",
    "model_provenance",
)
LIST_FIELDS = ("domains", "techniques", "certifications", "similar_to", "alternative_to")
KNOWN_KEYS = frozenset(
    (
        *TEXT_FIELDS,
        *LIST_FIELDS,
        "vendor",
        "is_free_software",
        "latest_version_date",
        "references",
        "extra",
    )
)
VENDOR_KEYS = frozenset(
    ("slug", "siren", "name", "kind", "website", "description", "size", "networks")
) | {"purchasing_centrals"}
VENDOR_KINDS = (
    OrganisationKind.COMPANY,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.PUBLIC_AGENCY,
    OrganisationKind.RESEARCH_LAB,
)
REFERENCE_KEYS = frozenset(("organisation", "status", "since", "public_feedback"))
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


# --- Report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return _("Ligne %(line)s, champ « %(field)s » : %(message)s") % {
                "line": self.line,
                "field": self.field,
                "message": self.message,
            }
        return _("Ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class LineResult:
    line: int
    action: str  # "created", "updated" or "unchanged"
    solution_id: int | None
    name: str


@dataclass
class ImportReport:
    results: list[LineResult] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    dry_run: bool = False
    atomic: bool = False

    def _count(self, action: str) -> int:
        return sum(1 for result in self.results if result.action == action)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def error_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        """Whether the good lines were saved (not a dry run, not an atomic file with errors)."""
        return not self.dry_run and not (self.atomic and self.errors)

    def summary(self) -> str:
        lines = len(self.results) + len(self.error_lines)
        text = ngettext("%(n)s ligne lue", "%(n)s lignes lues", lines) % {"n": lines}
        parts = [
            ngettext("%(n)s solution créée", "%(n)s solutions créées", self.created)
            % {"n": self.created},
            ngettext("%(n)s mise à jour", "%(n)s mises à jour", self.updated) % {"n": self.updated},
            ngettext("%(n)s inchangée", "%(n)s inchangées", self.unchanged) % {"n": self.unchanged},
            ngettext("%(n)s ligne en erreur", "%(n)s lignes en erreur", len(self.error_lines))
            % {"n": len(self.error_lines)},
        ]
        text = f"{text} : {', '.join(parts)}."
        if self.dry_run:
            text += " " + _("Essai à blanc : rien n'a été enregistré.")
        elif self.atomic and self.errors:
            text += " " + _("Import tout ou rien : aucune ligne n'a été enregistrée.")
        return text


class _LineFailed(Exception):
    """Rolls back the savepoint of a line that has errors."""


class _Rollback(Exception):
    """Rolls back the whole file (dry run, or atomic import with errors)."""


# --- Entry point -----------------------------------------------------------------------


def is_platform(actor) -> bool:
    """The operator of the command (None), the programme team or an administrator."""
    return actor is None or bool(getattr(actor, "is_programme_team", False))


def import_lines(
    lines: Iterable[str],
    *,
    actor,
    publish: bool = False,
    dry_run: bool = False,
    atomic: bool = False,
) -> ImportReport:
    """Import JSON Lines (one solution per line; line numbers start at 1).

    `actor` is the user who imports (None: the operator of the command, with the
    platform's rights). Raises PermissionDenied when `publish` is asked by someone who
    may not publish.
    """
    if publish and not is_platform(actor):
        raise PermissionDenied(_("Seule l'équipe programme peut publier des solutions importées."))
    importer = Importer(actor=actor, publish=publish)
    report = ImportReport(dry_run=dry_run, atomic=atomic)
    # Raising _Rollback undoes the transaction: a dry run, or an atomic import with errors.
    with contextlib.suppress(_Rollback), transaction.atomic():
        for number, line in enumerate(lines, start=1):
            importer.import_line(number, line, report)
        if dry_run or (atomic and report.errors):
            raise _Rollback
    return report


def import_record(
    record: dict, *, actor, publish: bool = False, is_demo: bool = False, line: int = 1
) -> tuple[LineResult | None, list[LineError]]:
    """Import one already-parsed record (used by the demo loader)."""
    return Importer(actor=actor, publish=publish, is_demo=is_demo).import_one(record, line=line)


# --- One line --------------------------------------------------------------------------


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("" if key == NON_FIELD_ERRORS else key): [str(m) for m in ValidationError(v)]
            for key, v in exc.error_dict.items()
        }
    return {"": [str(m) for m in exc]}


def _parse_date(value: Any) -> datetime.date:
    if not isinstance(value, str):
        raise ValueError
    return datetime.date.fromisoformat(value)


class _Line:
    """Errors of one line, with the line number."""

    def __init__(self, number: int, report: ImportReport) -> None:
        self.number = number
        self.report = report
        self.failed = False

    def error(self, field_name: str, message: str) -> None:
        self.failed = True
        self.report.errors.append(LineError(self.number, field_name, message))

    def validation(self, exc: ValidationError, prefix: str = "", rename: dict | None = None):
        for key, messages in _messages(exc).items():
            key = (rename or {}).get(key, key)
            name = f"{prefix}.{key}" if prefix and key else (prefix or key)
            for message in messages:
                self.error(name, message)


class Importer:
    """Imports records one by one, with the managed lists loaded once."""

    def __init__(self, *, actor, publish: bool, is_demo: bool = False) -> None:
        self.actor = actor
        self.publish = publish
        self.is_demo = is_demo
        self.seen: dict[tuple[str, str], int] = {}
        self.domains = {d.slug: d for d in Domain.objects.all()}
        self.techniques = {t.slug: t for t in Technique.objects.all()}
        self.networks = {n.slug: n for n in Network.objects.all()}
        self.centrals = {c.slug: c for c in PurchasingCentral.objects.all()}
        self.attributes = {a.key: a for a in ExtraAttribute.objects.all()}

    def import_one(
        self, record: dict, *, line: int = 1
    ) -> tuple[LineResult | None, list[LineError]]:
        report = ImportReport()
        self.import_record(line, record, report)
        return (report.results[0] if report.results else None), report.errors

    # Parsing ---------------------------------------------------------------------------

    def import_line(self, number: int, text: str, report: ImportReport) -> None:
        text = text.strip()
        if number == 1:
            text = text.lstrip("\ufeff")
        if not text:
            return
        line = _Line(number, report)
        if len(text) > MAX_LINE_LENGTH:
            line.error("", _("Ligne trop longue (1 Mo au plus)."))
            return
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            line.error(
                "",
                _("JSON invalide (%(reason)s, colonne %(column)s).")
                % {"reason": exc.msg, "column": exc.colno},
            )
            return
        self.import_record(number, record, report)

    def import_record(self, number: int, record: Any, report: ImportReport) -> None:
        line = _Line(number, report)
        if not isinstance(record, dict):
            line.error("", _('Chaque ligne doit être un objet JSON : {"name": …, …}.'))
            return
        for key in sorted(set(record) - KNOWN_KEYS):
            line.error(key, _("Champ inconnu. Voyez la liste des champs dans la documentation."))
        for key in REQUIRED:
            if record.get(key) in (None, "", []):
                line.error(key, _("Champ obligatoire manquant."))
        if line.failed:
            return
        try:
            with transaction.atomic():
                result = self._write(line, record)
                if line.failed:
                    raise _LineFailed
        except _LineFailed:
            return
        report.results.append(result)

    # Writing (inside the line's savepoint) --------------------------------------------

    def _write(self, line: _Line, record: dict) -> LineResult | None:
        vendor = self._vendor(line, record["vendor"])
        if vendor is None:
            return None
        if not isinstance(record["name"], str):
            line.error("name", _("Texte attendu."))
            return None
        name = record["name"].strip()
        key = (vendor.slug, name)
        if key in self.seen:
            line.error(
                "name",
                _("Doublon : la même solution de ce fournisseur figure déjà ligne %(line)s.")
                % {"line": self.seen[key]},
            )
            return None

        solution = Solution.objects.filter(vendor=vendor, name=name).first()
        created = solution is None
        if created:
            solution = Solution(vendor=vendor, is_demo=self.is_demo)
        elif not is_platform(self.actor) and solution.status not in EDITABLE:
            line.error(
                "name",
                _("Cette solution est %(status)s : elle ne peut pas être modifiée maintenant.")
                % {"status": solution.get_status_display().lower()},
            )
            return None

        data = self._fields(line, record)
        m2m = self._m2m(line, record)
        extra = self._extra(line, record.get("extra"))
        if line.failed:
            return None
        before = {name_: getattr(solution, name_) for name_ in data}
        for name_, value in data.items():
            setattr(solution, name_, value)
        if created:
            solution.slug = _unique_slug(name, vendor.slug)
        if self.publish and solution.status != SolutionStatus.PUBLISHED:
            solution.status = SolutionStatus.PUBLISHED
            solution.status_message = ""
            solution.published_at = solution.published_at or timezone.now()
            before["status"] = None
        if self.is_demo and not solution.is_demo:
            solution.is_demo = True
            before["is_demo"] = False
        try:
            solution.full_clean()
        except ValidationError as exc:
            line.validation(exc)
            return None

        snapshot = self._extra_snapshot(solution, extra)
        if snapshot != solution.extra_attributes:
            before["extra_attributes"] = solution.extra_attributes
            solution.extra_attributes = snapshot
        changed = created or any(before[k] != getattr(solution, k) for k in before)
        if created:
            # Saved once without history so that its one version includes its lists.
            solution.save_without_historical_record()
        # Each list's change would otherwise be a version of its own: folded into the
        # version saved below, as the services do.
        solution.skip_history_when_saving = True
        try:
            for name_, values in m2m.items():
                manager = getattr(solution, name_)
                if created or {obj.pk for obj in manager.all()} != {obj.pk for obj in values}:
                    manager.set(values)
                    changed = True
        finally:
            del solution.skip_history_when_saving
        if changed:
            solution._change_reason = _("Import")
            if self.actor is not None and self.actor.pk:
                solution._history_user = self.actor
            solution.save()
        changed |= self._save_extra(solution, extra)
        if self._references(line, solution, record.get("references")):
            changed = True
            solution_figures_refresh(solution_ids=[solution.pk])
        if line.failed:
            return None
        self.seen[key] = line.number
        if changed:
            transaction.on_commit(lambda: search.index(solution))
        action = "created" if created else ("updated" if changed else "unchanged")
        return LineResult(line.number, action, solution.pk, solution.name)

    def _fields(self, line: _Line, record: dict) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            if name in record:
                value = record[name]
                if not isinstance(value, str):
                    line.error(name, _("Texte attendu."))
                    continue
                data[name] = value.strip()
        if "is_free_software" in record:
            if not isinstance(record["is_free_software"], bool):
                line.error("is_free_software", _("Valeur attendue : true ou false."))
            else:
                data["is_free_software"] = record["is_free_software"]
        elif data.get("licence"):
            # Unsaid: free software when the licence is approved by the OSI.
            data["is_free_software"] = is_osi_approved(data["licence"])
        if "latest_version_date" in record:
            value = record["latest_version_date"]
            if value in (None, ""):
                data["latest_version_date"] = None
            else:
                try:
                    data["latest_version_date"] = _parse_date(value)
                except ValueError:
                    line.error("latest_version_date", _("Date attendue au format AAAA-MM-JJ."))
        if "certifications" in record:
            known = {key for key, _label in CERTIFICATIONS}
            values = record["certifications"]
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                line.error("certifications", _("Liste d'identifiants attendue."))
            elif unknown := [v for v in values if v not in known]:
                line.error(
                    "certifications",
                    _("Certification inconnue : %(unknown)s. Valeurs possibles : %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))},
                )
            else:
                data["certifications"] = values
        return data

    def _slugs(self, line: _Line, name: str, values: Any, known: dict, what: str) -> list | None:
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            line.error(name, _('Liste d\'identifiants attendue, par exemple ["urbanisme"].'))
            return None
        unknown = [v for v in values if v not in known]
        if unknown:
            line.error(
                name,
                _(
                    "%(what)s : identifiant inconnu (%(unknown)s). Identifiants possibles : %(known)s."
                )
                % {"what": what, "unknown": ", ".join(unknown), "known": ", ".join(known)},
            )
            return None
        return [known[v] for v in dict.fromkeys(values)]

    def _m2m(self, line: _Line, record: dict) -> dict[str, list]:
        m2m: dict[str, list] = {}
        domains = self._slugs(line, "domains", record["domains"], self.domains, _("Domaine"))
        techniques = self._slugs(
            line, "techniques", record["techniques"], self.techniques, _("Technique")
        )
        if domains is not None:
            m2m["domains"] = domains
        if techniques is not None:
            m2m["techniques"] = techniques
        for name in ("similar_to", "alternative_to"):
            if name in record:
                values = record[name]
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    line.error(name, _("Liste d'identifiants de solutions attendue."))
                    continue
                found = {s.slug: s for s in Solution.objects.filter(slug__in=values)}
                if unknown := [v for v in values if v not in found]:
                    line.error(
                        name,
                        _("Solution inconnue : %(unknown)s (identifiant de la fiche attendu).")
                        % {"unknown": ", ".join(unknown)},
                    )
                    continue
                m2m[name] = list(found.values())
        return m2m

    # Vendor ----------------------------------------------------------------------------

    def _find_vendor(self, identifier: str) -> Organisation | None:
        siren = normalise_siren(identifier)
        if siren.isdigit() and len(siren) == 9:
            return Organisation.objects.filter(siren=siren).first()
        return Organisation.objects.filter(slug=identifier).first()

    def _vendor(self, line: _Line, value: Any) -> Organisation | None:
        if isinstance(value, str):
            vendor = self._find_vendor(value.strip())
            if vendor is None:
                line.error(
                    "vendor",
                    _(
                        "Fournisseur inconnu : « %(value)s ». Donnez le SIREN ou l'identifiant "
                        "d'une organisation existante, ou un objet avec son nom et son type "
                        "pour la créer."
                    )
                    % {"value": value},
                )
                return None
            return self._vendor_allowed(line, vendor)
        if not isinstance(value, dict):
            line.error("vendor", _("SIREN, identifiant ou objet décrivant le fournisseur attendu."))
            return None
        for key in sorted(set(value) - VENDOR_KEYS):
            line.error(f"vendor.{key}", _("Champ inconnu."))
        if line.failed:
            return None
        vendor = None
        if value.get("siren"):
            vendor = self._find_vendor(str(value["siren"]))
        if vendor is None and value.get("slug"):
            vendor = Organisation.objects.filter(slug=value["slug"]).first()
        if vendor is not None:
            vendor = self._vendor_allowed(line, vendor)
            if vendor is not None and not hasattr(vendor, "vendor_profile"):
                self._profile(line, vendor, value)
            return vendor
        return self._create_vendor(line, value)

    def _vendor_allowed(self, line: _Line, vendor: Organisation) -> Organisation | None:
        if is_platform(self.actor) or can(self.actor, Action.CREATE, Solution(vendor=vendor)):
            return vendor
        line.error(
            "vendor",
            _("Vous ne pouvez pas importer de solution pour « %(vendor)s ».")
            % {"vendor": vendor.name},
        )
        return None

    def _create_vendor(self, line: _Line, value: dict) -> Organisation | None:
        if not is_platform(self.actor):
            line.error("vendor", _("Seule l'équipe programme peut créer un fournisseur."))
            return None
        for key in ("name", "kind"):
            if not value.get(key):
                line.error(f"vendor.{key}", _("Champ obligatoire pour créer le fournisseur."))
        if value.get("kind") and value["kind"] not in VENDOR_KINDS:
            line.error(
                "vendor.kind",
                _("Type inconnu : « %(value)s ». Types possibles : %(known)s.")
                % {"value": value["kind"], "known": ", ".join(VENDOR_KINDS)},
            )
        if line.failed:
            return None
        organisation = Organisation(
            name=str(value["name"]).strip(),
            slug=str(value.get("slug") or slugify(str(value["name"])))[:120],
            kind=value["kind"],
            siren=str(value.get("siren") or ""),
            website=str(value.get("website") or ""),
            description=str(value.get("description") or ""),
            is_demo=self.is_demo,
        )
        try:
            organisation.full_clean()
        except ValidationError as exc:
            line.validation(exc, prefix="vendor")
            return None
        organisation.save()
        self._profile(line, organisation, value)
        return organisation

    def _profile(self, line: _Line, organisation: Organisation, value: dict) -> None:
        size = value.get("size", "")
        if size and size not in VendorSize.values:
            line.error(
                "vendor.size",
                _("Taille inconnue : « %(value)s ». Valeurs possibles : %(known)s.")
                % {"value": size, "known": ", ".join(VendorSize.values)},
            )
        networks = self._slugs(
            line, "vendor.networks", value.get("networks", []), self.networks, _("Réseau")
        )
        centrals = self._slugs(
            line,
            "vendor.purchasing_centrals",
            value.get("purchasing_centrals", []),
            self.centrals,
            _("Centrale d'achat"),
        )
        if line.failed:
            return
        profile = VendorProfile.objects.create(organisation=organisation, size=size)
        profile.networks.set(networks or [])
        profile.purchasing_centrals.set(centrals or [])

    # Extra attributes and references --------------------------------------------------

    def _extra(self, line: _Line, value: Any) -> dict[ExtraAttribute, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            line.error("extra", _('Objet attendu : {"identifiant": valeur}.'))
            return {}
        values: dict[ExtraAttribute, Any] = {}
        for key, item in value.items():
            attribute = self.attributes.get(key)
            name = f"extra.{key}"
            if attribute is None:
                line.error(name, _("Attribut supplémentaire inconnu."))
                continue
            message = self._extra_error(attribute.type, item)
            if message:
                line.error(name, message)
            else:
                values[attribute] = item
        return values

    @staticmethod
    def _extra_error(kind: str, item: Any) -> str:
        if item is None:
            return ""
        if kind == AttributeType.BOOLEAN and not isinstance(item, bool):
            return _("Valeur attendue : true ou false.")
        if kind == AttributeType.NUMBER and (
            isinstance(item, bool) or not isinstance(item, int | float)
        ):
            return _("Nombre attendu.")
        if kind in (AttributeType.TEXT, AttributeType.DATE, AttributeType.URL) and not isinstance(
            item, str
        ):
            return _("Texte attendu.")
        if kind == AttributeType.DATE:
            try:
                _parse_date(item)
            except ValueError:
                return _("Date attendue au format AAAA-MM-JJ.")
        if kind == AttributeType.URL:
            try:
                URLValidator()(item)
            except ValidationError:
                return _("Saisissez une adresse web valide (https://…).")
        return ""

    @staticmethod
    def _extra_snapshot(solution: Solution, values: dict[ExtraAttribute, Any]) -> dict:
        """What `extra_attributes` will hold once `values` are saved (the history's copy)."""
        snapshot = {}
        if solution.pk is not None:
            snapshot = {
                v.attribute.key: v.value for v in solution.extra_values.select_related("attribute")
            }
        for attribute, item in values.items():
            if item is None:
                snapshot.pop(attribute.key, None)
            else:
                snapshot[attribute.key] = item
        return snapshot

    @staticmethod
    def _save_extra(solution: Solution, values: dict[ExtraAttribute, Any]) -> bool:
        changed = False
        existing = {v.attribute_id: v for v in solution.extra_values.all()}
        for attribute, item in values.items():
            current = existing.get(attribute.pk)
            if item is None:
                if current is not None:
                    current.delete()
                    changed = True
            elif current is None:
                ExtraValue.objects.create(solution=solution, attribute=attribute, value=item)
                changed = True
            elif current.value != item:
                current.value = item
                current.save(update_fields=["value"])
                changed = True
        return changed

    def _organisation(self, identifier: Any) -> Organisation | None:
        if not isinstance(identifier, str):
            return None
        if INSEE_CODE.match(identifier):
            return Organisation.objects.filter(commune__insee_code=identifier).first()
        return Organisation.objects.filter(slug=identifier).first()

    def _references(self, line: _Line, solution: Solution, value: Any) -> bool:
        if value is None:
            return False
        if not is_platform(self.actor):
            line.error("references", _("Seule l'équipe programme peut déclarer des références."))
            return False
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            line.error("references", _("Liste d'objets attendue."))
            return False
        changed = False
        seen: set[int] = set()
        for index, item in enumerate(value, start=1):
            prefix = f"references[{index}]"
            for key in sorted(set(item) - REFERENCE_KEYS):
                line.error(f"{prefix}.{key}", _("Champ inconnu."))
            organisation = self._organisation(item.get("organisation"))
            if organisation is None:
                line.error(
                    f"{prefix}.organisation",
                    _(
                        "Organisation inconnue : « %(value)s ». Donnez l'identifiant d'une "
                        "organisation ou le code INSEE d'une commune."
                    )
                    % {"value": item.get("organisation", "")},
                )
                continue
            if organisation.pk in seen:
                line.error(f"{prefix}.organisation", _("Organisation déjà citée dans la ligne."))
                continue
            seen.add(organisation.pk)
            values = {
                "status": item.get("status", ""),
                "public_feedback": item.get("public_feedback", ""),
                "since": None,
            }
            if values["status"] not in ReferenceStatus.values:
                line.error(
                    f"{prefix}.status",
                    _("Statut inconnu : « %(value)s ». Valeurs possibles : %(known)s.")
                    % {"value": values["status"], "known": ", ".join(ReferenceStatus.values)},
                )
                continue
            if not isinstance(values["public_feedback"], str):
                line.error(f"{prefix}.public_feedback", _("Texte attendu."))
                continue
            if item.get("since"):
                try:
                    values["since"] = _parse_date(item["since"])
                except ValueError:
                    line.error(f"{prefix}.since", _("Date attendue au format AAAA-MM-JJ."))
                    continue
            changed |= upsert(
                Reference,
                {"solution": solution, "organisation": organisation},
                values,
                line=line,
                prefix=prefix,
            )
        return changed


def upsert(model, lookup: dict, values: dict, *, line: _Line | None = None, prefix: str = ""):
    """Create or update a row, writing only when something differs. Returns whether it wrote.

    With `line`, validation errors are reported on it instead of raised.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is not None and all(getattr(obj, k) == v for k, v in values.items()):
        return False
    obj = obj or model(**lookup)
    for key, value in values.items():
        setattr(obj, key, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        if line is None:
            raise
        line.validation(exc, prefix=prefix)
        return False
    obj.save()
    return True
