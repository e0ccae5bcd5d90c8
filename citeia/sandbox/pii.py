"""Personal-data detection (column names + Presidio with spaCy's French model) and
pseudonymisation with k-anonymity. No Django import: the scan runs in tasks and tests.

Presidio is slow to load (spaCy model): one analyzer per process, built at first use.
Nothing leaves the machine: tldextract (used by the e-mail recogniser) is pinned to its
bundled public-suffix snapshot before Presidio is imported.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import unicodedata
from typing import Any

import pandas as pd

SAMPLE_VALUES = 200
MIN_SCORE = 0.4  # Presidio scores a French phone number 0.4 without context words

# Column names that say what they hold (normalised: lower case, no accents, "_" separators).
NAME_HINTS: list[tuple[str, str, str]] = [
    # (regex on the normalised name, entity, kind: direct identifier or quasi-identifier)
    (r"(^|_)(nom|prenom|nom_de_famille|name|firstname|lastname)($|_)", "PERSON", "direct"),
    (r"(^|_)(e?mail|courriel|adresse_electronique)($|_)", "EMAIL_ADDRESS", "direct"),
    (r"(^|_)(tel|telephone|portable|mobile|phone)($|_)", "PHONE_NUMBER", "direct"),
    (
        r"(^|_)(nir|secu|securite_sociale|numero_securite_sociale|insee_personne)($|_)",
        "FR_NIR",
        "direct",
    ),
    (r"(^|_)(iban|rib|bic)($|_)", "IBAN_CODE", "direct"),
    (r"(^|_)(adresse|address|rue|voie)($|_)", "LOCATION", "direct"),
    (r"(^|_)(ip|adresse_ip)($|_)", "IP_ADDRESS", "direct"),
    (
        r"(^|_)(date_de_naissance|date_naissance|naissance|birth|birthdate|dob)($|_)",
        "DATE_OF_BIRTH",
        "quasi",
    ),
    (r"(^|_)(age|tranche_age|tranche_d_age)($|_)", "AGE", "quasi"),
    (r"(^|_)(sexe|genre|gender|sex)($|_)", "SEX", "quasi"),
    (r"(^|_)(code_postal|cp|postcode|commune|ville|city)($|_)", "PLACE", "quasi"),
    (
        r"(^|_)(nationalite|origine|religion|sante|handicap|orientation)($|_)",
        "SENSITIVE",
        "sensitive",
    ),
]
DIRECT_ENTITIES = {
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "FR_NIR",
    "IBAN_CODE",
    "IP_ADDRESS",
    "CREDIT_CARD",
}

_analyzer: Any = None
_lock = threading.Lock()


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def name_hints(column: str) -> list[dict[str, str]]:
    key = normalise(column)
    return [
        {"entity": entity, "kind": kind}
        for pattern, entity, kind in NAME_HINTS
        if re.search(pattern, key)
    ]


def _offline_tldextract() -> None:
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = tld.TLDExtract(
        suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
    )


def analyzer() -> Any:
    """The process's Presidio analyzer for French, built once."""
    global _analyzer
    with _lock:
        if _analyzer is None:
            import logging

            logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
            _offline_tldextract()
            from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
            from presidio_analyzer.nlp_engine import NlpEngineProvider
            from presidio_analyzer.predefined_recognizers import (
                CreditCardRecognizer,
                EmailRecognizer,
                IbanRecognizer,
                IpRecognizer,
                PhoneRecognizer,
                SpacyRecognizer,
            )

            nlp = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
                    "ner_model_configuration": {
                        "model_to_presidio_entity_mapping": {
                            "PER": "PERSON",
                            "LOC": "LOCATION",
                            "ORG": "ORGANIZATION",
                        },
                        "labels_to_ignore": ["MISC"],
                    },
                }
            ).create_engine()
            registry = RecognizerRegistry(supported_languages=["fr"])
            registry.add_recognizer(EmailRecognizer(supported_language="fr"))
            registry.add_recognizer(
                PhoneRecognizer(supported_language="fr", supported_regions=("FR",))
            )
            registry.add_recognizer(IbanRecognizer(supported_language="fr"))
            registry.add_recognizer(CreditCardRecognizer(supported_language="fr"))
            registry.add_recognizer(IpRecognizer(supported_language="fr"))
            registry.add_recognizer(
                SpacyRecognizer(supported_language="fr", supported_entities=["PERSON", "LOCATION"])
            )
            _analyzer = AnalyzerEngine(
                nlp_engine=nlp, registry=registry, supported_languages=["fr"]
            )
        return _analyzer


def analyze_text(text: str) -> list[Any]:
    return [r for r in analyzer().analyze(text, language="fr") if r.score >= MIN_SCORE]


