"""Reading uploaded tables: validation (encoding, ragged rows), schema inference, loading.

No Django import. Files are read as streams; only a sample goes through pandas to infer
the schema.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from .pii import name_hints

SAMPLE_ROWS = 10_000
SEPARATORS = ",;\t|"


class TableRefused(ValueError):
    """The file cannot be used; the message says why and what to do, in French."""


def _text_lines(path: Path):  # type: ignore[no-untyped-def]
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    with path.open("rb") as handle:
        line_number = 1
        pending = ""
        while True:
            chunk = handle.read(1024 * 1024)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise TableRefused(
                    f"Le fichier n'est pas encodé en UTF-8 (octet invalide vers la ligne "
                    f"{line_number + pending.count(chr(10))}). Enregistrez-le en « CSV UTF-8 » "
                    "depuis votre tableur puis déposez-le à nouveau."
                ) from exc
            pending += text
            *lines, pending = pending.split("\n")
            for line in lines:
                yield line + "\n"
                line_number += 1
            if not chunk:
                if pending:
                    yield pending
                return


def validate_csv(path: Path) -> dict[str, Any]:
    """Separator, header and row count; refuses broken encoding and ragged rows."""
    with path.open("rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise TableRefused("Le fichier est vide.")
    if b"\x00" in head:
        raise TableRefused("Ce fichier n'est pas un fichier texte CSV (octets nuls).")
    sample = head.decode("utf-8-sig", errors="ignore")
    first_line = sample.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    if first_line.count(separator) == 0:
        raise TableRefused(
            "Séparateur introuvable sur la première ligne : le fichier doit avoir un en-tête "
            "et des colonnes séparées par « , », « ; », une tabulation ou « | »."
        )
    reader = csv.reader(_text_lines(path), delimiter=separator)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - head was not empty
        raise TableRefused("Le fichier est vide.") from exc
    header = [name.strip() for name in header]
    if any(not name for name in header):
        raise TableRefused("L'en-tête contient une colonne sans nom.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise TableRefused(f"Colonnes en double dans l'en-tête : {', '.join(duplicates)}.")
    rows = 0
    try:
        for row in reader:
            if not row:
                continue
            rows += 1
            if len(row) != len(header):
                raise TableRefused(
                    f"Ligne {reader.line_num} : {len(row)} valeurs au lieu de {len(header)} "
                    "(une par colonne de l'en-tête). Corrigez cette ligne (guillemets ou "
                    "séparateurs en trop ?) puis déposez le fichier à nouveau."
                )
    except csv.Error as exc:
        raise TableRefused(f"CSV mal formé vers la ligne {reader.line_num} : {exc}.") from exc
    if rows == 0:
        raise TableRefused("Le fichier ne contient qu'un en-tête, aucune ligne de données.")
    return {"separator": separator, "columns": header, "rows": rows}


def validate_parquet(path: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise TableRefused("Ce fichier n'est pas un fichier Parquet lisible.") from exc
    columns = [str(name) for name in parquet.schema_arrow.names]
    if parquet.metadata.num_rows == 0:
        raise TableRefused("Le fichier Parquet ne contient aucune ligne.")
    return {"separator": "", "columns": columns, "rows": int(parquet.metadata.num_rows)}


def read_sample(path: Path, fmt: str, separator: str, rows: int = SAMPLE_ROWS) -> pd.DataFrame:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
        batch = next(parquet.iter_batches(batch_size=rows))
        return batch.to_pandas()
    return pd.read_csv(path, sep=separator, nrows=rows, encoding="utf-8-sig")


def infer_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "category" if series.nunique() <= 2 else "integer"
    if pd.api.types.is_float_dtype(series):
        return "float"
    values = series.dropna().astype(str)
    if values.empty:
        return "category"
    if values.str.match(r"^\d{4}-\d{2}-\d{2}|^\d{2}/\d{2}/\d{4}").mean() > 0.9:
        return "date"
    unique = values.nunique()
    if unique <= max(50, len(values) // 20):
        return "category"
    return "text"


def infer_role(name: str, column_type: str, unique_ratio: float) -> str:
    hints = name_hints(name)
    if any(hint["kind"] == "direct" for hint in hints):
        return "identifier"
    # Attributes whose groups fairness compares; places and birth dates stay features.
    if any(hint["entity"] in ("SEX", "AGE", "SENSITIVE") for hint in hints):
        return "sensitive"
    if name.lower() in ("id", "identifiant") or (column_type == "text" and unique_ratio > 0.9):
        return "identifier"
    return "feature"


def infer_schema(frame: pd.DataFrame) -> list[dict[str, Any]]:
    schema = []
    for name in frame.columns:
        series = frame[name]
        column_type = infer_type(series)
        unique_ratio = series.nunique() / max(1, len(series))
        schema.append(
            {
                "name": str(name),
                "type": column_type,
                "role": infer_role(str(name), column_type, unique_ratio),
                "missing": round(float(series.isna().mean()), 4),
                "examples": [str(v)[:40] for v in series.dropna().unique()[:3]],
            }
        )
    return schema


def read_frame(path: Path, fmt: str, separator: str) -> pd.DataFrame:
    """The whole table (for an evaluation), strings as Python objects: what scikit-learn
    and onnxruntime expect. Types are pandas' own inference, as when the model was trained."""
    if fmt == "parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, sep=separator, encoding="utf-8-sig")
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name]) and frame[name].dtype != object:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")
