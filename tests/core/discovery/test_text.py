import pytest

from registre.core.discovery import DETECTORS, scan_text, scan_texts
from registre.core.discovery.text import _matches, _matches_together, gated

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


@pytest.mark.parametrize("barcode", ["4091799976993", "5002628930191", "4083762494641"])
def test_a_barcode_that_also_passes_luhn_in_a_card_range_is_not_a_card(barcode):
    # Visa (4) and Maestro (50) ranges, thirteen digits, Luhn-valid: and a valid EAN-13.
    assert found(f"Produit {barcode} en rupture") == []


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


# The scan looks for anchors and first characters before it runs the patterns: the identities below must be
# found wherever they stand.
IDENTITIES = [
    ("marie.dupont@exemple.fr", "email"),
    ("06 12 34 56 78", "phone"),
    ("+33 6 12 34 56 78", "phone"),
    ("(555) 123-4567", "phone"),
    ("FR76 3000 6000 0112 3456 7890 189", "iban"),
    ("4111 1111 1111 1111", "payment_card"),
    ("1 85 05 78 006 084 91", "nir"),
    ("192.168.1.20", "ipv4"),
    ("2001:db8::1", "ipv6"),
    ("fe80::1ff:fe23:4567:890a", "ipv6"),
    ("12 rue de la Paix, 75002 Paris", "postal_address"),
    ("221B Baker Street, NW1 6XE London", "postal_address"),
    ("350 Fifth Avenue, New York, NY 10118", "postal_address"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt"),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "api_key"),
    ("Jean-Pierre Martin", "person_name"),
]


@pytest.mark.parametrize(("identity", "kind"), IDENTITIES)
def test_an_identity_is_found_as_the_whole_text(identity, kind):
    assert found(identity) == [(kind, identity)]


@pytest.mark.parametrize(("identity", "kind"), IDENTITIES)
@pytest.mark.parametrize("template", ["({})", "{};", "Voir : {}", "{}\n{}", "\t{}, merci", "n°\u00a0{};"])
def test_an_identity_is_found_next_to_punctuation(identity, kind, template):
    text = template.format(identity, identity)
    assert found(text) == [(kind, identity)] * template.count("{}")


@pytest.mark.parametrize(("identity", "kind"), IDENTITIES)
def test_an_identity_is_found_among_other_scripts_at_its_exact_position(identity, kind):
    text = f"日本語のテキスト 🙂 نص عربي Ελληνικά {identity}; été, çà et là 🙂"
    spans = scan_text(text)
    assert [(span.kind, span.start, span.end) for span in spans] == [
        (kind, text.index(identity), text.index(identity) + len(identity))
    ]


def test_context_words_count_in_any_case_but_only_as_written_in_their_pattern():
    assert found("SIREN 732 829 320") == [("siren", "732 829 320")]
    assert found("Siren : 732 829 320") == [("siren", "732 829 320")]
    assert found("R.C.S. Paris 732 829 320") == [("siren", "732 829 320")]
    assert found("NÉ LE 12/03/1985") == [("birth_date", "12/03/1985")]
    # `RCS` is a context in capitals only; `rcs` in a word is nothing.
    assert found("sources rcs 732 829 320") == []


def test_context_words_are_found_when_lower_case_would_move_the_positions():
    # "İ" becomes two characters in lower case: the words are then looked for with the pattern itself.
    text = "İstanbul şubesi, SIREN 732 829 320, née le 12/03/1985"
    assert "İ".lower() != "i" and len(text.lower()) != len(text)
    assert found(text) == [("siren", "732 829 320"), ("birth_date", "12/03/1985")]


def test_a_text_with_no_trigger_has_no_span():
    text = "une phrase sans rien de personnel, ni chiffre ni arobase ni majuscule; " * 2000
    assert scan_text(text) == []
    assert scan_text("") == []


def test_identities_are_found_at_both_ends_and_in_the_middle_of_a_long_text():
    filler = "lorem ipsum dolor sit amet, texte sans identité. " * 4000
    text = "06 12 34 56 78 " + filler + "SIRET 732 829 320 00074 " + filler + "marie.dupont@exemple.fr"
    assert found(text) == [
        ("phone", "06 12 34 56 78"),
        ("siret", "732 829 320 00074"),
        ("email", "marie.dupont@exemple.fr"),
    ]


def test_an_identity_glued_to_a_word_is_not_one_but_the_next_one_counts():
    assert found("ref06 12 34 56 78") == []
    assert found("x4111111111111111 4111 1111 1111 1111") == [("payment_card", "4111 1111 1111 1111")]
    assert found("v192.168.1.20 et 10.0.0.1") == [("ipv4", "10.0.0.1")]


def test_many_texts_scanned_at_once_give_what_each_gives_alone():
    texts = [identity for identity, _ in IDENTITIES] + ["", "SIREN", "732 829 320", FRENCH, "né le", "12/03/1985"]
    assert scan_texts(texts) == [scan_text(text) for text in texts]


@pytest.mark.parametrize(
    "detector", [detector for detector in DETECTORS if detector.first], ids=lambda detector: detector.kind
)
def test_a_gated_pattern_finds_what_the_pattern_finds_at_the_start_of_a_word(detector):
    text = " ".join(identity for identity, _ in IDENTITIES) + " " + FRENCH + " sk_test_abcdefghijklmnop1234 $2b$"
    scanner = gated(detector.pattern, detector.first, detector.not_after)
    expected = [
        match.span()
        for match in detector.pattern.finditer(text)
        if not (detector.not_after and match.start() and detector.not_after.match(text, match.start() - 1))
    ]
    hits = []
    for match in scanner.finditer(text):
        if not hits or match.start(1) >= hits[-1][1]:
            hits.append(match.span(1))
    assert hits == expected


def test_an_address_ending_a_text_is_found_when_texts_are_scanned_together():
    texts = ["12 rue de la Paix, 75002 Paris", "suite au courrier"]
    assert [[span.kind for span in spans] for spans in scan_texts(texts)] == [["postal_address"], []]


def test_a_context_word_ending_a_text_says_nothing_of_the_next_one():
    assert scan_texts(["SIREN", "732 829 320"]) == [[], []]
    assert scan_texts(["Née le", "12/03/1985"]) == [[], []]


def test_a_context_word_reaches_a_hit_written_some_way_after_it():
    text = "Date de naissance (jour/mois/année, comme sur la pièce d'identité) : 12/03/1985"
    assert found(text) == [("birth_date", "12/03/1985")]


def test_detectors_scanned_together_find_what_each_finds_alone():
    text = " ".join(identity for identity, _ in IDENTITIES) + " " + FRENCH + " 0033 6 12 34 56 78 ref 12.34 10.0.0.256"
    together = [detector for detector in DETECTORS if detector.near is None and detector.first == DETECTORS[1].first]
    assert len(together) > 1
    found_together = {(detector.kind, start, end) for detector, start, end in _matches_together(together, text)}
    found_alone = {(detector.kind, start, end) for detector in together for start, end in _matches(detector, text)}
    assert found_together == found_alone
    assert {kind for kind, _start, _end in found_alone} == {detector.kind for detector in together}
