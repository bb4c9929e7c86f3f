import pytest

from registre.core.discovery import checksums


def test_luhn_accepts_the_test_visa_number_and_refuses_a_changed_digit():
    assert checksums.luhn_valid("4111111111111111")
    assert not checksums.luhn_valid("4111111111111112")


def test_iban_checks_length_per_country_and_mod_97():
    assert checksums.iban_valid("FR7630006000011234567890189")
    assert checksums.iban_valid("DE89370400440532013000")
    assert not checksums.iban_valid("FR7630006000011234567890188")
    assert not checksums.iban_valid("FR763000600001123456789018")  # one character short for France


def test_nir_key_is_97_minus_the_number_mod_97():
    assert checksums.nir_valid("185057800608491")
    assert not checksums.nir_valid("185057800608492")


def test_nir_of_corsica_counts_2a_as_19_and_2b_as_18():
    number_2a = 2900519004003
    key_2a = 97 - number_2a % 97
    assert checksums.nir_valid(f"29005{'2A'}004003{key_2a:02d}")
    number_2b = 1750118123456
    key_2b = 97 - number_2b % 97
    assert checksums.nir_valid(f"17501{'2B'}123456{key_2b:02d}")
    assert not checksums.nir_valid(f"29005{'2B'}004003{key_2a:02d}")


def test_nir_refuses_an_impossible_month_or_first_digit():
    number = 1851378006084
    assert not checksums.nir_valid(f"{number}{97 - number % 97:02d}")
    number = 5850578006084
    assert not checksums.nir_valid(f"{number}{97 - number % 97:02d}")


def test_siren_and_siret_follow_luhn():
    assert checksums.siren_valid("732829320")
    assert checksums.siret_valid("73282932000074")
    assert not checksums.siren_valid("732829321")
    assert not checksums.siret_valid("73282932000075")


def test_siret_of_la_poste_sums_to_a_multiple_of_5():
    assert checksums.siret_valid("35600000000010")  # digits sum to 15: La Poste's rule, not Luhn
    assert not checksums.luhn_valid("35600000000010")
    assert not checksums.siret_valid("35600000000011")


def test_cards_need_an_issuer_range_and_length():
    assert checksums.card_issuer("4111111111111111") == "visa"
    assert checksums.card_issuer("378282246310005") == "amex"
    assert checksums.card_issuer("5555555555554444") == "mastercard"
    assert checksums.card_issuer("2223003122003222") == "mastercard"
    assert checksums.card_issuer("36227206271667") == "diners"
    assert checksums.card_valid("6011111111111117")
    # A Luhn-valid SIRET starting with 7 is no card: no issuer uses that range at 14 digits.
    assert not checksums.card_valid("73282932000074")
    assert not checksums.card_valid("4111111111111")  # 13 digits, but Luhn fails


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4006381333931", True), ("3017620422003", True), ("4006381333932", False), ("400638133393", False)],
)
def test_ean13_check_digit(digits, valid):
    assert checksums.ean13_valid(digits) is valid
