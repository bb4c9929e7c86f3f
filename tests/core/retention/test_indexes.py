"""The indexes a sweep needs: `missing_anchor_indexes` names each date retention counts from that no index
starts with, with the statement that creates it in its database's dialect (SQLite, PostgreSQL, MariaDB)."""

from __future__ import annotations

import sqlalchemy as sa
from tests.core.retention.test_reach import terrain, terrain_policy

from registre.core.retention.indexes import anchor_columns, missing_anchor_indexes
from registre.core.sources.catalog import close_catalogs

__all__ = ["terrain"]


def test_it_recommends_an_index_on_each_anchor_without_one_and_none_where_one_exists(terrain):
    policy = terrain_policy(terrain.url.render_as_string(hide_password=False))
    advice = {(found.dataset, found.column): found.statement for found in missing_anchor_indexes(policy)}
    assert ("contacts_clients", "dernier_contact_le") not in advice, "indexed in the schema"
    expected = {
        ("interventions", "cloturee_le"),
        ("factures", "emise_le"),
        ("abonnements", "fin_le"),
        ("journaux", "connecte_le"),
    }
    assert set(advice) == expected
    assert "CREATE INDEX ix_factures_emise_le ON factures (emise_le)" in advice[("factures", "emise_le")]
    with terrain.begin() as connection:
        connection.execute(sa.text(advice[("factures", "emise_le")]))
    close_catalogs()  # reflection is cached per process
    again = {(found.dataset, found.column) for found in missing_anchor_indexes(policy)}
    assert again == expected - {("factures", "emise_le")}


def test_anchor_columns_are_those_of_own_rules_and_legal_holds(sqlite_url):
    columns = anchor_columns(terrain_policy(sqlite_url), "terrain")
    assert columns["contacts_clients"] == ["dernier_contact_le"], "the first date of a rule on the row itself"
    assert columns["factures"] == ["emise_le"]
    assert columns["comptes"] == []
