"""Columns: what a sample of a column's values, its name and its type say about it.

Values are the proof; the name is evidence that lowers how many values must
agree, never enough alone. A column is personal data when enough sampled
values are of one kind: half of them in general, a third when the name agrees,
nine in ten for nine- and fourteen-digit numbers whose checksum holds for one
random number in ten (SIREN, SIRET) unless the name says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registre.core.discovery import checksums
from registre.core.discovery.detectors import BY_KIND, DETECTORS
from registre.core.discovery.names import is_first_name, is_surname, name_lists
from registre.core.discovery.text import NAME_CATEGORY, NAME_KIND, scan_texts

FIRST_NAME = "first_name"
LAST_NAME = "last_name"
POSTCODE = "postcode"
# Free text: a column whose values are not one identifier but mention people in many rows.
FREE_TEXT = "free_text"
_FREE_TEXT_LENGTH = 20
_FREE_TEXT_SHARE = 0.2
# Values are classified by chunks; after `_SETTLED_AFTER` of them, a column whose top kind holds 95 % of
# the values (or 5 % at most) is decided: the rest of the sample would not change the verdict.
_CHUNK = 100
_SETTLED_AFTER = 200
_SETTLED_SHARE = 0.95
CATEGORIES = {
    **{detector.kind: detector.category for detector in DETECTORS},
    NAME_KIND: NAME_CATEGORY,
    FIRST_NAME: "identification.first_name",
    LAST_NAME: "identification.last_name",
    POSTCODE: "contact.postal_address",
}
# Words of column names, French and English, for each kind (matched against the name's words).
NAME_HINTS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"^(?:{words})$")
    for kind, words in {
        "email": "e?mail|courriel|email_address|adresse_mail|adresse_email",
        "phone": "tel|telephone|téléphone|phone|mobile|portable|gsm|fax|cell|numero_tel",
        "iban": "iban|rib|bank_account|compte_bancaire",
        "payment_card": "card|carte|cb|pan|card_number|numero_carte|cc",
        "nir": "nir|secu|ssn|insee|securite_sociale|num_secu|social_security",
        "siren": "siren",
        "siret": "siret",
        "ipv4": "ip|ip_address|adresse_ip|remote_addr|client_ip|ipv4",
        "ipv6": "ip|ip_address|adresse_ip|remote_addr|client_ip|ipv6",
        "birth_date": "naissance|date_naissance|date_de_naissance|birth|birthdate|birthday|dob|date_of_birth|ddn|ne_le",
        "password_hash": "password|passwd|mdp|mot_de_passe|pwd|password_hash|hash_mdp",
        "jwt": "token|jwt|jeton|access_token|refresh_token",
        "api_key": "api_key|apikey|secret|cle_api|token|access_key",
        "postal_address": "adresse|address|rue|street|adresse_postale|address_line|ligne_adresse|voie",
        FIRST_NAME: "prenom|prénom|first_name|firstname|given_name|forename",
        LAST_NAME: "nom|nom_famille|nom_de_famille|last_name|lastname|surname|family_name|patronyme",
        NAME_KIND: "nom_complet|full_name|fullname|name|contact|titulaire|holder|client_name|nom_prenom",
        POSTCODE: "cp|code_postal|codepostal|zip|zipcode|zip_code|postcode|postal_code",
    }.items()
}
_STRICT_KINDS = frozenset({"siren", "siret"})
_NEEDS_NAME = frozenset({"birth_date", POSTCODE})
_VALUE_LIMIT = 2000
_DIGIT = re.compile(r"\d")
_POSTCODE = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-8]|2[AB])\d{3}")
_SIREN = re.compile(r"\d{3} ?\d{3} ?\d{3}")
_SIRET = re.compile(r"\d{3} ?\d{3} ?\d{3} ?\d{5}")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['-][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_FULL_COVER = 0.8


@dataclass
class ColumnVerdict:
    """The scanner's answer for one column."""

    name: str
    sampled: int
    personal: bool
    kind: str | None = None
    category: str | None = None
    confidence: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    name_says: str | None = None


