"""Identity values of the demo: emails, phone numbers, IBANs and VAT numbers.

Emails and phone numbers are built from a counter, so that each person of the
demo has their own and a lookup by identity is never ambiguous. Every email
ends in `.example`, a top-level domain reserved by RFC 2606: a demo that sends
mail can never reach a real inbox.
"""

from __future__ import annotations

import random
import unicodedata
from functools import cache

from registre.core.demo.vocabulary import Locale

DEMO_TLD = "example"
_PHONE_SPACE = 100_000_000  # eight digits after the prefix
_PHONE_STEP = 73_939_133  # coprime with 10: the numbering below is a bijection of the eight-digit space
_PHONE_OFFSET = 12_345_679


@cache
def slugify(text: str) -> str:
    """Lowercase ASCII letters and digits of `text`, words joined by '-'; accents dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(char if char.isalnum() else " " for char in ascii_text.lower()).split()
    return "-".join(words) or "x"


def make_domain(company_name: str) -> str:
    """The demo email domain of a company."""
    return f"{slugify(company_name)[:40]}.{DEMO_TLD}"


def make_email(first_name: str, last_name: str, tag: str, domain: str) -> str:
    """`first.last.tag@domain`; a tag unique per person makes the email unique."""
    return f"{slugify(first_name)}.{slugify(last_name)}.{tag}@{domain}"


def make_phone(locale: Locale, number: int) -> str:
    """A mobile number in E.164 form; distinct `number`s below 10**8 give distinct phones."""
    digits = (number * _PHONE_STEP + _PHONE_OFFSET) % _PHONE_SPACE
    return f"{locale.mobile_prefix}{digits:08d}"


def make_iban(locale: Locale, rng: random.Random) -> str | None:
    """An IBAN with valid check digits (ISO 13616) for French and British customers; None elsewhere."""
    if locale.country == "FR":
        bban = f"{rng.randrange(10**23):023d}"
    elif locale.country == "GB":
        bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        bban = f"{bank}{rng.randrange(10**14):014d}"
    else:
        return None
    return f"{locale.country}{_iban_check_digits(locale.country, bban):02d}{bban}"


def _iban_check_digits(country: str, bban: str) -> int:
    # ISO 13616: move the country and "00" to the end, letters become 10..35, mod 97.
    rearranged = bban + country + "00"
    return 98 - int("".join(str(int(char, 36)) for char in rearranged)) % 97


def make_vat_number(locale: Locale, rng: random.Random) -> str | None:
    """An intra-community VAT number for French and British companies; None elsewhere."""
    siren = rng.randrange(100_000_000, 1_000_000_000)
    if locale.country == "FR":
        # French VAT key: (12 + 3 × (SIREN mod 97)) mod 97.
        return f"FR{(12 + 3 * (siren % 97)) % 97:02d}{siren}"
    if locale.country == "GB":
        return f"GB{siren}"
    return None
