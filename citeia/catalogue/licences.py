"""SPDX licence identifiers (shipped list, data/spdx_licences.json) and their validation."""

import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "spdx_licences.json"
_OPERATORS = re.compile(r"\s+(?:OR|AND|WITH)\s+")


@cache
def licences() -> dict[str, dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))["licences"]


@cache
def _by_lower() -> dict[str, str]:
    return {key.lower(): key for key in licences()}


def canonical(identifier: str) -> str | None:
    """The SPDX spelling of an identifier, or None when unknown. `LicenseRef-…` is accepted."""
    identifier = identifier.strip().strip("()")
    if identifier.startswith("LicenseRef-") and len(identifier) > len("LicenseRef-"):
        return identifier
    return _by_lower().get(identifier.lower())


def validate_spdx(value: str) -> None:
    if not value:
        return
    unknown = [part for part in _OPERATORS.split(value.strip()) if canonical(part) is None]
    if unknown:
        raise ValidationError(
            _(
                "Licence inconnue : « %(value)s ». Utilisez un identifiant SPDX (par exemple "
                "MIT, Apache-2.0, AGPL-3.0-or-later, EUPL-1.2) ou LicenseRef-Proprietaire pour "
                "une licence propriétaire. Liste : spdx.org/licenses."
            ),
            code="unknown_spdx",
            params={"value": ", ".join(unknown)},
        )


def is_osi_approved(value: str) -> bool:
    """True when every licence of the expression is approved by the Open Source Initiative."""
    parts = [canonical(part) for part in _OPERATORS.split(value.strip())] if value else []
    return bool(parts) and all(part in licences() and licences()[part]["osi"] for part in parts)