def name_words(column: str) -> list[str]:
    """The words of a column name and their joins: `dateNaissance` → date, naissance, date_naissance."""
    spaced = re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", "_", column).lower()
    words = [word for word in re.split(r"[^a-zà-ÿ0-9]+", spaced) if word and not word.isdigit()]
    joined = ["_".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1)]
    return words + joined


def kinds_named_by(column: str) -> list[str]:
    """The kinds a column's name suggests, most specific first."""
    words = name_words(column)
    named = [kind for kind, hint in NAME_HINTS.items() if any(hint.match(word) for word in words)]
    return sorted(named, key=lambda kind: kind == NAME_KIND)


def kinds_of_value(value: object) -> set[str]:
    """The kinds one value is wholly of (a span covering most of it), names and postcodes included."""
    return kinds_of_values([value])[0]


def kinds_of_values(values: Sequence[object]) -> list[set[str]]:
    """`kinds_of_value` of many values."""
    return [_kinds(text) if text else set() for text in (str(value).strip()[:_VALUE_LIMIT] for value in values)]


def _kinds(text: str) -> set[str]:
    """The kinds `text` is wholly of: a detector's pattern matching from its start and covering most of it.

    A value is one identifier or it is not, so one anchored match per detector
    is enough (no scan); detectors that cannot match are skipped on cheap
    tests (no digit, no `@`, no `:`).
    """
    has_digit = _DIGIT.search(text) is not None
    kinds = set()
    for detector in _VALUE_DETECTORS:
        if detector.kind in _NEEDS_DIGIT and not has_digit:
            continue
        needed = _NEEDS_CHARACTER.get(detector.kind)
        if needed and needed not in text:
            continue
        match = detector.pattern.match(text)
        if match and match.end() >= _FULL_COVER * len(text) and detector.validate(match.group()):
            kinds.add(detector.kind)
    if has_digit:
        if _SIREN.fullmatch(text) and checksums.siren_valid(text.replace(" ", "")):
            kinds.add("siren")
        if _SIRET.fullmatch(text) and checksums.siret_valid(text.replace(" ", "")):
            kinds.add("siret")
        if _POSTCODE.fullmatch(text):
            kinds.add(POSTCODE)
        if _is_date_of_birth(text):
            kinds.add("birth_date")
        return kinds
    return kinds | _name_kinds(text)


def classify_column(column: str, values: Iterable[object]) -> ColumnVerdict:
    """The verdict on a column from its name and sampled values (None and binary values are not counted).

    1. Values are taken by chunks: each value's kinds; values of no kind that
       are long enough are scanned as free text (one batch per chunk).
    2. Once the verdict is settled (see `_settled`), the rest of the sample is left.
    3. The kind that enough values share (see `_threshold`) wins; else free text, if enough mention someone.
    """
    kept = [value for value in values if value is not None and not isinstance(value, bytes | bytearray | memoryview)]
    counts: Counter[str] = Counter()
    mentioned: Counter[str] = Counter()
    sampled = 0
    for start in range(0, len(kept), _CHUNK):
        chunk = kept[start : start + _CHUNK]
        sampled += len(chunk)
        _count_chunk(chunk, counts, mentioned)
        if sampled >= _SETTLED_AFTER and _settled(counts, sampled):
            break
    named = kinds_named_by(column)
    verdict = ColumnVerdict(column, sampled, False, counts=dict(counts), name_says=named[0] if named else None)
    if not sampled:
        return verdict
    if counts[FREE_TEXT] and not any(count / sampled >= 0.5 for kind, count in counts.items() if kind != FREE_TEXT):
        return _free_text_verdict(verdict, counts[FREE_TEXT] / sampled, mentioned)
    best = max(
        ((kind, count / sampled) for kind, count in counts.items() if count / sampled >= _threshold(kind, named)),
        key=lambda item: (item[1] + (0.25 if item[0] in named else 0), _specificity(item[0])),
        default=None,
    )
    if best is None:
        return verdict
    kind, share = best
    verdict.personal, verdict.kind, verdict.category = True, kind, CATEGORIES[kind]
    verdict.confidence = round(min(1.0, share + (0.2 if kind in named else 0.0)), 2)
    return verdict


