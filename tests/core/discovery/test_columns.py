import pytest

from registre.core.discovery import classify_column
from registre.core.discovery.columns import kinds_named_by


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("courriel", "email"),
        ("adresse_mail", "email"),
        ("dateNaissance", "birth_date"),
        ("numero_secu", "nir"),
        ("prenom", "first_name"),
        ("Nom", "last_name"),
        ("tel_portable", "phone"),
        ("code_postal", "postcode"),
    ],
)
def test_french_and_english_column_names_are_evidence(column, kind):
    assert kinds_named_by(column)[0] == kind


def test_values_alone_classify_an_opaque_column():
    verdict = classify_column("c7", ["ada@example.org", "bob@example.com", None, "claire@exemple.fr"])
    assert (verdict.personal, verdict.kind, verdict.category, verdict.sampled) == (True, "email", "contact.email", 3)


def test_a_name_alone_is_never_proof():
    verdict = classify_column("email", ["oui", "non", "peut-être"])
    assert not verdict.personal
    assert verdict.name_says == "email"


def test_the_name_lowers_how_many_values_must_agree():
    values = ["06 12 34 56 78", "inconnu", "n/a"]
    assert not classify_column("c1", values).personal
    assert classify_column("telephone", values).kind == "phone"


def test_nine_digit_numbers_need_nine_in_ten_valid_checksums_without_a_name():
    sirens = ["732829320", "552100554", "542107651", "775670417", "130005481"]
    random_numbers = ["123456789", "987654321", "555555555", "732829320", "100000000"]
    assert classify_column("c2", sirens).kind == "siren"
    assert not classify_column("c2", random_numbers).personal
    assert classify_column("siren", random_numbers[:3] + sirens).kind == "siren"


def test_dates_are_dates_of_birth_only_when_the_column_says_so():
    dates = ["1985-03-12", "1990-01-01", "1971-07-30"]
    assert not classify_column("c3", dates).personal
    assert classify_column("date_de_naissance", dates).kind == "birth_date"


def test_free_text_naming_people_is_personal():
    reports = [f"Intervention chez Marie Dupont, rappeler au 06 12 34 56 7{i}." for i in range(5)]
    verdict = classify_column("compte_rendu", reports)
    assert verdict.personal and verdict.kind == "free_text"


@pytest.mark.parametrize(
    "values",
    [
        ["CMD-2024-000123", "CMD-2024-000124", "CMD-2024-000125"],
        ["550e8400-e29b-41d4-a716-446655440000", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"],
        ["3017620422003", "5449000000996", "4006381333931"],
        ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d08c00a08d0c3"],
        ["ouvert", "fermé", "en attente"],
        [12.5, 14.0],
    ],
)
def test_decoy_columns_are_not_personal(values):
    assert not classify_column("c9", values).personal
