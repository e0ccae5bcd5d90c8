"""Neutralise spreadsheet formula injection in exported cells (OWASP CSV injection)."""

from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> str:
    """Return the cell as text; a cell a spreadsheet would run as a formula gets a leading quote.

    Numbers are left alone so that negative figures stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
