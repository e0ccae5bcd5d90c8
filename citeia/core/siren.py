"""SIREN validation: nine digits and the Luhn checksum (INSEE)."""

# La Poste's establishments share this SIREN, whose digits do not pass Luhn;
# INSEE validates them by digit sum modulo 5 instead.
LA_POSTE_SIREN = "356000000"


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siren(raw: str) -> str:
    """Remove the spaces and dots people type between digit groups."""
    return "".join(char for char in raw if char not in " .\u00a0\u202f")


def siren_is_valid(raw: str) -> bool:
    siren = normalise_siren(raw)
    if len(siren) != 9 or not siren.isascii() or not siren.isdigit():
        return False
    if siren == LA_POSTE_SIREN:
        return True
    return luhn_is_valid(siren)
