"""Reflected tables kept on disk between processes, keyed by the database and the definition of the tables.

A command starts with nothing reflected: reading the columns, keys and types
of a CRM's tables takes about ten catalog queries and longer than the request
itself. So the tables a plan needs are written to a file once reflected, and
the next process reads them back after one or two cheap queries that
fingerprint those tables' definitions in the database's own catalog (columns,
types, nullability, keys, indexes). A migration changes the fingerprint, and the tables
are reflected again.

1. The file is named by a hash of the database URL (without its password),
   the schema, the table names and the SQLAlchemy version.
2. The fingerprint depends on the dialect: PostgreSQL reads pg_attribute and
   pg_constraint; MariaDB and MySQL information_schema.columns; SQLite the
   CREATE statements of sqlite_master. Other dialects are not cached.
3. A file that cannot be read, or whose fingerprint differs, is replaced.

The files hold table definitions only (no row, no password), in a directory
that only its owner can read or write.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from registre.core.cache import cache_directory, keep, private_directory

_POSTGRESQL_COLUMNS = sa.text(
    "SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
    "FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE n.nspname = coalesce(:schema, current_schema()) AND c.relname IN :names "
    "ORDER BY c.relname, a.attnum"
).bindparams(sa.bindparam("names", expanding=True))
_POSTGRESQL_KEYS = sa.text(
    "SELECT c.relname, k.conname, k.contype, k.conkey::text, f.relname, k.confkey::text "
    "FROM pg_catalog.pg_constraint k "
    "JOIN pg_catalog.pg_class c ON c.oid = k.conrelid "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid "
    "WHERE n.nspname = coalesce(:schema, current_schema()) AND c.relname IN :names AND k.contype IN ('p', 'f', 'u') "
    "ORDER BY c.relname, k.conname"
).bindparams(sa.bindparam("names", expanding=True))
# Indexes too: the engine and the retention advice read them (an index created since must show).
_POSTGRESQL_INDEXES = sa.text(
    "SELECT tablename, indexname, indexdef FROM pg_catalog.pg_indexes "
    "WHERE schemaname = coalesce(:schema, current_schema()) AND tablename IN :names ORDER BY tablename, indexname"
).bindparams(sa.bindparam("names", expanding=True))
_MYSQL_INDEXES = sa.text(
    "SELECT table_name, index_name, seq_in_index, column_name, non_unique FROM information_schema.statistics "
    "WHERE table_schema = coalesce(:schema, DATABASE()) AND table_name IN :names "
    "ORDER BY table_name, index_name, seq_in_index"
).bindparams(sa.bindparam("names", expanding=True))
_MYSQL_COLUMNS = sa.text(
    "SELECT table_name, ordinal_position, column_name, column_type, is_nullable, column_key "
    "FROM information_schema.columns "
    "WHERE table_schema = coalesce(:schema, DATABASE()) AND table_name IN :names "
    "ORDER BY table_name, ordinal_position"
).bindparams(sa.bindparam("names", expanding=True))
_SQLITE_TABLES = sa.text(
    "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'index') AND tbl_name IN :names "
    "ORDER BY type, name"
).bindparams(sa.bindparam("names", expanding=True))

Rows = list[tuple[Any, ...]]


def _postgresql(connection: Connection, schema: str | None, names: Sequence[str]) -> Rows:
    parameters = {"schema": schema, "names": list(names)}
    rows = [tuple(row) for query in (_POSTGRESQL_COLUMNS, _POSTGRESQL_KEYS, _POSTGRESQL_INDEXES)
            for row in connection.execute(query, parameters)]  # fmt: skip
    return rows


def _mysql(connection: Connection, schema: str | None, names: Sequence[str]) -> Rows:
    parameters = {"schema": schema, "names": list(names)}
    return [tuple(row) for query in (_MYSQL_COLUMNS, _MYSQL_INDEXES) for row in connection.execute(query, parameters)]


def _sqlite(connection: Connection, schema: str | None, names: Sequence[str]) -> Rows | None:
    if schema is not None:  # an attached database: its own sqlite_master; not worth a cache
        return None
    return [tuple(row) for row in connection.execute(_SQLITE_TABLES, {"names": list(names)})]


_DEFINITIONS: dict[str, Callable[[Connection, str | None, Sequence[str]], Rows | None]] = {
    "postgresql": _postgresql,
    "mysql": _mysql,
    "mariadb": _mysql,
    "sqlite": _sqlite,
}


def fingerprint(connection: Connection, schema: str | None, names: Sequence[str]) -> str | None:
    """A hash of the definitions of tables `names` in `schema`, or None where the dialect is not supported."""
    definitions = _DEFINITIONS.get(connection.dialect.name)
    rows = definitions(connection, schema, names) if definitions is not None else None
    if rows is None:
        return None
    return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()


class ReflectionCache:
    """Reflected tables on disk, in `directory` (created with mode 0700)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def tables(
        self,
        connection: Connection,
        schema: str | None,
        names: Sequence[str],
        reflect: Callable[[], dict[str, sa.Table]],
    ) -> dict[str, sa.Table]:
        """The tables `names` of `schema` by name: from the cache when their definition is unchanged, else `reflect()`.

        Whatever cannot be read or written in the cache is ignored: the tables are then reflected.
        """
        stamp = fingerprint(connection, schema, names)
        if stamp is None:
            return reflect()
        path = self.directory / f"{self._key(connection, schema, names)}.pickle"
        cached = self._read(path, stamp)
        if cached is not None and set(cached) == set(names):
            return cached
        tables = reflect()
        self._write(path, stamp, tables)
        return tables

    def _key(self, connection: Connection, schema: str | None, names: Sequence[str]) -> str:
        url = connection.engine.url.render_as_string(hide_password=True)
        text = "\n".join([url, schema or "", *sorted(names), sa.__version__])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _read(self, path: Path, stamp: str) -> dict[str, sa.Table] | None:
        try:
            if path.stat().st_uid != os.getuid() or path.stat().st_mode & 0o022:
                return None  # written by someone else: never unpickled
            entry = pickle.loads(path.read_bytes())  # our own file, in an owner-only directory
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("fingerprint") != stamp:
            return None
        tables = entry.get("tables")
        return tables if isinstance(tables, dict) else None

    def _write(self, path: Path, stamp: str, tables: dict[str, sa.Table]) -> None:
        if private_directory(self.directory) is None:
            return
        try:
            content = pickle.dumps({"fingerprint": stamp, "tables": tables}, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        keep(path, content)


def default_cache_directory() -> Path:
    """The `reflection` folder of Registre's cache (see `registre.core.cache`)."""
    return cache_directory("reflection")
