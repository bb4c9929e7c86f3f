"""The register as one row per activity and data category."""

from __future__ import annotations

import datetime as dt

from registre.core.documents.register.flat import flatten_register
from registre.core.documents.register.view import build_register
from registre.core.policy import Policy

TODAY = dt.date(2026, 1, 5)


def test_there_is_one_row_per_activity_and_category(cloud_host: Policy) -> None:
    view = build_register(cloud_host, "controller", "fr", TODAY)
    headings, rows = flatten_register(view)
    assert headings[0] == "N° / RÉF"
    expected = sum(len(line.categories) for sheet in view.sheets for line in sheet.categories)
    assert len(rows) == expected
    assert all(len(row) == len(headings) for row in rows)


def test_a_row_carries_the_category_its_group_and_the_retention(cloud_host: Policy) -> None:
    headings, rows = flatten_register(build_register(cloud_host, "controller", "en", TODAY))
    row = dict(zip(headings, next(r for r in rows if r[0] == "T-001"), strict=True))
    assert row["Category of data"] == "Customer number"
    assert row["Group of data"] == "Civil status, identity, identification data, images"
    assert row["Retention period"] == "5 years from the end of the contract, then pseudonymised"
    assert row["Sensitive data?"] == "No"
    assert "Salesforce Inc. (United States)" in str(row["Transfers outside the EU"])


def test_the_processor_table_names_the_controllers_instead_of_a_legal_basis(cloud_host: Policy) -> None:
    headings, rows = flatten_register(build_register(cloud_host, "processor", "en", TODAY))
    assert headings[3] == "Controllers"
    assert rows[0][3] == "Customers of the messaging platform"
