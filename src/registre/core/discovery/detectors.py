"""The detectors: one compiled pattern per kind of identifier, and the check each candidate must pass.

A pattern finds candidates cheaply (C-speed `re` scans with a literal or a digit
class first); only candidates reach the checksum or the phone-number parser.
Checksum kinds (IBAN, card, NIR, SIREN, SIRET) are kept only when their check
digits hold; SIREN, SIRET and dates of birth also need a context word before
them in free text, since nine digits or a date say nothing alone.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from registre.core.discovery import checksums

_SEPARATORS = re.compile(r"[\s.\-/()]")


@dataclass(frozen=True)
class Detector:
    """One kind of personal data or secret: its taxonomy category, candidate pattern and validation.

    `priority` settles overlapping hits (the checksum kinds first); `context`
    is a pattern that must occur in the `window` characters before a hit.
    """

    kind: str
    category: str
    pattern: re.Pattern[str]
    validate: Callable[[str], bool]
    priority: int
    context: re.Pattern[str] | None = None
    window: int = 40
    secret: bool = False


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", text)


def _valid_phone(candidate: str, region: str = "FR") -> bool:
    """A number the numbering plan allows; a candidate written with no separator must also be assigned.

    The pattern already asks for a phone's shape (grouped digits, a country
    code, a leading 0); the plan's lengths then decide. Unseparated digits say
    less, so they must fall in an assigned range.
    """
    text = candidate.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    check = phonenumbers.is_valid_number if text.lstrip("+").isdigit() else phonenumbers.is_possible_number
    regions = (None,) if text.startswith("+") else (region, "US")
    for default in regions:
        try:
            number = phonenumbers.parse(text, default)
        except phonenumbers.NumberParseException:
            continue
        if check(number):
            return True
    return False


def _valid_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _valid_date(candidate: str) -> bool:
    years = re.findall(r"(?:19|20)\d{2}", candidate)
    return bool(years) and 1900 <= int(years[-1]) <= 2025


def _always(_candidate: str) -> bool:
    return True


_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_STREETS = "rue|avenue|av\\.|boulevard|bd|place|chemin|allée|allee|impasse|route|quai|cours|square|passage|voie|sentier"

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "iban",
        "economic.bank_account",
        re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"),
        lambda text: checksums.iban_valid(_digits(text)),
        priority=90,
    ),
    Detector(
        "nir",
        "nir.nir",
        re.compile(r"\b[12378] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"),
        lambda text: checksums.nir_valid(_digits(text)),
        priority=85,
    ),
    Detector(
        "payment_card",
        "economic.payment_card",
        re.compile(r"\b(?:\d{4}[ -]?\d{6}[ -]?\d{4,5}|\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}|\d{12,19})\b"),
        lambda text: checksums.card_valid(_digits(text)),
        priority=80,
    ),
    Detector(
        "siret",
        "professional.company_registration",
        re.compile(r"\b\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5}\b"),
        lambda text: checksums.siret_valid(_digits(text)),
        priority=82,
        context=re.compile(r"(?i)siret|établissement|etablissement|establishment"),
    ),
    Detector(
        "siren",
        "professional.company_registration",
        re.compile(r"\b\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}\b"),
        lambda text: checksums.siren_valid(_digits(text)),
        priority=75,
        context=re.compile(r"(?i)siren|r\.?c\.?s\.?|immatricul|registration|company (?:number|no)|n° tva|vat"),
    ),
    Detector(
        "email",
        "contact.email",
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"),
        _always,
        priority=70,
    ),
    Detector(
        "phone",
        "contact.phone",
        re.compile(
            r"(?<![\w+])(?:"
            r"(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{1,4}){1,5}"
            r"|0[1-9](?:[\s.-]?\d{2}){4}"
            r"|(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}"
            r")(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])"
        ),
        _valid_phone,
        priority=60,
    ),
    Detector(
        "ipv4",
        "connection.ip_address",
        re.compile(
            r"(?<![\w./])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])"
        ),
        _valid_ip,
        priority=55,
    ),
    Detector(
        "ipv6",
        "connection.ip_address",
        re.compile(
            r"(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])"
        ),
        _valid_ip,
        priority=55,
    ),
    Detector(
        "postal_address",
        "contact.postal_address",
        re.compile(
            # A street (a number, a street word, or a flat) then a French, British or American postcode and a town.
            rf"(?:\b\d{{1,5}}(?: ?(?:bis|ter|[A-Za-z]))?,? "
            rf"|\b(?i:flat|studio|apartment|appartement|bâtiment) [\w-]{{1,5}}, "
            rf"|\b(?=(?i:{_STREETS}) ))(?:[^\n,;:.]|\.(?! )){{3,60}}?,? "
            rf"(?:(?:\d{{5}}|[A-Z]{{1,2}}\d[A-Z\d]? ?\d[A-Z]{{2}}) [A-ZÀ-Ý][\w'’\- ]{{1,40}}?(?=$|[\n,;.)]|\s\s)"
            rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)*, [A-Z]{{2}} \d{{5}}\b)"
        ),
        _always,
        priority=50,
    ),
    Detector(
        "birth_date",
        "identification.birth_date",
        re.compile(
            rf"(?i)\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}"
            rf"|\d{{1,2}}(?:er)? (?:{_MONTHS}) (?:19|20)\d{{2}}|(?:{_MONTHS}) \d{{1,2}}, (?:19|20)\d{{2}})\b"
        ),
        _valid_date,
        priority=45,
        context=re.compile(r"(?i)\bnée?s?\b|naissance|birth|born|\bdob\b|âge|anniversaire"),
        window=30,
    ),
    Detector(
        "password_hash",
        "security.password",
        re.compile(
            r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+"
            r"|\$[156]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}"
            r"|(?:pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256)\$[^\s$]+\$[^\s$]+(?:\$[^\s$]+)?|\{S?SHA(?:256|512)?\}[A-Za-z0-9+/=]{20,}"
        ),
        _always,
        priority=95,
        secret=True,
    ),
    Detector(
        "jwt",
        "security.authentication",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        _always,
        priority=95,
        secret=True,
    ),
    Detector(
        "api_key",
        "security.authentication",
        re.compile(
            r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bAKIA[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{36}\b"
            r"|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b|\bglpat-[A-Za-z0-9_-]{20}\b"
        ),
        _always,
        priority=95,
        secret=True,
    ),
)

BY_KIND = {detector.kind: detector for detector in DETECTORS}
