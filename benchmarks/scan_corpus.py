"""The labelled corpus of the scan benchmark: a SQLite database of typed columns and short texts with gold spans.

Deterministic (fixed seed): each column draws from a pool of values made by
Faker (fr_FR and en_US) or by the generators below, and its gold label is the
kind it was filled with (None for decoys). Column names are opaque (`c7`),
French or English. Texts are FR/EN sentences from templates whose slots are
filled the same way; the gold spans are recorded as the text is composed.

Kinds that need context (dates of birth) always get a telling column name, as
the scanner promises nothing for them otherwise.
"""

from __future__ import annotations

import json
import random
import sqlite3
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

SEED = 2026
POOL = 3000
CORPUS_VERSION = 2


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for check in string.digits:
        candidate = body + check
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def _card(rng: random.Random) -> str:
    """A card number of a real issuer's range and length: Visa, Mastercard, Amex, Discover."""
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16)])
    number = _luhn_complete(rng, prefix, length)
    if rng.random() < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


def _iban(rng: random.Random, country: str = "FR", length: int = 27) -> str:
    bban = "".join(rng.choice(string.digits) for _ in range(length - 4))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)) if rng.random() < 0.5 else raw


def _nir(rng: random.Random) -> str:
    department = rng.choice([f"{d:02d}" for d in range(1, 96) if d != 20] + ["2A", "2B"])
    body = f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{department}{rng.randint(1, 999):03d}"
    body += f"{rng.randint(1, 999):03d}"
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    nir = f"{body}{97 - numeric % 97:02d}"
    if rng.random() < 0.5:
        return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    return nir


def _phone_fr(rng: random.Random) -> str:
    digits = f"0{rng.choice('1234567679')}" + "".join(rng.choice(string.digits) for _ in range(8))
    style = rng.randrange(4)
    if style == 0:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if style == 1:
        return ".".join(digits[i : i + 2] for i in range(0, 10, 2))
    if style == 2:
        return "+33 " + digits[1] + " " + " ".join(digits[i : i + 2] for i in range(2, 10, 2))
    return digits


def _ean13(rng: random.Random) -> str:
    body = rng.choice(["30", "34", "40", "50", "54", "76", "80", "87"]) + "".join(
        rng.choice(string.digits) for _ in range(10)
    )
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _bcrypt(rng: random.Random) -> str:
    alphabet = "./" + string.ascii_letters + string.digits
    return "$2b$12$" + "".join(rng.choice(alphabet) for _ in range(53))


def _django_hash(rng: random.Random) -> str:
    salt = "".join(rng.choice(string.ascii_letters) for _ in range(22))
    digest = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(43)) + "="
    return f"pbkdf2_sha256$870000${salt}${digest}"


def _jwt(rng: random.Random) -> str:
    part = lambda n: "".join(rng.choice(string.ascii_letters + string.digits + "-_") for _ in range(n))  # noqa: E731
    return f"eyJhbGciOiJIUzI1NiJ9.eyJ{part(40)}.{part(43)}"


def _api_key(rng: random.Random) -> str:
    return "sk_live_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))


@dataclass(frozen=True)
class Kind:
    """A column kind: its gold label (None for decoys), its value maker and names it may take."""

    label: str | None
    make: Callable[[random.Random, Faker, Faker], object]
    names_fr: tuple[str, ...]
    names_en: tuple[str, ...]
    named_only: bool = False


