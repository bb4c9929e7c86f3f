"""The access bundle: data.json, one CSV per dataset (UTF-8 with BOM), portability, and report renderers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from registre.core.engine import Subject, execute_access, write_access_bundle


def test_the_bundle_holds_the_data_as_json_and_one_csv_per_dataset(sqlite_shop, tmp_path):
    sqlite_shop.add_person("zoé@example.org", orders=(sqlite_shop.OLD,), subscribed=True)
    sqlite_shop.write()
    result = execute_access(sqlite_shop.policy, Subject.of("email=zoé@example.org"))
    written = write_access_bundle(result, sqlite_shop.policy, tmp_path / "bundle")
    names = sorted(path.name for path in written)
    assert names == sorted(
        ["data.json", "shop.people.csv", "shop.orders.csv", "shop.order_lines.csv", "mailing.newsletter.csv",
         "mailing.clicks.csv"]
    )  # fmt: skip
    data = json.loads((tmp_path / "bundle" / "data.json").read_text(encoding="utf-8"))
    assert data["systems"]["shop"]["people"]["rows"][0]["email"] == "zoé@example.org"
    raw = (tmp_path / "bundle" / "shop.people.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["email"] == "zoé@example.org" and rows[0]["phone"] == ""
    assert list(rows[0]) == ["id", "customer_id", "email", "phone", "name", "born_on", "restricted"]


def test_a_portability_bundle_leaves_out_data_not_processed_on_consent_or_contract(sqlite_shop, tmp_path):
    sqlite_shop.add_person("ada@example.org", logins=(dt.datetime(2026, 1, 1),))
    sqlite_shop.write()
    result = execute_access(sqlite_shop.policy, Subject.of("email=ada@example.org"))
    calls = []
    written = write_access_bundle(
        result, sqlite_shop.policy, tmp_path, portability=True, renderers={"report.html": lambda *a: calls.append(a)}
    )
    assert "shop.logins.csv" not in {path.name for path in written}
    assert json.loads((tmp_path / "data.json").read_text())["portability"] is True
    assert calls == [], "the report is not part of a portability export"


def test_renderers_write_the_human_readable_report(sqlite_shop, tmp_path):
    sqlite_shop.add_person("ada@example.org")
    sqlite_shop.write()
    result = execute_access(sqlite_shop.policy, Subject.of("email=ada@example.org"))

    def render(given, policy):
        assert given is result and policy is sqlite_shop.policy
        return b"<html>report</html>"

    write_access_bundle(result, sqlite_shop.policy, tmp_path, renderers={"report-en.html": render})
    assert (tmp_path / "report-en.html").read_bytes() == b"<html>report</html>"
