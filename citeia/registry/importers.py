"""Import records written in other registers' formats, as drafts of one organisation.

Formats (see docs/registry.md for the full mapping tables):

- ``citeia``: our own JSON export (round trip);
- ``nl``: the Dutch Algoritmeregister publication standard 1.0 (JSON objects);
- ``uk``: the UK Algorithmic Transparency Recording Standard template fields (JSON
  objects, flat or grouped by tier/section).

Each record is all-or-nothing: it is saved only if every mapped value is valid; otherwise
nothing of it is saved and the report says why. Fields that have no place in our schema
are listed in the report, never silently dropped.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .schema import FIELDS

MAX_BYTES = 2 * 1024 * 1024
MAX_RECORDS = 500

# Dutch standard 1.0 -> our field (or None: known, deliberately not imported).
NL_MAPPING: dict[str, str | None] = {
    "name": "name",
    "description_short": "summary",
    "description": "description",
    "goal": "goal",
    "impact": "benefits",
    "proportionality": "proportionality",
    "decision_making_process": "process_position",
    "documentation": "methods",
    "competent_authority": "accountable_role",
    "lawful_basis": "legal_basis",
    "lawful_basis_link": "legal_basis_url",
    "dpia_description": "dpia_summary",
    "objection_procedure": "appeal_procedure",
    "source_data": "data_sources",
    "methods_and_models": "methods",
    "human_intervention": "human_oversight",
    "risks": "risks",
    "provider": "supplier_name",
    "website": "public_page_url",
    "contact_email": "contact_email",
    "area": "area",
    "monitoring": "monitoring",
    "performance_standard": "performance",
    "publiccode": "source_code_url",
    "tags": "keywords",
    "begin_date": "in_use_since",
    "status": "lifecycle",
    "type": "technique",
    # Known but without an equivalent: reported as "not imported".
    "organization": None,
    "category": None,
    "iama": None,
    "iama_description": None,
    "dpia": None,
    "application_url": None,
    "mprd": None,
    "process_index_url": None,
    "source_data_link": None,
    "end_date": None,
    "lang": None,
    "standard_version": None,
    "publication_category": None,
    "url": None,
    "uuid": None,
}
NL_LIFECYCLE = {
    "in gebruik": "in_use",
    "in ontwikkeling": "development",
    "buiten gebruik": "retired",
    "pilot": "pilot",
}
NL_TECHNIQUE = {
    "regelgestuurd algoritme": "rules",
    "zelflerend algoritme": "ml",
    "rule-based": "rules",
    "self-learning": "ml",
}

# UK ATRS template fields -> our field.
UK_MAPPING: dict[str, str | None] = {
    "name": "name",
    "description": "summary",
    "website": "public_page_url",
    "contact_email": "contact_email",
    "team": "department",
    "senior_responsible_owner": "accountable_role",
    "external_supplier": "supplier_name",
    "external_supplier_identifier": "supplier_siren",
    "external_supplier_role": "supplier_role",
    "procurement_procedure": "procurement",
    "scope": "goal",
    "benefit": "benefits",
    "alternatives": "alternatives",
    "decision_making_process": "process_position",
    "human_decisions_and_review": "human_oversight",
    "required_training": "staff_training",
    "appeals_and_review": "appeal_procedure",
    "model_architecture": "methods",
    "model_performance": "performance",
    "data_description": "data_sources",
    "sensitive_attributes": "protected_attributes",
    "data_completeness_and_representativeness": "data_quality",
    "data_storage": "data_storage",
    "impact_assessment_description": "dpia_summary",
    "impact_assessment_link": "dpia_url",
    "risk_description": "risks",
    "phase": "lifecycle",
    "date_deployment": "in_use_since",
    "maintenance": "monitoring",
    # Known without equivalent.
    "organisation": None,
    "model_name": None,
    "model_version": None,
    "model_task": None,
    "model_input": None,
    "model_output": None,
    "datasets": None,
    "dataset_purposes": None,
    "source_data_name": None,
    "data_quantities": None,
    "source_data_url": None,
    "data_collection": None,
    "data_cleaning": None,
    "data_sharing": None,
    "data_access_terms": None,
    "impact_assessment_name": None,
    "impact_assessment_date": None,
    "risk_name": None,
    "risk_mitigation": None,
}
UK_LIFECYCLE = {
    "idea": "development",
    "design": "development",
    "development": "development",
    "pilot": "pilot",
    "production": "in_use",
    "retired": "retired",
}
# Keys of our own export that are not record fields.
CITEIA_META = {
    "public_id",
    "version",
    "schema_version",
    "status",
    "published_at",
    "organisation",
    "organisation_slug",
    "organisation_siren",
    "organisation_insee",
    "ai_act_class",
    "solution",
    "url",
    "withheld",
}
FORMATS = {"citeia": "Cité IA (export JSON)", "nl": "Algoritmeregister 1.0", "uk": "UK ATRS"}


class ImportFormatError(Exception):
    """The file cannot be read at all (not JSON, wrong shape, too big)."""


@dataclass
class RecordReport:
    index: int
    name: str
    public_id: str = ""
    errors: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    records: list[RecordReport] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for record in self.records if record.ok)

    @property
    def failed(self) -> int:
        return sum(1 for record in self.records if not record.ok)


def parse(raw: bytes) -> list[dict]:
    if len(raw) > MAX_BYTES:
        raise ImportFormatError(_("Le fichier dépasse 2 Mo."))
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFormatError(
            _("Le fichier n'est pas du JSON lisible en UTF-8 : %(error)s") % {"error": exc}
        ) from exc
    if isinstance(data, dict):
        data = data.get("records", data.get("algoritmes", [data]))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ImportFormatError(
            _("Le fichier doit contenir un objet JSON par fiche, ou une liste de tels objets.")
        )
    if len(data) > MAX_RECORDS:
        raise ImportFormatError(_("Au plus %(n)s fiches par fichier.") % {"n": MAX_RECORDS})
    return data


def _flatten(item: dict) -> dict:
    """ATRS files group fields by tier or section; read them as one level."""
    flat: dict = {}
    for key, value in item.items():
        if isinstance(value, dict):
            flat.update(_flatten(value))
        else:
            flat[key] = value
    return flat


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def map_item(fmt: str, item: dict) -> tuple[dict, dict, list[str], list[str]]:
    """(fields, withheld, unmapped keys, known keys not imported) for one source object."""
    fields: dict = {}
    withheld: dict = {}
    unmapped: list[str] = []
    not_imported: list[str] = []
    if fmt == "citeia":
        for key, value in item.items():
            if key in FIELDS:
                fields[key] = value
            elif key == "withheld" and isinstance(value, dict):
                withheld = {str(k): str(v) for k, v in value.items()}
            elif key in CITEIA_META:
                not_imported.append(key)
            else:
                unmapped.append(key)
        return fields, withheld, unmapped, not_imported
    mapping = NL_MAPPING if fmt == "nl" else UK_MAPPING
    source = item if fmt == "nl" else _flatten(item)
    for key, value in source.items():
        if key not in mapping:
            unmapped.append(key)
            continue
        target = mapping[key]
        if target is None:
            if _text(value):
                not_imported.append(key)
            continue
        text = _text(value)
        if not text:
            continue
        if target == "lifecycle":
            table = NL_LIFECYCLE if fmt == "nl" else UK_LIFECYCLE
            text = table.get(text.lower(), text)
        elif target == "technique":
            text = NL_TECHNIQUE.get(text.lower(), text)
        elif target == "in_use_since":
            text = text[:10]
        # Two source fields may feed one of ours (NL documentation + methods_and_models).
        fields[target] = f"{fields[target]}\n\n{text}" if target in fields else text
    return fields, withheld, unmapped, not_imported


def _clean(fields: dict) -> tuple[dict, list[str]]:
    from .forms import RecordForm

    form = RecordForm(
        data={k: ("" if v is None else v) for k, v in fields.items()},
        solutions=None,
    )
    form.is_valid()
    errors = [
        f"{name} : {' '.join(messages)}" for name, messages in form.errors.items() if name in fields
    ]
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}, errors


def import_records(*, user, organisation, fmt: str, raw: bytes) -> ImportReport:
    """Create one draft per source object; each either entirely or not at all."""
    if fmt not in FORMATS:
        raise ImportFormatError(_("Format inconnu : %(fmt)s.") % {"fmt": fmt[:20]})
    items = parse(raw)
    report = ImportReport()
    for index, item in enumerate(items, start=1):
        fields, withheld, unmapped, not_imported = map_item(fmt, item)
        entry = RecordReport(
            index=index,
            name=_text(fields.get("name")) or _("(sans nom)"),
            unmapped=unmapped,
            not_imported=not_imported,
        )
        report.records.append(entry)
        cleaned, errors = _clean(fields)
        if errors:
            entry.errors = errors
            continue
        try:
            with transaction.atomic():
                record = services.record_create(
                    user=user, organisation=organisation, data=cleaned, withheld=withheld
                )
        except PermissionDenied:
            raise
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                entry.errors = [
                    f"{name} : {' '.join(messages)}"
                    for name, messages in error.message_dict.items()
                ]
            else:
                entry.errors = list(error.messages)
            continue
        entry.public_id = record.public_id
    return report