KINDS: dict[str, Kind] = {
    "email": Kind(
        "email", lambda r, fr, en: (fr if r.random() < 0.5 else en).email(), ("courriel", "mail"), ("email",)
    ),
    "email_messy": Kind(
        "email",
        lambda r, fr, en: f" {fr.email().upper()} " if r.random() < 0.5 else en.email().title(),
        ("adr_mail",),
        ("e_mail",),
    ),
    "phone_fr": Kind("phone", lambda r, fr, en: _phone_fr(r), ("telephone", "portable"), ("phone", "mobile")),
    "phone_en": Kind("phone", lambda r, fr, en: en.phone_number(), ("tel_contact",), ("phone_number",)),
    "iban": Kind("iban", lambda r, fr, en: _iban(r), ("rib", "iban"), ("bank_account",)),
    "card": Kind(
        "payment_card",
        lambda r, fr, en: _luhn_complete(
            r, r.choice(["4", "51", "55", "2221", "34", "37", "6011"]), r.choice([16, 16, 15])
        ),
        ("numero_carte",),
        ("card_number",),
    ),
    "nir": Kind("nir", lambda r, fr, en: _nir(r), ("num_secu", "nir"), ("ssn",)),
    "siren": Kind("siren", lambda r, fr, en: _luhn_complete(r, "", 9), ("siren",), ("company_id",)),
    "siret": Kind(
        "siret", lambda r, fr, en: _luhn_complete(r, r.choice("123456789"), 14), ("siret",), ("establishment_id",)
    ),
    "address_fr": Kind(
        "postal_address", lambda r, fr, en: fr.address().replace("\n", ", "), ("adresse",), ("address",)
    ),
    "address_en": Kind(
        "postal_address", lambda r, fr, en: en.address().replace("\n", ", "), ("adresse_postale",), ("street_address",)
    ),
    "ipv4": Kind("ipv4", lambda r, fr, en: en.ipv4(), ("adresse_ip",), ("ip_address",)),
    "ipv6": Kind("ipv6", lambda r, fr, en: en.ipv6(), ("ip_v6",), ("client_ip",)),
    "birth_date": Kind(
        "birth_date",
        lambda r, fr, en: fr.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
        ("date_naissance",),
        ("birth_date",),
        True,
    ),
    "password": Kind(
        "password_hash",
        lambda r, fr, en: _bcrypt(r) if r.random() < 0.5 else _django_hash(r),
        ("mot_de_passe",),
        ("password_hash",),
    ),
    "jwt": Kind("jwt", lambda r, fr, en: _jwt(r), ("jeton",), ("access_token",)),
    "api_key": Kind("api_key", lambda r, fr, en: _api_key(r), ("cle_api",), ("api_key",)),
    "first_name": Kind(
        "first_name", lambda r, fr, en: (fr if r.random() < 0.5 else en).first_name(), ("prenom",), ("first_name",)
    ),
    "last_name": Kind(
        "last_name", lambda r, fr, en: (fr if r.random() < 0.5 else en).last_name(), ("nom",), ("surname",)
    ),
    "full_name": Kind(
        "person_name", lambda r, fr, en: (fr if r.random() < 0.5 else en).name(), ("nom_complet",), ("full_name",)
    ),
    "notes": Kind(
        "free_text",
        lambda r, fr, en: f"Intervention chez {fr.name()} le {fr.date()}, rappeler au {_phone_fr(r)}. {fr.sentence()}",
        ("compte_rendu",),
        ("report",),
    ),
    # Decoys.
    "order_ref": Kind(
        None,
        lambda r, fr, en: f"CMD-{r.randint(2019, 2026)}-{r.randint(0, 999999):06d}",
        ("ref_commande",),
        ("order_ref",),
    ),
    "tracking": Kind(
        None, lambda r, fr, en: f"1Z{r.randint(100, 999)}AA1{r.randint(10**10, 10**11 - 1)}", ("suivi",), ("tracking",)
    ),
    "ean": Kind(None, lambda r, fr, en: _ean13(r), ("code_ean",), ("barcode",)),
    "uuid": Kind(None, lambda r, fr, en: str(uuid.UUID(int=r.getrandbits(128))), ("identifiant",), ("uuid",)),
    "sha": Kind(None, lambda r, fr, en: f"{r.getrandbits(256):064x}", ("empreinte",), ("checksum",)),
    "status": Kind(
        None, lambda r, fr, en: r.choice(["ouvert", "fermé", "en attente", "annulé"]), ("statut",), ("status",)
    ),
    "amount": Kind(None, lambda r, fr, en: round(r.uniform(1, 5000), 2), ("montant",), ("amount",)),
    "quantity": Kind(None, lambda r, fr, en: r.randint(1, 500), ("quantite",), ("quantity",)),
    "created": Kind(
        None, lambda r, fr, en: fr.date_time_this_decade().isoformat(sep=" "), ("cree_le",), ("created_at",)
    ),
    "product": Kind(None, lambda r, fr, en: fr.catch_phrase(), ("produit",), ("product",)),
    "version": Kind(
        None, lambda r, fr, en: f"{r.randint(1, 20)}.{r.randint(0, 30)}.{r.randint(0, 99)}", ("version",), ("release",)
    ),
    "description": Kind(None, lambda r, fr, en: fr.paragraph(nb_sentences=2), ("description",), ("comment",)),
    "country": Kind(None, lambda r, fr, en: r.choice(["FR", "DE", "BE", "ES", "IT", "US"]), ("pays",), ("country",)),
}


def _pools(rng: random.Random) -> dict[str, list[object]]:
    fr, en = Faker("fr_FR"), Faker("en_US")
    fr.seed_instance(SEED)
    en.seed_instance(SEED + 1)
    return {name: [kind.make(rng, fr, en) for _ in range(POOL)] for name, kind in KINDS.items()}


