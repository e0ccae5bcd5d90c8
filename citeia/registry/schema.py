"""The record's fields grouped as the reference standards group them, and how a snapshot
(published version) is written and shown."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SCHEMA_VERSION, Record, WithholdReason

SECTIONS: list[tuple[str, object, list[str]]] = [
    (
        "identity",
        gettext_lazy("Identité"),
        ["department", "keywords", "next_review"],
    ),
    (
        "summary",
        gettext_lazy("Résumé public"),
        [
            "name",
            "summary",
            "description",
            "theme",
            "area",
            "lifecycle",
            "in_use_since",
            "contact_email",
            "public_page_url",
        ],
    ),
    (
        "purpose",
        gettext_lazy("Objectif et contexte de décision"),
        [
            "goal",
            "decision_type",
            "automation",
            "process_position",
            "decisions_per_year",
            "people_affected",
            "benefits",
            "previous_process",
            "alternatives",
            "proportionality",
        ],
    ),
    (
        "legal",
        gettext_lazy("Cadre juridique"),
        ["legal_basis", "legal_basis_url", "gdpr_register_url"],
    ),
    (
        "accountability",
        gettext_lazy("Responsabilité et fournisseurs"),
        [
            "accountable_role",
            "supplier_name",
            "supplier_siren",
            "supplier_role",
            "procurement",
            "provider_eu_db_ref",
            "cost",
        ],
    ),
    (
        "oversight",
        gettext_lazy("Contrôle humain et recours"),
        [
            "human_oversight",
            "staff_training",
            "monitoring",
            "rollback",
            "appeal_procedure",
            "explanation_contact",
        ],
    ),
    (
        "data",
        gettext_lazy("Données"),
        ["personal_data", "data_sources", "data_quality", "data_storage", "parameters"],
    ),
    (
        "technical",
        gettext_lazy("Fonctionnement technique"),
        ["technique", "methods", "performance", "source_code_url", "operations"],
    ),
    (
        "risk",
        gettext_lazy("Risques et évaluations"),
        ["risks", "protected_attributes", "dpia_summary", "dpia_url", "evaluation_results"],
    ),
]
FIELDS = [name for _key, _label, names in SECTIONS for name in names]
# Fields a record must fill before it is published (the rest may stay empty).
REQUIRED_TO_PUBLISH = [
    "name",
    "summary",
    "description",
    "theme",
    "lifecycle",
    "goal",
    "decision_type",
    "automation",
    "legal_basis",
    "accountable_role",
    "human_oversight",
    "personal_data",
    "technique",
    "next_review",
]
# Required as well for records used in individual decisions (CRPA L311-3-1, R311-3-1-2).
REQUIRED_FOR_DECISIONS = ["data_sources", "parameters", "operations", "appeal_procedure"]
# Fields that may be withheld with a legal reason; identity and summary are always public.
NEVER_WITHHELD = {"name", "summary", "description", "theme", "lifecycle", "decision_type"}
WITHHOLDABLE = [
    name
    for key, _label, names in SECTIONS
    if key not in ("identity", "summary")
    for name in names
    if name not in NEVER_WITHHELD
]
URL_FIELDS = [
    "public_page_url",
    "legal_basis_url",
    "gdpr_register_url",
    "source_code_url",
    "dpia_url",
]


def field_label(name: str) -> str:
    return str(Record._meta.get_field(name).verbose_name)


def _raw(record: Record, name: str):
    value = getattr(record, name)
    if isinstance(value, date):
        return value.isoformat()
    return value


def is_empty(value) -> bool:
    return value is None or value == ""


def missing_fields(record: Record) -> list[str]:
    """Names of the fields still empty that publication requires."""
    required = list(REQUIRED_TO_PUBLISH)
    if record.decision_type == "individual":
        required += REQUIRED_FOR_DECISIONS
    withheld = record.withheld or {}
    return [name for name in required if name not in withheld and is_empty(getattr(record, name))]


def snapshot(record: Record, *, ai_act: dict | None = None) -> dict:
    """The public content of the record now: withheld fields carry only their reason."""
    withheld = {
        name: reason
        for name, reason in (record.withheld or {}).items()
        if name in WITHHOLDABLE and reason in WithholdReason.values
    }
    organisation = record.organisation
    commune = getattr(organisation, "commune", None)
    return {
        "schema_version": SCHEMA_VERSION,
        "public_id": record.public_id,
        "organisation": {
            "name": organisation.name,
            "slug": organisation.slug,
            "kind": organisation.kind,
            "siren": organisation.siren or None,
            "insee": commune.insee_code if commune else None,
        },
        "fields": {name: None if name in withheld else _raw(record, name) for name in FIELDS},
        "withheld": withheld,
        "solution": (
            {"name": record.solution.name, "slug": record.solution.slug}
            if record.solution_id
            else None
        ),
        "ai_act": ai_act,
    }


@dataclass
class ShownField:
    name: str
    label: str
    value: str
    withheld_reason: str = ""
    is_url: bool = False
    multiline: bool = False
    # For a link of the current version found broken by the link check (upkeep.py).
    broken: dict | None = None


def display_value(name: str, value) -> str:
    if is_empty(value):
        return ""
    field = Record._meta.get_field(name)
    if field.choices:
        return str(dict(field.choices).get(value, value))
    if name in ("next_review", "in_use_since") and isinstance(value, str):
        try:
            return date_format(date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def shown_sections(snap: dict) -> list[tuple[str, str, list[ShownField]]]:
    """Sections of a snapshot, ready for a template: empty fields are left out, withheld
    ones are kept with their reason."""
    reasons = dict(WithholdReason.choices)
    fields = snap.get("fields", {})
    withheld = snap.get("withheld", {})
    sections = []
    for key, label, names in SECTIONS:
        shown = []
        for name in names:
            if name in ("name",):
                continue
            if name in withheld:
                shown.append(
                    ShownField(
                        name,
                        field_label(name),
                        "",
                        withheld_reason=str(reasons.get(withheld[name], withheld[name])),
                    )
                )
                continue
            value = fields.get(name)
            if is_empty(value):
                continue
            shown.append(
                ShownField(
                    name,
                    field_label(name),
                    display_value(name, value),
                    is_url=name in URL_FIELDS,
                    multiline=isinstance(value, str) and "\n" in value,
                )
            )
        if shown:
            sections.append((key, str(label), shown))
    return sections


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def diff(old: dict, new: dict) -> list[FieldChange]:
    """Field-by-field changes between two snapshots, in the order of the sections."""
    reasons = dict(WithholdReason.choices)

    def shown(snap: dict, name: str) -> str:
        withheld = snap.get("withheld", {})
        if name in withheld:
            return _("Information non publiée — motif : %(reason)s") % {
                "reason": reasons.get(withheld[name], withheld[name])
            }
        return display_value(name, snap.get("fields", {}).get(name))

    changes = []
    for name in FIELDS:
        before, after = shown(old, name), shown(new, name)
        if before != after:
            changes.append(FieldChange(name, field_label(name), before, after))
    return changes
