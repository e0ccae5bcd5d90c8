"""SIREN and SIRET validation: digits and the Luhn checksum (INSEE)."""

# La Poste's SIREN passes Luhn like any other, but the SIRET of its establishments
# (this SIREN followed by a five-digit NIC) do not: INSEE checks them by digit sum
# modulo 5 instead. Its head office keeps the ordinary Luhn check.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE_SIRET = "35600000000048"


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


def _digits(raw: str, length: int) -> str | None:
    number = normalise_siren(raw)
    if len(number) != length or not number.isascii() or not number.isdigit():
        return None
    return number


def siren_is_valid(raw: str) -> bool:
    siren = _digits(raw, 9)
    return siren is not None and luhn_is_valid(siren)


def siret_is_valid(raw: str) -> bool:
    """A SIRET: the SIREN and a five-digit establishment number (NIC), 14 digits."""
    siret = _digits(raw, 14)
    if siret is None or not siren_is_valid(siret[:9]):
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE_SIRET:
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_is_valid(siret)
