"""Identity values of the demo: unique, well formed, never a real inbox."""

from __future__ import annotations

import random
import re

import pytest

from registre.core.demo.identities import (
    make_domain,
    make_email,
    make_iban,
    make_phone,
    make_vat_number,
    slugify,
)
from registre.core.demo.vocabulary import LOCALES, Locale

FRANCE, BRITAIN, STATES = LOCALES


def _iban_is_valid(iban: str) -> bool:
    # ISO 13616: the rearranged number, letters as 10..35, is 1 modulo 97.
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def test_slugify_drops_accents_and_punctuation() -> None:
    assert slugify("Hélène") == "helene"
    assert slugify("Le Gall-Dupré & Fils") == "le-gall-dupre-fils"
    assert slugify("!!!") == "x"


def test_emails_are_built_from_the_name_and_a_tag() -> None:
    email = make_email("Frédérique", "Le Goff", "42", make_domain("Martin et Fils SARL"))
    assert email == "frederique.le-goff.42@martin-et-fils-sarl.example"


def test_every_demo_email_is_on_the_reserved_example_domain() -> None:
    assert make_domain("Gmail").endswith(".example")


def test_distinct_numbers_give_distinct_phones() -> None:
    phones = {make_phone(FRANCE, number) for number in range(200_000)}
    assert len(phones) == 200_000


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        (FRANCE, r"^\+33[67]\d{8}$"),
        (BRITAIN, r"^\+447\d{9}$"),
        (STATES, r"^\+1[2-9]\d{9}$"),
    ],
)
def test_phones_are_mobile_numbers_in_e164_form(locale: Locale, pattern: str) -> None:
    for number in (0, 1, 99_999_999, 123_456):
        assert re.match(pattern, make_phone(locale, number))


def test_ibans_have_valid_check_digits() -> None:
    rng = random.Random(1)
    for locale in (FRANCE, BRITAIN):
        for _ in range(50):
            iban = make_iban(locale, rng)
            assert iban is not None and iban.startswith(locale.country)
            assert _iban_is_valid(iban)
    assert len(make_iban(FRANCE, rng) or "") == 27


def test_american_customers_have_no_iban_and_no_vat_number() -> None:
    rng = random.Random(1)
    assert make_iban(STATES, rng) is None
    assert make_vat_number(STATES, rng) is None


def test_french_vat_numbers_carry_the_key_of_their_siren() -> None:
    rng = random.Random(3)
    for _ in range(50):
        vat = make_vat_number(FRANCE, rng)
        assert vat is not None and re.match(r"^FR\d{11}$", vat)
        key, siren = int(vat[2:4]), int(vat[4:])
        assert key == (12 + 3 * (siren % 97)) % 97
