"""The detectors: one compiled pattern per kind of identifier, and the check each candidate must pass.

A pattern finds candidates cheaply (C-speed `re` scans from a literal or a
character class, near anchors found first); only candidates reach the checksum
or the phone-number parser.
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

    `priority` settles overlapping hits (the checksum kinds first). `near`,
    when set, is a cheap pattern the hit must be close to: the pattern is only
    tried from `before` characters before each of its matches to `after`
    characters after it. Context words use it (`before=0`: the hit follows
    them), and so do kinds with a rare anchor (the `@` of an email, a
    postcode). `not_after` is the characters that may not stand just before a
    hit (a word boundary).

    `first` is a character class holding the first character of every hit
    (maybe followed by a lookaround on its neighbours): `re` skips quickly to
    such a character, whereas a pattern that opens with an alternation or a
    lookaround is tried at every position of the text (see `text.gated`).
    Detectors with the same `first` and no `near` scan the text together.
    `near` patterns open with a literal, or come with `near_words`: lower-case
    words, one of which opens every match of `near` once lower-cased (context
    words are looked for so, see `text._anchors`). `breaks` is characters
    that never stand in a hit before its anchor: a hit starts after the last
    of them before the anchor.
    """

    kind: str
    category: str
    pattern: re.Pattern[str]
    validate: Callable[[str], bool]
    priority: int
    near: re.Pattern[str] | None = None
    before: int = 0
    after: int = 40
    not_after: re.Pattern[str] | None = None
    secret: bool = False
    first: str | None = None
    near_words: tuple[str, ...] = ()
    breaks: str = ""

    @property
    def needs_context(self) -> bool:
        """Its hits mean something only after a context word (`near` with nothing before)."""
        return self.near is not None and self.before == 0


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
    if _FRENCH_OR_NANP.fullmatch(text):
        return True
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


# Shapes that are possible numbers by construction (French national or +33, North American with its
# separators): no need to ask the parser, which costs tens of microseconds a number.
_FRENCH_OR_NANP = re.compile(
    r"0[1-9](?:[\s.-]?\d{2}){4}|\+33[\s.-]?(?:\(0\)[\s.-]?)?[1-9](?:[\s.-]?\d{2}){4}"
    r"|(?:(?:\+1|001)[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?"
)


def _valid_ipv4(candidate: str) -> bool:
    """Four octets of at most 255, without the leading zeros of a version or a date (`01.02.2024.1`)."""
    return all(int(octet) <= 255 and (octet == "0" or not octet.startswith("0")) for octet in candidate.split("."))


def _valid_ipv6(candidate: str) -> bool:
    # Eight groups, six and an IPv4 address, or `::` for the rest: a time (`12:30:45`) is none, without a parse.
    if "::" not in candidate and candidate.count(":") != (6 if "." in candidate else 7):
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


def _valid_date(candidate: str) -> bool:
    years = re.findall(r"(?:19|20)\d{2}", candidate)
    return bool(years) and 1900 <= int(years[-1]) <= 2025


def _always(_candidate: str) -> bool:
    return True


