"""The scanner on a schema of our own, on SQLite, PostgreSQL and MariaDB: French and opaque names, decoys."""

import random
import uuid

import pytest
import sqlalchemy as sa
import yaml

from registre.core.discovery import scan_database, scan_policy
from registre.core.policy import load_policy
from registre.core.sources import create_engine_for_url

ROWS = 400


def _iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(23))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "FR00")) % 97
    return f"FR{check:02d}{bban}"


def _siret(rng: random.Random) -> str:
    while True:
        digits = "".join(rng.choice("0123456789") for _ in range(14))
        total = sum(int(d) * (2 if i % 2 else 1) - (9 if int(d) * (2 if i % 2 else 1) > 9 else 0)
                    for i, d in enumerate(reversed(digits)))  # fmt: skip
        if total % 10 == 0 and not digits.startswith("356"):
            return digits


def build_schema(url: str) -> None:
    rng = random.Random(7)
    metadata = sa.MetaData()
    clients = sa.Table(
        "clients",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("courriel", sa.String(120)),
        sa.Column("prenom", sa.String(60)),
        sa.Column("statut", sa.String(20)),
    )
    opaque = sa.Table(
        "t1",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("c1", sa.String(30)),  # phones
        sa.Column("c2", sa.String(40)),  # order references (decoy)
        sa.Column("c3", sa.String(36)),  # UUIDs (decoy)
        sa.Column("c4", sa.String(40)),  # IBANs
    )
    fournisseurs = sa.Table(
        "fournisseurs",
        metadata,
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("siret", sa.String(14)),
        sa.Column("ean", sa.String(13)),  # EAN-13 product codes (decoy)
    )
    engine = create_engine_for_url(url)
    metadata.create_all(engine)
    first_names = ["Marie", "Jean", "Claire", "Louis", "Camille", "Hugo", "Léa", "Paul"]
    with engine.begin() as connection:
        connection.execute(
            clients.insert(),
            [
                {
                    "id": i,
                    "courriel": f"  Personne.{i}@Exemple.FR " if i % 7 == 0 else f"personne.{i}@exemple.fr",
                    "prenom": rng.choice(first_names),
                    "statut": rng.choice(["actif", "inactif"]),
                }
                for i in range(1, ROWS + 1)
            ],
        )
        connection.execute(
            opaque.insert(),
            [
                {
                    "id": i,
                    "c1": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "c2": f"CMD-2026-{i:06d}",
                    "c3": str(uuid.UUID(int=rng.getrandbits(128))),
                    "c4": _iban(rng),
                }
                for i in range(1, ROWS + 1)
            ],
        )
        connection.execute(
            fournisseurs.insert(),
            [
                {"code": f"F{i:04d}", "siret": _siret(rng), "ean": f"30{rng.randint(10**10, 10**11 - 1)}"}
                for i in range(60)
            ],
        )
    engine.dispose()


@pytest.fixture
def scanned_url(database_url):
    build_schema(database_url)
    return database_url


def test_it_finds_the_personal_columns_and_leaves_the_decoys(scanned_url):
    engine = create_engine_for_url(scanned_url, read_only=True)
    report = scan_database(engine, rows=100)
    engine.dispose()
    verdicts = {(f.table, f.column): f.verdict.kind for f in report.findings if f.verdict.personal}
    assert verdicts == {
        ("clients", "courriel"): "email",
        ("clients", "prenom"): "first_name",
        ("t1", "c1"): "phone",
        ("t1", "c4"): "iban",
        ("fournisseurs", "siret"): "siret",
    }


def test_samples_are_bounded_and_repeatable(scanned_url):
    engine = create_engine_for_url(scanned_url, read_only=True)
    first = scan_database(engine, rows=50, seed=3, tables=["clients"])
    again = scan_database(engine, rows=50, seed=3, tables=["clients"])
    engine.dispose()
    assert all(0 < finding.verdict.sampled <= 50 for finding in first.findings)
    assert [f.verdict.counts for f in first.findings] == [f.verdict.counts for f in again.findings]


def test_the_report_holds_the_findings_against_the_policy(scanned_url, tmp_path):
    policy_text = f"""
registre: 1
organisation:
  name: Exemple SAS
  country: FR
  contacts: {{dpo: {{email: dpo@exemple.fr}}, requests: {{email: dpo@exemple.fr}}}}
systems:
  base:
    url: "{scanned_url}"
    location: FR
    datasets:
      clients:
        subject: customers
        identity: {{email: courriel}}
        fields:
          courriel: {{category: contact.email}}
          prenom: {{category: contact.phone}}
          statut: {{}}
activities:
  gestion:
    name: {{fr: Gestion des clients, en: Customer management}}
    role: controller
    purpose: {{fr: Gestion des clients, en: Customer management}}
    legal_basis: contract
    data_subjects: [customers]
    datasets: [base.clients]
    retention: {{keep: P3Y, from: base.clients.statut}}
"""
    path = tmp_path / "registre.yaml"
    path.write_text(policy_text, encoding="utf-8")
    report = scan_policy(load_policy(path), rows=100)
    assert {(f.table, f.column) for f in report.contradicted} == {("clients", "prenom")}
    assert {(f.table, f.column) for f in report.undeclared} == {
        ("t1", "c1"),
        ("t1", "c4"),
        ("fournisseurs", "siret"),
    }
    snippet = yaml.safe_load(report.snippet())
    assert snippet["systems"]["base"]["datasets"]["t1"]["fields"] == {
        "c1": {"category": "contact.phone"},
        "c4": {"category": "economic.bank_account"},
    }