def is_text_column(series: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    values = series.dropna().astype(str)
    if values.empty:
        return False
    # Free text or identifiers, not short codes: at least some values with letters and length.
    return bool((values.str.len() >= 5).mean() > 0.2)


def scan(frame: pd.DataFrame, *, sample: int = SAMPLE_VALUES, seed: int = 0) -> dict[str, Any]:
    """Per column: entities suggested by the name, entities found in values and their rate."""
    columns = []
    for column in frame.columns:
        series = frame[column]
        hints = name_hints(str(column))
        found: dict[str, int] = {}
        checked = 0
        if is_text_column(series):
            values = series.dropna().astype(str)
            if len(values) > sample:
                values = values.sample(n=sample, random_state=seed)
            # Each distinct value once, weighted by how often it occurs in the sample.
            for value, count in values.value_counts().items():
                checked += int(count)
                for entity in {r.entity_type for r in analyze_text(value[:1000])}:
                    found[entity] = found.get(entity, 0) + int(count)
        detected = [
            {"entity": entity, "rate": round(count / checked, 4), "count": count}
            for entity, count in sorted(found.items(), key=lambda item: -item[1])
        ]
        entities = {h["entity"] for h in hints} | {
            d["entity"] for d in detected if d["rate"] >= 0.1
        }
        kinds = {h["kind"] for h in hints}
        level = (
            "direct"
            if "direct" in kinds or entities & DIRECT_ENTITIES
            else "sensitive"
            if "sensitive" in kinds
            else "quasi"
            if "quasi" in kinds or entities
            else "none"
        )
        columns.append(
            {
                "column": str(column),
                "name_hints": hints,
                "detected": detected,
                "values_checked": checked,
                "level": level,
            }
        )
    return {
        "columns": columns,
        "personal_columns": [c["column"] for c in columns if c["level"] != "none"],
        "engine": "presidio + fr_core_news_sm",
    }


# --- Pseudonymisation ------------------------------------------------------------------


def keyed_hash(value: Any, key: bytes) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def redact(text: Any) -> Any:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    text = str(text)
    # Overlapping findings (spaCy may see a PERSON inside an e-mail address): the most
    # certain, then the longest, wins.
    chosen: list[Any] = []
    for result in sorted(analyze_text(text), key=lambda r: (-r.score, r.start - r.end)):
        if all(result.end <= other.start or result.start >= other.end for other in chosen):
            chosen.append(result)
    for result in sorted(chosen, key=lambda r: r.start, reverse=True):
        text = text[: result.start] + f"<{result.entity_type}>" + text[result.end :]
    return text


def generalise_age(series: pd.Series, width: int = 10) -> pd.Series:
    numbers = pd.to_numeric(series, errors="coerce")
    low = (numbers // width * width).astype("Int64")
    return (low.astype("string") + "-" + (low + width - 1).astype("string")).astype("string")


def generalise_date(series: pd.Series) -> pd.Series:
    dates = pd.to_datetime(series, errors="coerce", dayfirst=True, format="mixed")
    return dates.dt.year.astype("Int64").astype("string")


def k_anonymity(frame: pd.DataFrame, quasi: list[str]) -> dict[str, Any]:
    """k = size of the smallest group of rows sharing the same quasi-identifier values."""
    if not quasi or frame.empty:
        return {"k": None, "groups": 0, "rows_below_5": 0}
    sizes = frame[quasi].astype("string").fillna("").value_counts()
    return {
        "k": int(sizes.min()),
        "groups": len(sizes),
        "rows_below_5": int(sizes[sizes < 5].sum()),
    }


ACTIONS = ("keep", "drop", "hash", "redact", "generalise_age", "generalise_date")


def pseudonymise(
    frame: pd.DataFrame, actions: dict[str, str], *, key: bytes, quasi: list[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    before = k_anonymity(frame, [q for q in quasi if q in frame.columns])
    out = frame.copy()
    applied = {}
    for column, action in actions.items():
        if column not in out.columns or action == "keep":
            continue
        if action == "drop":
            out = out.drop(columns=[column])
        elif action == "hash":
            out[column] = out[column].map(lambda v: keyed_hash(v, key))
        elif action == "redact":
            out[column] = out[column].map(redact)
        elif action == "generalise_age":
            out[column] = generalise_age(out[column])
        elif action == "generalise_date":
            out[column] = generalise_date(out[column])
        else:
            raise ValueError(action)
        applied[column] = action
    after = k_anonymity(out, [q for q in quasi if q in out.columns])
    return out, {
        "actions": applied,
        "quasi_identifiers": list(quasi),
        "k_before": before,
        "k_after": after,
    }


def suggested_action(entry: dict[str, Any]) -> str:
    entities = {h["entity"] for h in entry["name_hints"]} | {
        d["entity"] for d in entry["detected"] if d["rate"] >= 0.1
    }
    if entities & {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "FR_NIR", "IBAN_CODE", "IP_ADDRESS"}:
        return "hash" if "PERSON" not in entities or entry["name_hints"] else "redact"
    if "DATE_OF_BIRTH" in entities:
        return "generalise_date"
    if "AGE" in entities:
        return "generalise_age"
    if "LOCATION" in entities and not entry["name_hints"]:
        return "redact"
    return "keep"
