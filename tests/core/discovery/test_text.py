import pytest

from registre.core.discovery import scan_text

FRENCH = (
    "Bonjour, je suis Marie Dupont (née le 12/03/1985), joignable au 06 12 34 56 78 ou marie.dupont@exemple.fr. "
    "IBAN FR76 3000 6000 0112 3456 7890 189, carte 4111 1111 1111 1111. NIR 1 85 05 78 006 084 91. "
    "SIRET : 732 829 320 00074. Adresse : 12 rue de la Paix, 75002 Paris. IP 192.168.1.20 et 2001:db8::1."
)


def found(text: str) -> list[tuple[str, str]]:
    return [(span.kind, span.of(text)) for span in scan_text(text)]


def test_it_finds_each_french_identifier_with_its_exact_span():
    assert found(FRENCH) == [
        ("person_name", "Marie Dupont"),
        ("birth_date", "12/03/1985"),
        ("phone", "06 12 34 56 78"),
        ("email", "marie.dupont@exemple.fr"),
        ("iban", "FR76 3000 6000 0112 3456 7890 189"),
        ("payment_card", "4111 1111 1111 1111"),
        ("nir", "1 85 05 78 006 084 91"),
        ("siret", "732 829 320 00074"),
        ("postal_address", "12 rue de la Paix, 75002 Paris"),
        ("ipv4", "192.168.1.20"),
        ("ipv6", "2001:db8::1"),
    ]


def test_spans_carry_the_taxonomy_category():
    categories = {span.kind: span.category for span in scan_text(FRENCH)}
    assert categories["iban"] == "economic.bank_account"
    assert categories["nir"] == "nir.nir"
    assert categories["phone"] == "contact.phone"


@pytest.mark.parametrize(
    "text",
    [
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+1-202-555-0173",
        "(555) 123-4567",
        "+44 20 7946 0958",
    ],
)
def test_phones_are_found_in_national_and_international_formats(text):
    assert found(f"Appelez le {text} demain") == [("phone", text)]


@pytest.mark.parametrize(
    "decoy",
    [
        "Commande CMD-2024-0012345 expédiée",
        "Colis 1Z999AA10123456784 en transit",
        "Code EAN 3017620422003 en rayon",
        "Référence 550e8400-e29b-41d4-a716-446655440000",
        "Empreinte 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d08c00a08d0c3",
        "Version 10.4.2 publiée le 3 mars",
        "Chrome/130.0.0.0 Safari/537.36",
        "Total 1 234 567 euros pour 12 mois",
        "La réunion est à 12:30:45 précises",
    ],
)
def test_decoys_stay_negative(decoy):
    assert found(decoy) == []


def test_a_luhn_valid_siret_is_not_a_card():
    assert found("SIRET 73282932000074") == [("siret", "73282932000074")]


def test_nine_digits_need_a_siren_context():
    assert found("Ticket 732829320 clos") == []
    assert found("RCS Paris 732 829 320") == [("siren", "732 829 320")]


def test_a_date_is_a_birth_date_only_in_its_context():
    assert found("Rendez-vous le 12/03/2026") == []
    assert found("Born on March 12, 1985 in Leeds") == [("birth_date", "March 12, 1985")]
    assert found("né le 3 mars 1990") == [("birth_date", "3 mars 1990")]


def test_names_need_a_first_name_and_a_surname_or_a_form_of_address():
    assert found("Merci à Jean-Pierre Martin pour son aide") == [("person_name", "Jean-Pierre Martin")]
    assert found("Dossier suivi par DUBOIS Claire") == [("person_name", "DUBOIS Claire")]
    assert found("M. Lefebvre a rappelé") == [("person_name", "Lefebvre")]
    assert found("Une Rose rouge au Mont Blanc") == []


def test_secrets_are_found():
    text = (
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U "
        "key sk_live_4eC39HqLyjWDarjtT1zdp7dc hash $2b$12$KIXQJQ6lL8gk2j0G9E1rAOjH6Wl1bQ5u8lX2m0bQm7y1x7b8c9d0e"
    )
    assert [kind for kind, _ in found(text)] == ["jwt", "api_key", "password_hash"]
