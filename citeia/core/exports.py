"""Streaming CSV and JSON exports used by every public list.

A list view describes its columns once; `export_response` streams the rows so that
memory stays flat whatever the number of rows (the queryset is iterated with
`.iterator()` when it is one).
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from .csvsafe import neutralise_cell

EXPORT_FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    """One exported field: a stable machine key, a human label, and how to read it."""

    key: str
    label: str
    getter: Callable[[Any], Any] | str | None = None

    def value(self, row: Any) -> Any:
        if callable(self.getter):
            return self.getter(row)
        path = self.getter or self.key
        value = row
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if value is None:
                return None
        return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer streaming."""

    def write(self, value: str) -> str:
        return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _iterate(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet) and not rows._prefetch_related_lookups:
        return rows.iterator(chunk_size=500)
    return iter(rows)


def _cell(value: Any) -> Any:
    # Yes/no in the reader's language; JSON keeps true/false.
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    return value


def csv_lines(rows: Iterable[Any], columns: list[Column], *, delimiter: str = ",") -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    # The BOM tells spreadsheet software the file is UTF-8.
    yield "\ufeff" + writer.writerow([str(column.label) for column in columns])
    for row in _iterate(rows):
        yield writer.writerow([neutralise_cell(_cell(column.value(row))) for column in columns])


def json_chunks(rows: Iterable[Any], columns: list[Column]) -> Iterator[str]:
    yield "["
    first = True
    for row in _iterate(rows):
        item = {column.key: column.value(row) for column in columns}
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False, default=_json_default)
        first = False
    yield "]\n"


def requested_format(request) -> str | None:
    """`csv` or `json` from `?format=`, None when absent; any other value is a 404."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    if fmt not in EXPORT_FORMATS:
        raise Http404(
            _("Format d'export inconnu « %(format)s » : utilisez csv ou json.")
            % {"format": fmt[:20]}
        )
    return fmt


def export_response(
    request, *, rows: Iterable[Any], columns: list[Column], filename: str
) -> StreamingHttpResponse:
    """Stream `rows` as CSV (`?format=csv`, `&sep=semicolon` for French spreadsheets) or JSON."""
    fmt = requested_format(request) or "csv"
    if fmt == "json":
        response = StreamingHttpResponse(
            json_chunks(rows, columns), content_type="application/json; charset=utf-8"
        )
    else:
        delimiter = ";" if request.GET.get("sep") in {"semicolon", ";"} else ","
        response = StreamingHttpResponse(
            csv_lines(rows, columns, delimiter=delimiter), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
