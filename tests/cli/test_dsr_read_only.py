"""`registre dsr` on read-only credentials: access, plans and dry runs of a batch work; a real erasure fails cleanly.

Each test runs on real read-only logins (see `read_only_database` in
tests/conftest.py): an SQLite file opened `mode=ro`, a PostgreSQL role with
SELECT only (no TEMPORARY privilege), a PostgreSQL role whose transactions
are read-only by default, a MariaDB user with SELECT only. The same commands
on the read-write login give the reference, and plain SQL the expected rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from registre.cli.dsr import app
from registre.core.sources.batches import PARAMETER_LIMITS, STATEMENT_PARAMETERS
from registre.core.sources.catalog import close_catalogs
from registre.core.sources.connection import READ_ONLY_HINT

TODAY = "2026-06-15"
RECENT = dt.date(2024, 2, 10)  # within the 10-year hold of orders
OLD = dt.date(2010, 3, 1)  # past it

METADATA = sa.MetaData()
PEOPLE = sa.Table(
    "people",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False, index=True),
    sa.Column("code", sa.String(60), nullable=False, index=True),
    sa.Column("name", sa.String(100), nullable=False),
)
ORDERS = sa.Table(
    "orders",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("placed_on", sa.Date),
    sa.Column("billing_name", sa.String(100)),
)
NOTES = sa.Table(
    "notes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("body", sa.Text),
)

# Values that SQL built by formatting would break or misread: quotes, LIKE wildcards, accents, spaces.
PEOPLE_ROWS = [
    (1, "jeanne.d'arc@exemple.fr", "J-1"),
    (2, "  JEANNE.D'ARC@Exemple.fr ", "J-2"),
    (3, "jeanne.d’arc@exemple.fr", "J-3"),  # a typographic apostrophe: another address
    (4, "jeanne.d_arc@exemple.fr", "J-4"),
    (5, "jeanne.d%arc@exemple.fr", "J-5"),
    (6, "zoe@exemple.fr", "50% off_été 'x'"),
    (7, "zoe2@exemple.fr", "50% offXété 'x'"),
    (8, "zoe3@exemple.fr", "50X off_été 'x'"),
    (9, "zoe4@exemple.fr", "50% off_ete 'x'"),
    (10, "zoe5@exemple.fr", "50% off_été 'X'"),
    (11, "robert@exemple.fr", "'; DROP TABLE people; --"),
    (12, "zoé.ñandú@exemple.fr", "Z-12"),
    (13, "autre@exemple.fr", "A-13"),
]
ORDER_ROWS = [(101, 1, RECENT), (102, 1, OLD), (103, 2, OLD), (104, 6, RECENT), (105, 3, OLD), (106, 13, OLD)]
NOTE_ROWS = [(201, 1, "Rappel"), (202, 12, "Merci"), (203, 11, "Note"), (204, 4, "Autre")]
# The batch: reference, email, code (as people type them).
BATCH = [
    ("a", "  Jeanne.D'Arc@Exemple.FR ", ""),
    ("b", "", " 50% off_été 'x' "),
    ("c", "", "'; DROP TABLE people; --"),
    ("d", "  Zoé.Ñandú@EXEMPLE.fr ", ""),
    ("e", "personne@exemple.fr", ""),
]
# The expected people: MariaDB compares binary strings only when told (its collations ignore case and accents).
QUERIES = {
    "email": sa.text("SELECT id FROM people WHERE lower(trim(email)) = :value"),
    "code": sa.text("SELECT id FROM people WHERE code = :value"),
}
MARIADB_QUERIES = {
    "email": sa.text("SELECT id FROM people WHERE BINARY lower(trim(email)) = :value"),
    "code": sa.text("SELECT id FROM people WHERE BINARY code = :value"),
}
# Who is who, to check the plain SQL below.
PEOPLE_OF = {"a": {1, 2}, "b": {6}, "c": {11}, "d": {12}, "e": set()}


def _policy() -> dict[str, Any]:
    return {
        "registre": 1,
        "organisation": {"name": "Boutique SAS", "contacts": {"requests": {"email": "privacy@boutique.example"}}},
        "identities": {"code": {"normalise": "exact"}},
        "systems": {
            "shop": {
                "url": "${SHOP_URL}",
                "location": "FR",
                "datasets": {
                    "people": {
                        "identity": {"email": "email", "code": "code"},
                        "fields": {
                            "email": {"category": "contact.email", "type": "email", "required": True},
                            "code": {"category": "identification.customer_number", "required": True},
                            "name": {
                                "category": "identification.name",
                                "required": True,
                                "anonymize": "constant",
                                "value": "ANONYME",
                            },
                        },
                        "erase": "delete",
                    },
                    "orders": {
                        "references": {"person_id": "people.id"},
                        "fields": {
                            "person_id": {},
                            "placed_on": {"type": "date"},
                            "billing_name": {"category": "identification.name", "anonymize": "redact"},
                        },
                        "erase": "anonymize",
                        "holds": [{"reference": "fr.commerce.L123-22", "from": "placed_on"}],
                    },
                    "notes": {
                        "references": {"person_id": "people.id"},
                        "fields": {"person_id": {}, "body": {"category": "relationship.correspondence"}},
                        "erase": "delete",
                    },
                },
            }
        },
        "activities": {
            "sales": {
                "name": "Ventes",
                "purpose": "Gestion des commandes",
                "legal_basis": "contract",
                "data_subjects": ["customers"],
                "datasets": ["shop.people", "shop.orders", "shop.notes"],
            }
        },
    }


class ReadOnlyShop:
    """The shop's tables filled through the writer, a policy file, a batch file, and a runner of `registre dsr`."""

    def __init__(self, database: Any, folder: Path) -> None:
        self.database = database
        self.writer = database.writer
        engine = sa.create_engine(self.writer)
        with engine.begin() as connection:
            METADATA.create_all(connection)
            connection.execute(
                PEOPLE.insert(), [{"id": i, "email": e, "code": c, "name": "N"} for i, e, c in PEOPLE_ROWS]
            )
            connection.execute(
                ORDERS.insert(),
                [{"id": i, "person_id": p, "placed_on": d, "billing_name": "Facture"} for i, p, d in ORDER_ROWS],
            )
            connection.execute(NOTES.insert(), [{"id": i, "person_id": p, "body": b} for i, p, b in NOTE_ROWS])
        engine.dispose()
        self.reader = database.reader()
        self.policy = folder / "registre.yaml"
        self.policy.write_text(yaml.safe_dump(_policy(), allow_unicode=True), encoding="utf-8")
        self.batch = folder / "batch.csv"
        with self.batch.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["subject", "email", "code"])
            writer.writerows(BATCH)
        self.folder = folder

    def run(self, url: str, *arguments: str) -> Any:
        close_catalogs()
        environment = {"SHOP_URL": url, "REGISTRE_PSEUDONYM_KEY": "cle-de-test"}
        result = CliRunner().invoke(app, [*arguments, "--policy", str(self.policy)], env=environment)
        close_catalogs()
        return result

    def expected_people(self) -> dict[str, set[int]]:
        """Each subject's people, by plain SQL: emails lower-cased and trimmed, codes trimmed then exact."""
        queries = MARIADB_QUERIES if self.database.backend == "mariadb" else QUERIES
        engine = sa.create_engine(self.writer)
        found: dict[str, set[int]] = {}
        with engine.connect() as connection:
            for reference, email, code in BATCH:
                ids: set[int] = set()
                if email.strip():
                    ids |= set(connection.execute(queries["email"], {"value": email.strip().lower()}).scalars())
                if code.strip():
                    ids |= set(connection.execute(queries["code"], {"value": code.strip()}).scalars())
                found[reference] = ids
        engine.dispose()
        return found

    def expected_rows(self, table: str, people: set[int]) -> set[int]:
        """The ids of `table` (orders, notes) of these people, by plain SQL."""
        queried = METADATA.tables[table]
        engine = sa.create_engine(self.writer)
        with engine.connect() as connection:
            query = sa.select(queried.c.id).where(queried.c.person_id.in_(sorted(people)))
            found = set(connection.execute(query).scalars())
        engine.dispose()
        return found

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        engine = sa.create_engine(self.writer)
        with engine.connect() as connection:
            found = {
                table.name: [tuple(row) for row in connection.execute(sa.select(table).order_by(table.c.id))]
                for table in METADATA.sorted_tables
            }
        engine.dispose()
        return found