_WORD = re.compile(r"\w")
# A digit, a plus or a bracket opening a word: where a number may start. The full-text detectors that open
# with it scan the text together (see `text._matches_together`).
_NUMBER = r"[\d+(](?<!\w.)"
_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_STREETS = "rue|avenue|av\\.|boulevard|bd|place|chemin|allée|allee|impasse|route|quai|cours|square|passage|voie|sentier"

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "iban",
        "economic.bank_account",
        re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b"),
        lambda text: checksums.iban_valid(_digits(text)),
        priority=90,
        not_after=_WORD,
        first="[A-Z](?=[A-Z]\\d)",
    ),
    Detector(
        "nir",
        "nir.nir",
        re.compile(r"[12378] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"),
        lambda text: checksums.nir_valid(_digits(text)),
        priority=85,
        not_after=_WORD,
        first=_NUMBER,
    ),
    Detector(
        "payment_card",
        "economic.payment_card",
        re.compile(r"\d{4}(?:[ -]?\d{6}[ -]?\d{4,5}|(?:[ -]?\d{4}){2}[ -]?\d{1,7}|\d{8,15})\b"),
        lambda text: checksums.card_valid(_digits(text)),
        priority=80,
        not_after=_WORD,
        first=_NUMBER,
    ),
    Detector(
        "siret",
        "professional.company_registration",
        re.compile(r"\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5}\b"),
        lambda text: checksums.siret_valid(_digits(text)),
        priority=82,
        near=re.compile(r"[sS][iI][rR][eE][tT]|[éÉeE]tablissement|[eE]stablishment"),
        not_after=_WORD,
        first=r"\d",
        near_words=("siret", "établissement", "etablissement", "establishment"),
    ),
    Detector(
        "siren",
        "professional.company_registration",
        re.compile(r"\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}\b"),
        lambda text: checksums.siren_valid(_digits(text)),
        priority=75,
        near=re.compile(
            r"[sS][iI][rR][eE][nN]|R\.?C\.?S|[iI]mmatricul|[rR]egistration|[cC]ompany (?:number|no)|n° TVA|VAT|[vV]at\b"
        ),
        not_after=_WORD,
        first=r"\d",
        near_words=("siren", "rcs", "rc.s", "r.c", "immatricul", "registration", "company ", "n° tva", "vat"),
    ),
    Detector(
        "email",
        "contact.email",
        re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"),
        _always,
        priority=70,
        near=re.compile("@"),
        before=65,
        after=255,
        # The pattern's own lookbehind, checked first: most characters near an `@` are inside a word.
        not_after=re.compile(r"[\w.+-]"),
        first=r"[\w.+-]",
        breaks=" \t\n",
    ),
    Detector(
        "phone",
        "contact.phone",
        re.compile(
            r"(?:(?:\+|00)[1-9]\d{0,2}[\s.-]?(?:\(0\)[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]?\d{1,4}){1,5}"
            r"|0[1-9](?:[\s.-]?\d{2}){4}"
            r"|(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[.-]\d{4}"
            r")(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])"
        ),
        _valid_phone,
        priority=60,
        not_after=re.compile(r"[\w+]"),
        first=_NUMBER,
    ),
    Detector(
        "ipv4",
        "connection.ip_address",
        re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])"),
        _valid_ipv4,
        priority=55,
        not_after=re.compile(r"[\w./]"),
        first=_NUMBER,
    ),
    Detector(
        "ipv6",
        "connection.ip_address",
        re.compile(
            r"(?:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{0,4}:|::[0-9A-Fa-f])[0-9A-Fa-f:]{0,37}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:])"
        ),
        _valid_ipv6,
        priority=55,
        # Every hit has a colon among its first five characters, which opens a run of hex digits and colons
        # (one anchor for the whole address).
        near=re.compile(":[0-9A-Fa-f:]*"),
        before=4,
        not_after=re.compile(r"[\w:.]"),
        first="[0-9A-Fa-f:]",
    ),
    Detector(
        "postal_address",
        "contact.postal_address",
        re.compile(
            # A street (a number, a street word, or a flat) then a French, British or American postcode and a town.
            rf"(?:(?<![\w/.-])\d{{1,5}}(?: ?(?:bis|ter|[A-Za-z]))?,? "
            rf"|\b(?i:flat|studio|apartment|appartement|bâtiment) [\w-]{{1,5}}, "
            rf"|\b(?=(?i:{_STREETS}) ))(?:[^\n,;:.]|\.(?! )|(?<=Apt|Ste|Bât)\. ){{3,60}}?,? "
            rf"(?:(?:\d{{5}}|[A-Z]{{1,2}}\d[A-Z\d]? ?\d[A-Z]{{2}}) [A-ZÀ-Ý][\w'’\- ]{{1,40}}?(?=$|[\n,;.)]|\s\s)"
            rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)*, [A-Z]{{2}} \d{{5}}\b)"
        ),
        _always,
        priority=50,
        # A postcode followed by a town, a British postcode, or an American state and ZIP code, each found
        # from a space inside it: a literal first character is what `re` looks for fastest.
        near=re.compile(
            r" (?<=[\dA-Z,] )(?=[\dA-ZÀ-Ý])(?:(?<=(?<!\w)\d{5} )[A-ZÀ-Ý]"
            r"|(?:(?<=[A-Z]\d )|(?<=[A-Z]{2}\d )|(?<=[A-Z]\d[A-Z\d] )|(?<=[A-Z]{2}\d[A-Z\d] ))\d[A-Z]{2}\b"
            r"|(?<=, )[A-Z]{2} \d{5}\b)"
        ),
        # 90 characters before the postcode, which starts up to 5 before the space.
        before=95,
        after=60,
        # Every hit starts a word: a street number, a flat or a street word (their first letters in any case,
        # with the letters `re` takes for them when case is ignored).
        not_after=_WORD,
        first=r"[\dfFsSſaAbBrRpPcCiIİıqQvV]",
        breaks="\n;:",
    ),
    Detector(
        "birth_date",
        "identification.birth_date",
        re.compile(
            # Case counts only in words (a flag on the whole pattern would cost `re` its quick first character).
            rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:19|20)\d{{2}}|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}}"
            rf"|\d{{1,2}}(?i:er)? (?i:{_MONTHS}) (?:19|20)\d{{2}}|(?i:{_MONTHS}) \d{{1,2}}, (?:19|20)\d{{2}})\b"
        ),
        _valid_date,
        priority=45,
        near=re.compile(r"[nN][éÉ]e?s?\b|[nN]aissance|[bB]irth|[bB]orn\b|D[oO][bB]\b|dob\b|[âÂ]ge\b|[aA]nniversaire"),
        after=30,
        not_after=_WORD,
        # A day or a year, or a month's first letter in any case.
        first=r"[\djJfFmMaAsSſoOnNdD]",
        near_words=("né", "naissance", "birth", "born", "dob", "âge", "anniversaire"),
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
        # Each kind's first two characters: `$2`, `$a`, `$1`, `pb`, `ar`, `bc`, `{S`...
        first="[$pab{](?=[2a156brcS])",
    ),
    Detector(
        "jwt",
        "security.authentication",
        re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        _always,
        priority=95,
        secret=True,
    ),
    Detector(
        "api_key",
        "security.authentication",
        re.compile(
            r"(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}\b|gh[pousr]_[A-Za-z0-9]{36}\b"
            r"|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}\b|glpat-[A-Za-z0-9_-]{20}\b"
        ),
        _always,
        priority=95,
        secret=True,
        # Each kind's first two characters: `sk`, `AK`, `gh`, `xo`, `AI`, `gl`...
        first="[sprAgx](?=[kKhoIl])",
    ),
)

BY_KIND = {detector.kind: detector for detector in DETECTORS}
