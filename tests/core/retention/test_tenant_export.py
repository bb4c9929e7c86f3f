"""The export of a client's tenant from the cloud-host example's demo databases, on every backend."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile

import pytest
import sqlalchemy as sa

from registre.core.demo import generate_demo_databases
from registre.core.policy import load_policy
from registre.core.retention import export_tenant
from registre.core.sources import SourceError, catalog_for

TODAY = dt.date(2026, 11, 23)
TENANT = "tenant-001"
DATASETS = {"platform.tenant_users": "tenant_users", "platform.tenant_messages": "tenant_messages"}


class Platform:
    """The demo databases on one backend and the example policy pointing at them."""

    def __init__(self, url, folder, example):
        for source in example.glob("*.yaml"):
            shutil.copyfile(source, folder / source.name)
        generate_demo_databases(url, subjects=100, tenants=3, seed=11, today=TODAY)
        self.policy = load_policy(folder / "registre.yaml", {"CRM_DATABASE_URL": url, "PLATFORM_DATABASE_URL": url})
        self.engine = sa.create_engine(url)
        self.out = folder / "exports"

    def ids(self, table, tenant=TENANT):
        with self.engine.connect() as connection:
            query = sa.text(f"SELECT id FROM {table} WHERE tenant_id = :t ORDER BY id")  # noqa: S608
            return [row_id for (row_id,) in connection.execute(query, {"t": tenant})]

    def export(self, tenant=TENANT, **options):
        return export_tenant(self.policy, tenant, self.out, today=TODAY, **options)


def read_archive(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def platform(database_url, tmp_path, cloud_host_policy_path):
    built = Platform(database_url, tmp_path, cloud_host_policy_path.parent)
    yield built
    built.engine.dispose()


@pytest.fixture
def sqlite_platform(sqlite_url, tmp_path, cloud_host_policy_path):
    built = Platform(sqlite_url, tmp_path, cloud_host_policy_path.parent)
    yield built
    built.engine.dispose()


def test_the_archive_holds_exactly_the_tenants_rows_as_json_and_csv(platform):
    export = platform.export()
    files = read_archive(export.archive)
    assert sorted(files) == [
        "manifest.json",
        "platform.tenant_messages.csv",
        "platform.tenant_messages.json",
        "platform.tenant_users.csv",
        "platform.tenant_users.json",
    ]
    for reference, table in DATASETS.items():
        ids = platform.ids(table)
        assert ids and export.dataset(reference).rows == len(ids)
        rows = json.loads(files[f"{reference}.json"])
        assert [row["id"] for row in rows] == ids
        assert {row["tenant_id"] for row in rows} == {TENANT}
        assert files[f"{reference}.csv"].startswith(b"\xef\xbb\xbf")
        table_rows = list(csv.DictReader(io.StringIO(files[f"{reference}.csv"].decode("utf-8-sig"))))
        assert [int(row["id"]) for row in table_rows] == ids
        assert {row["tenant_id"] for row in table_rows} == {TENANT}


def test_every_column_of_the_table_is_exported_with_json_values(platform):
    files = read_archive(platform.export().archive)
    users = json.loads(files["platform.tenant_users.json"])
    assert set(users[0]) == {"id", "tenant_id", "email", "full_name", "password_hash", "last_login_at"}
    login = next(user["last_login_at"] for user in users if user["last_login_at"])
    assert dt.datetime.fromisoformat(login).year <= 2026
    header = files["platform.tenant_messages.csv"].decode("utf-8-sig").splitlines()[0]
    assert header == "id,tenant_id,user_id,recipient_phone,content,sent_at"


def test_the_manifest_lists_counts_and_hashes_that_verify(platform):
    export = platform.export()
    files = read_archive(export.archive)
    manifest = json.loads(files["manifest.json"])
    assert (manifest["tenant"], manifest["date"], manifest["format"]) == (
        TENANT,
        "2026-11-23",
        "registre-tenant-export",
    )
    assert manifest["organisation"] == "Nuage Exemple SAS"
    (system,) = manifest["systems"]
    assert system["system"] == "platform"
    for dataset in system["datasets"]:
        assert dataset["rows"] == len(platform.ids(dataset["table"]))
        for file in dataset["files"]:
            content = files[file["name"]]
            assert (hashlib.sha256(content).hexdigest(), len(content)) == (file["sha256"], file["bytes"])
    assert manifest["rows"] == export.rows
    assert hashlib.sha256(export.archive.read_bytes()).hexdigest() == export.sha256


def test_it_reads_in_key_ordered_batches_and_the_result_does_not_depend_on_their_size(sqlite_platform):
    statements = []

    def count_selects(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT") and "FROM tenant_messages" in statement:
            statements.append(statement)

    whole = sqlite_platform.export()
    whole_bytes = whole.archive.read_bytes()
    engine = catalog_for(sqlite_platform.policy.systems["platform"]).engine
    sa.event.listen(engine, "before_cursor_execute", count_selects)
    try:
        small = sqlite_platform.export(batch_size=7)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_selects)
    rows = small.dataset("platform.tenant_messages").rows
    assert len(statements) == rows // 7 + 1
    assert all("ORDER BY tenant_messages.id" in statement and "LIMIT" in statement for statement in statements)
    assert small.archive.read_bytes() == whole_bytes, "same data, same day: the same archive"
    assert small.sha256 == whole.sha256


def test_it_changes_nothing_in_the_databases(sqlite_platform):
    before = {table: sqlite_platform.ids(table) for table in DATASETS.values()}
    sqlite_platform.export()
    assert {table: sqlite_platform.ids(table) for table in DATASETS.values()} == before


def test_a_tenant_without_rows_gives_empty_files(sqlite_platform):
    export = sqlite_platform.export("tenant-404")
    files = read_archive(export.archive)
    assert export.rows == 0
    assert json.loads(files["platform.tenant_users.json"]) == []
    assert (
        files["platform.tenant_users.csv"].decode("utf-8-sig")
        == "id,tenant_id,email,full_name,password_hash,last_login_at\r\n"
    )


def test_the_archive_is_named_after_the_tenant_and_the_day(sqlite_platform):
    export = sqlite_platform.export("acme/../x y")
    assert export.archive.name == "acme_.._x_y-export-2026-11-23.zip"
    assert export.archive.parent == sqlite_platform.out
    assert [path.name for path in sqlite_platform.out.iterdir()] == [export.archive.name], "no working files left"


def test_a_missing_table_fails_and_leaves_no_archive(sqlite_platform):
    with sqlite_platform.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE tenant_messages"))
    with pytest.raises(SourceError, match="table tenant_messages does not exist"):
        sqlite_platform.export()
    assert list(sqlite_platform.out.iterdir()) == []


def test_it_refuses_an_empty_tenant_and_a_batch_size_below_one(sqlite_platform):
    with pytest.raises(ValueError, match="name the tenant"):
        sqlite_platform.export("")
    with pytest.raises(ValueError, match="at least 1"):
        sqlite_platform.export(batch_size=0)


def test_the_export_reports_itself_as_json(sqlite_platform):
    export = sqlite_platform.export()
    found = export.to_dict()
    assert found["archive"] == export.archive.name and found["sha256"] == export.sha256
    assert found["systems"][0]["datasets"][0]["label"] == {"fr": "Utilisateurs des clients", "en": "Clients' users"}