def build_database(
    path: Path, tables: int = 10, columns: int = 20, rows: int = 100_000
) -> dict[str, dict[str, str | None]]:
    """Write the database at `path` (once per corpus version and size); return the gold kind of every column."""
    gold_path = path.with_suffix(".gold.json")
    if path.exists() and gold_path.exists():
        gold = json.loads(gold_path.read_text())
        if gold.get("version") == CORPUS_VERSION and gold.get("size") == [tables, columns, rows]:
            return gold["columns"]
    path.unlink(missing_ok=True)
    rng = random.Random(SEED)
    pools = _pools(rng)
    names = list(KINDS)
    gold: dict[str, dict[str, str | None]] = {}
    connection = sqlite3.connect(path)
    for table_index in range(tables):
        table = (
            f"t{table_index:02d}"
            if table_index % 2
            else rng.choice(
                ["clients", "contacts", "factures", "tickets", "salaries", "fournisseurs", "logs", "commandes"]
            )
            + f"_{table_index}"
        )
        chosen = [rng.choice(names) for _ in range(columns)]
        layout: list[tuple[str, str]] = []
        for position, kind_name in enumerate(chosen):
            kind = KINDS[kind_name]
            style = rng.random()
            if kind.named_only or style < 0.35:
                column = rng.choice(
                    kind.names_fr if style < 0.2 or (kind.named_only and style < 0.6) else kind.names_en
                )
            elif style < 0.65:
                column = rng.choice(kind.names_en)
            else:
                column = f"c{position}"
            if column in dict(layout):
                column = f"{column}_{position}"
            layout.append((column, kind_name))
        definition = ", ".join(f'"{column}"' for column, _ in layout)
        connection.execute(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, {definition})')
        # Table and column names are the generator's own, never input.
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * (columns + 1))})'  # noqa: S608
        batch = []
        for row_id in range(1, rows + 1):
            batch.append((row_id, *(rng.choice(pools[kind_name]) for _, kind_name in layout)))
            if len(batch) == 20_000:
                connection.executemany(insert, batch)
                batch.clear()
        if batch:
            connection.executemany(insert, batch)
        connection.commit()
        gold[table] = {column: KINDS[kind_name].label for column, kind_name in layout}
    connection.close()
    gold_path.write_text(json.dumps({"version": CORPUS_VERSION, "size": [tables, columns, rows], "columns": gold}))
    return gold


# Text templates: slots {kind} are filled and recorded as gold spans; [decoy] slots are filled and not.
TEMPLATES = (
    "Bonjour, je suis {person_name}, joignable au {phone} ou par courriel à {email}.",
    "Merci de rembourser sur l'IBAN {iban}, commande [order_ref] du [date].",
    "Client {person_name} (né le {birth_date}), NIR {nir}, adresse : {postal_address}.",
    "Paiement refusé pour la carte {payment_card}, colis [tracking] bloqué.",
    "Fournisseur SIRET {siret} (RCS Paris {siren}), contact {email}.",
    "Connexion depuis {ipv4} puis {ipv6} à [time], version [version].",
    "Hello, this is {person_name}. Call me at {phone} or write to {email}.",
    "Please update my address to {postal_address}. Order [order_ref] arrives [date].",
    "The token {jwt} leaked; rotate the key {api_key} now.",
    "Produit [ean] en rupture, référence interne [uuid], empreinte [sha].",
    "Ticket [order_ref] : {person_name} signale un problème, total [amount] euros.",
    "Born on {birth_date}, {person_name} lives at {postal_address}.",
)


def _text_values(rng: random.Random, fr: Faker, en: Faker) -> dict[str, Callable[[], str]]:
    return {
        "person_name": lambda: (fr if rng.random() < 0.5 else en).name(),
        "phone": lambda: _phone_fr(rng) if rng.random() < 0.6 else en.phone_number(),
        "email": lambda: (fr if rng.random() < 0.5 else en).email(),
        "iban": lambda: _iban(rng),
        "nir": lambda: _nir(rng),
        "payment_card": lambda: _card(rng),
        "siret": lambda: _luhn_complete(rng, rng.choice("123456789"), 14),
        "siren": lambda: _luhn_complete(rng, "", 9),
        "postal_address": lambda: (fr if rng.random() < 0.5 else en).address().replace("\n", ", "),
        "ipv4": lambda: en.ipv4(),
        "ipv6": lambda: en.ipv6(),
        "birth_date": lambda: fr.date_of_birth(minimum_age=18, maximum_age=90).strftime("%d/%m/%Y"),
        "jwt": lambda: _jwt(rng),
        "api_key": lambda: _api_key(rng),
        "order_ref": lambda: f"CMD-{rng.randint(2019, 2026)}-{rng.randint(0, 999999):06d}",
        "date": lambda: fr.date_this_year().strftime("%d/%m/%Y"),
        "tracking": lambda: f"1Z{rng.randint(100, 999)}AA1{rng.randint(10**10, 10**11 - 1)}",
        "time": lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        "version": lambda: f"{rng.randint(1, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        "ean": lambda: _ean13(rng),
        "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128))),
        "sha": lambda: f"{rng.getrandbits(256):064x}",
        "amount": lambda: f"{rng.randint(1, 99999)},{rng.randint(0, 99):02d}",
    }


def build_texts(count: int = 2000) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """`count` texts, each with its gold spans (start, end, kind)."""
    rng = random.Random(SEED + 2)
    fr, en = Faker("fr_FR"), Faker("en_US")
    fr.seed_instance(SEED + 3)
    en.seed_instance(SEED + 4)
    values = _text_values(rng, fr, en)
    texts = []
    for _ in range(count):
        template = rng.choice(TEMPLATES)
        text, spans, position = "", [], 0
        while position < len(template):
            char = template[position]
            if char in "{[":
                close = template.index("}" if char == "{" else "]", position)
                slot = template[position + 1 : close]
                value = values[slot]()
                if char == "{":
                    spans.append((len(text), len(text) + len(value), slot))
                text += value
                position = close + 1
            else:
                text += char
                position += 1
        texts.append((text, spans))
    return texts
