"""SIREN and SIRET validation (core/siren.py), a pure rule module: tested directly."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from citeia.core.siren import (
    LA_POSTE_HEAD_OFFICE_SIRET,
    LA_POSTE_SIREN,
    luhn_is_valid,
    normalise_siren,
    siren_is_valid,
    siret_is_valid,
)
from citeia.territory.models import Territory

digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
separators = st.sampled_from([" ", ".", "\u00a0", "\u202f"])


def with_check_digit(stem: str) -> str:
    """The one digit that completes `stem` into a Luhn-valid number."""
    return next(stem + d for d in "0123456789" if luhn_is_valid(stem + d))


@given(digits)
def test_exactly_one_check_digit_completes_eight_digits(stem):
    valid = [d for d in "0123456789" if siren_is_valid(stem + d)]
    assert len(valid) == 1


@given(digits, st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_breaks_a_valid_siren(stem, position, shift):
    siren = with_check_digit(stem)
    changed = (int(siren[position]) + shift) % 10
    typo = siren[:position] + str(changed) + siren[position + 1 :]
    assert not siren_is_valid(typo)


@given(digits, st.integers(0, 7))
def test_swapping_two_adjacent_different_digits_breaks_a_valid_siren(stem, position):
    siren = with_check_digit(stem)
    a, b = siren[position], siren[position + 1]
    # Luhn misses the 0<->9 swap only; every other transposition is caught.
    assume(a != b and {a, b} != {"0", "9"})
    swapped = siren[:position] + b + a + siren[position + 2 :]
    assert not siren_is_valid(swapped)


@given(digits, st.lists(separators, min_size=9, max_size=9))
def test_spaces_and_dots_between_digits_are_tolerated(stem, gaps):
    siren = with_check_digit(stem)
    typed = "".join(digit + gap for digit, gap in zip(siren, gaps, strict=True))
    assert normalise_siren(typed) == siren
    assert siren_is_valid(typed)
    assert siren_is_valid(f"{siren[:3]} {siren[3:6]} {siren[6:]}")


@given(st.text(alphabet="0123456789", max_size=20).filter(lambda s: len(s) != 9))
def test_anything_but_nine_digits_is_refused(number):
    assert not siren_is_valid(number)


@given(digits, st.characters(exclude_categories=["Nd"]).filter(lambda c: c not in " .\u00a0\u202f"))
def test_a_non_digit_character_is_refused(stem, intruder):
    siren = with_check_digit(stem)
    assert not siren_is_valid(siren[:4] + intruder + siren[5:])


@pytest.mark.parametrize("number", ["２０００５４７８１", "٢٠٠٠٥٤٧٨١", "²00054781"])
def test_non_ascii_digits_are_refused(number):
    assert not siren_is_valid(number)


def test_la_poste_siren_is_valid():
    assert siren_is_valid(LA_POSTE_SIREN)
    assert siren_is_valid("356 000 000")


def test_la_poste_establishments_use_the_digit_sum_rule():
    # Not Luhn-valid, but digits sum to a multiple of 5: INSEE's rule for La Poste.
    assert not luhn_is_valid("35600000049837")
    assert siret_is_valid("356 000 000 49837")
    assert not siret_is_valid("35600000049838")
    # The head office follows Luhn.
    assert luhn_is_valid(LA_POSTE_HEAD_OFFICE_SIRET)
    assert siret_is_valid(LA_POSTE_HEAD_OFFICE_SIRET)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_la_poste_siret_is_valid_exactly_when_its_digit_sum_is_a_multiple_of_five(nic):
    siret = LA_POSTE_SIREN + nic
    assume(siret != LA_POSTE_HEAD_OFFICE_SIRET)
    assert siret_is_valid(siret) == (sum(int(c) for c in siret) % 5 == 0)


@given(digits, st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_a_siret_needs_a_valid_siren_and_luhn(stem, nic_stem):
    siren = with_check_digit(stem)
    assume(siren != LA_POSTE_SIREN)
    siret = with_check_digit(siren + nic_stem)
    assert siret_is_valid(siret)
    assert siret_is_valid(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    broken_siren = siren[:8] + str((int(siren[8]) + 1) % 10)
    assert not siret_is_valid(broken_siren + siret[9:])
    assert not siret_is_valid(siret[:13])


@pytest.mark.django_db
def test_the_shipped_territories_have_valid_sirens():
    sirens = list(Territory.objects.values_list("siren", flat=True))
    assert len(sirens) == 12
    assert all(siren_is_valid(siren) for siren in sirens), sirens