@pytest.fixture
def shop(read_only_database, tmp_path):
    yield ReadOnlyShop(read_only_database, tmp_path)
    close_catalogs()


def _without_urls(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan without the systems' URLs (the logins differ)."""
    return {**plan, "systems": [{**system, "url": None} for system in plan["systems"]]}


def test_the_plain_sql_finds_the_people_the_batch_names(shop):
    assert shop.expected_people() == PEOPLE_OF


def test_access_of_a_batch_on_read_only_credentials_equals_the_read_write_access(shop, tmp_path):
    results = {}
    for side, url in (("reader", shop.reader), ("writer", shop.writer)):
        result = shop.run(url, "access", "--batch", str(shop.batch), "--out", str(tmp_path / side), "--format", "json")
        assert result.exit_code == 0, result.output
        results[side] = json.loads(result.stdout)
    assert results["reader"] == results["writer"]
    for reference, people in shop.expected_people().items():
        datasets = results["reader"][reference]["systems"].get("shop", {})
        assert {row["id"] for row in datasets.get("people", {"rows": []})["rows"]} == people
        for table in ("orders", "notes"):
            rows = datasets.get(table, {"rows": []})["rows"]
            assert {row["id"] for row in rows} == shop.expected_rows(table, people), (reference, table)
        bundle = json.loads((tmp_path / "reader" / reference / "data.json").read_text(encoding="utf-8"))
        assert bundle == json.loads((tmp_path / "writer" / reference / "data.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", [("erase", "--dry-run"), ("plan", "erase"), ("plan", "access")])
def test_a_plan_of_a_batch_on_read_only_credentials_equals_the_read_write_plan(shop, command):
    arguments = [*command, "--batch", str(shop.batch), "--format", "json", "--today", TODAY]
    plans = {}
    for side, url in (("reader", shop.reader), ("writer", shop.writer)):
        result = shop.run(url, *arguments)
        assert result.exit_code == 0, result.output
        plans[side] = json.loads(result.stdout)
        assert plans[side]["ok"], plans[side]
    assert _without_urls(plans["reader"]) == _without_urls(plans["writer"])
    datasets = {found["dataset"]: found for found in plans["reader"]["systems"][0]["datasets"]}
    for reference, people in shop.expected_people().items():
        counted = {table: datasets[table]["per_subject"].get(reference, {}).get("rows", 0) for table in datasets}
        expected = {"people": len(people), **{t: len(shop.expected_rows(t, people)) for t in ("orders", "notes")}}
        assert counted == expected, reference
    everyone = set().union(*PEOPLE_OF.values())
    assert datasets["people"]["rows"] == len(everyone)
    assert datasets["orders"]["rows"] == len(shop.expected_rows("orders", everyone))


@pytest.mark.parametrize("who", ["--batch", "--subject"])
def test_a_real_erasure_on_read_only_credentials_fails_in_one_line_and_changes_nothing(shop, who):
    before = shop.snapshot()
    subjects = ["--batch", str(shop.batch)] if who == "--batch" else ["--subject", "email=jeanne.d'arc@exemple.fr"]
    result = shop.run(shop.reader, "erase", *subjects, "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("error: system shop: ") and errors[0].endswith("(nothing was changed in this system)")
    assert READ_ONLY_HINT in errors[0]
    assert shop.snapshot() == before


def test_a_batch_read_in_parts_gives_the_plan_and_the_data_of_the_read_write_login(shop, monkeypatch, tmp_path):
    if shop.database.backend == "sqlite":
        pytest.skip("an SQLite file opened mode=ro still lets the session create its temporary table")
    # Eight parameters a statement: two subjects a part, three parts (the database's limit, made small).
    monkeypatch.setitem(PARAMETER_LIMITS, shop.database.backend, STATEMENT_PARAMETERS + 8)
    outputs = {}
    for side, url in (("reader", shop.reader), ("writer", shop.writer)):
        plan = shop.run(url, "erase", "--dry-run", "--batch", str(shop.batch), "--format", "json", "--today", TODAY)
        access = shop.run(url, "access", "--batch", str(shop.batch), "--out", str(tmp_path / side), "--format", "json")
        assert plan.exit_code == access.exit_code == 0, plan.output + access.output
        outputs[side] = (_without_urls(json.loads(plan.stdout)), json.loads(access.stdout))
    assert outputs["reader"] == outputs["writer"]