def _count_chunk(chunk: list[object], counts: Counter[str], mentioned: Counter[str]) -> None:
    """Add the kinds of a chunk of values to `counts`; the prose among them to free-text mentions."""
    per_value = kinds_of_values(chunk)
    for kinds in per_value:
        counts.update(kinds)
    prose = [
        value[:_VALUE_LIMIT]
        for value, kinds in zip(chunk, per_value, strict=True)
        if not kinds and isinstance(value, str) and len(value) >= _FREE_TEXT_LENGTH
    ]
    for spans in scan_texts(prose):
        if spans:
            counts[FREE_TEXT] += 1
            mentioned.update(span.category for span in spans)


def _settled(counts: Counter[str], sampled: int) -> bool:
    """More values would not change the verdict: one kind holds nearly all of them, or nothing holds any."""
    top = max(counts.values(), default=0) / sampled
    return top >= _SETTLED_SHARE or top <= 1 - _SETTLED_SHARE


def _free_text_verdict(verdict: ColumnVerdict, share: float, mentioned: Counter[str]) -> ColumnVerdict:
    """Text that names people or holds their identifiers in enough rows: free text with personal data."""
    if share >= _FREE_TEXT_SHARE:
        verdict.personal, verdict.kind = True, FREE_TEXT
        verdict.category = mentioned.most_common(1)[0][0]
        verdict.confidence = round(min(1.0, share), 2)
    return verdict


def _threshold(kind: str, named: list[str]) -> float:
    if kind in named:
        return 0.3
    if kind in _NEEDS_NAME:
        return 2.0
    if kind in _STRICT_KINDS:
        return 0.9
    return 0.5


def _specificity(kind: str) -> int:
    """Ties go to the narrower kind: a card before a phone, a last name before a full name."""
    detector = BY_KIND.get(kind)
    return detector.priority if detector else {FIRST_NAME: 30, LAST_NAME: 29, NAME_KIND: 28, POSTCODE: 10}[kind]


def _is_date_of_birth(text: str) -> bool:
    match = re.fullmatch(
        r"((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?(?:\.0+)?)?|(\d{2})/(\d{2})/((?:19|20)\d{2})", text
    )
    if not match:
        return False
    year = int(match.group(1) or match.group(6))
    return 1900 <= year <= 2025


def _name_kinds(text: str) -> set[str]:
    tokens = text.split()
    if not 1 <= len(tokens) <= 4 or not all(_WORD.fullmatch(token) for token in tokens):
        return set()
    if len(tokens) == 1:
        kinds = set()
        if is_first_name(tokens[0]):
            kinds.add(FIRST_NAME)
        if tokens[0].lower() in name_lists().last or (tokens[0].isupper() and len(tokens[0]) > 2):
            kinds.add(LAST_NAME)
        return kinds
    if all(token.lower() in name_lists().last or "-" in token for token in tokens) and not is_first_name(tokens[0]):
        return {LAST_NAME}
    first, rest = tokens[0], tokens[1:]
    if is_first_name(first) and all(is_surname(token) or is_first_name(token) for token in rest):
        return {NAME_KIND}
    if is_surname(first) and first.isupper() and is_first_name(rest[-1]):
        return {NAME_KIND}
    return set()


_VALUE_DETECTORS = tuple(detector for detector in DETECTORS if not detector.needs_context)
_NEEDS_DIGIT = frozenset({"iban", "nir", "payment_card", "phone", "ipv4", "postal_address", "password_hash"})
_NEEDS_CHARACTER = {"email": "@", "ipv6": ":", "jwt": ".", "ipv4": "."}
