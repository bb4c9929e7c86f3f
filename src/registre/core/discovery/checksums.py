"""Check digits of the identifiers the scanner looks for: a candidate is kept only when its checksum holds.

Each function takes the digits (and letters, for IBAN and NIR) with separators already removed.
"""

from __future__ import annotations

# ISO 13616 lengths of the IBAN per country (the countries of SEPA and the usual others).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21,
    "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30,
    "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

# La Poste's establishments share one SIREN and do not follow Luhn: their SIRET digits sum to a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    """ISO/IEC 7812 (Luhn): doubling every second digit from the right, the sum is a multiple of 10."""
    if not digits.isdigit():
        return False
    total = sum(map(int, digits[-1::-2])) + sum(map(_DOUBLED.__getitem__, map(int, digits[-2::-2])))
    return total % 10 == 0


# A digit doubled, minus 9 when that makes two digits (Luhn).
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def iban_valid(iban: str) -> bool:
    """ISO 13616: the country's length, then mod 97 of the rearranged number equals 1."""
    iban = iban.upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int(rearranged.translate(_LETTER_VALUES)) % 97 == 1


# ISO 13616: A is 10, B is 11, ... Z is 35.
_LETTER_VALUES = {ord(letter): str(value) for value, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=10)}


def nir_valid(nir: str) -> bool:
    """French social security number (NIR): 13 characters and a key of 97 - (number mod 97).

    Corsica's departments 2A and 2B count as 19 and 18 for the key (INSEE's rule).
    """
    nir = nir.upper()
    if len(nir) != 15 or not nir[-2:].isdigit():
        return False
    body = nir[:13]
    department = body[5:7]
    if department == "2A":
        body = body[:5] + "19" + body[7:]
    elif department == "2B":
        body = body[:5] + "18" + body[7:]
    if not body.isdigit() or body[0] not in "12378" or not _nir_month_valid(body[3:5]):
        return False
    return 97 - int(body) % 97 == int(nir[13:])


def _nir_month_valid(month: str) -> bool:
    """01-12, or the 20-42 and 50-99 INSEE uses for unknown months of birth."""
    value = int(month)
    return 1 <= value <= 12 or 20 <= value <= 42 or 50 <= value <= 99


def siren_valid(siren: str) -> bool:
    """A SIREN: nine digits passing Luhn."""
    return len(siren) == 9 and luhn_valid(siren)


def siret_valid(siret: str) -> bool:
    """A SIRET: fourteen digits passing Luhn, or La Poste's whose digits sum to a multiple of 5."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(char) for char in siret) % 5 == 0
    return luhn_valid(siret)


def card_issuer(digits: str) -> str | None:
    """The card network whose issuer ranges and lengths (ISO/IEC 7812 IIN) fit `digits`, or None."""
    length = len(digits)
    for network, prefixes, lengths in _CARD_RANGES:
        if length in lengths and any(_in_range(digits, low, high) for low, high in prefixes):
            return network
    return None


def card_valid(digits: str) -> bool:
    """A payment card number: a known issuer's range and length, and Luhn; not a product's EAN-13 barcode.

    Thirteen digits that are also a valid EAN-13 are read as a barcode: cards of
    thirteen digits (old Visa, some Maestro) are rare, barcodes everywhere, and
    one random number in ten passes both checks.
    """
    if not digits.isdigit() or (len(digits) == 13 and ean13_valid(digits)):
        return False
    return luhn_valid(digits) and card_issuer(digits) is not None


def ean13_valid(digits: str) -> bool:
    """A GTIN-13 (EAN-13) barcode: thirteen digits whose last is the check digit of weights 1 and 3."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _in_range(digits: str, low: str, high: str) -> bool:
    prefix = digits[: len(low)]
    return low <= prefix <= high


_CARD_RANGES: tuple[tuple[str, tuple[tuple[str, str], ...], frozenset[int]], ...] = (
    ("amex", (("34", "34"), ("37", "37")), frozenset({15})),
    ("visa", (("4", "4"),), frozenset({13, 16, 19})),
    ("mastercard", (("51", "55"), ("2221", "2720")), frozenset({16})),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")), frozenset(range(16, 20))),
    ("jcb", (("3528", "3589"),), frozenset(range(16, 20))),
    ("diners", (("300", "305"), ("36", "36"), ("38", "39")), frozenset(range(14, 20))),
    ("unionpay", (("62", "62"),), frozenset(range(16, 20))),
    ("maestro", (("50", "50"), ("56", "58"), ("6", "6")), frozenset(range(12, 20))),
)
