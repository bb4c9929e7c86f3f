"""Engines and reflected tables kept for the life of the process: one pool and one reflection per database.

A rights request on one subject runs a handful of indexed statements: opening
an engine and reflecting a dozen tables would cost more than the work itself.
`catalog_for` returns the same `SystemCatalog` for every system that points
at the same database, and each catalog reflects a table the first time a
statement needs it: only the tables of the datasets a plan reaches, all of
one schema together (about ten catalog queries, where reflecting them one
by one took eight per table). A schema migration on a target database is
picked up after `close_catalogs()` (or a restart). With `use_reflection_cache`,
the tables are also kept on disk for the next process, and read back as long as
their definition in the database is unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from registre.core.policy.model import Dataset, System
from registre.core.sources.connection import SourceError, create_engine_for, normalise_url
from registre.core.sources.reflection import check_declared_columns, qualified_name, reflect_tables
from registre.core.sources.reflection_cache import ReflectionCache, default_cache_directory

_catalogs: dict[str, SystemCatalog] = {}
_by_declared_url: dict[str, SystemCatalog] = {}  # the URL as declared, to skip parsing it on every request
_catalogs_lock = threading.Lock()
_reflection_cache: ReflectionCache | None = None
_reflection_cache_chosen = False


class SystemCatalog:
    """The pooled engine of one database and the tables reflected from it so far."""

    def __init__(self, system: System) -> None:
        self.engine: Engine = create_engine_for(system)
        self._metadata = sa.MetaData()
        self._tables: dict[tuple[str | None, str], sa.Table] = {}
        self._lock = threading.Lock()

    def tables(self, connection: Connection, datasets: Mapping[str, Dataset]) -> dict[str, sa.Table]:
        """The table of each dataset (by dataset name), reflected on `connection` the first time.

        Raises SourceError naming the dataset when its table does not exist.
        """
        with self._lock:
            missing: dict[str | None, dict[str, Dataset]] = {}
            for name, dataset in datasets.items():
                if (dataset.schema_, dataset.table_name(name)) not in self._tables:
                    missing.setdefault(dataset.schema_, {})[name] = dataset
            for schema, group in missing.items():
                self._reflect(connection, schema, group)
            found = {name: self._tables[(d.schema_, d.table_name(name))] for name, d in datasets.items()}
        for name, dataset in datasets.items():
            check_declared_columns(name, dataset, found[name])
        return found

    def _reflect(self, connection: Connection, schema: str | None, datasets: Mapping[str, Dataset]) -> None:
        """Reflect the tables of `datasets`, all in `schema`: from the disk cache, or in one round of queries."""
        names = list(dict.fromkeys(dataset.table_name(name) for name, dataset in datasets.items()))

        def reflect() -> dict[str, sa.Table]:
            return reflect_tables(connection, schema, names, self._metadata)

        try:
            cache = reflection_cache()
            tables = cache.tables(connection, schema, names, reflect) if cache is not None else reflect()
        except sa.exc.NoSuchTableError as error:
            name = next(name for name, dataset in datasets.items() if dataset.table_name(name) == error.args[0])
            where = qualified_name(error.args[0], schema)
            raise SourceError(f"dataset {name}: table {where} does not exist (see `registre map --live`)") from None
        for table_name, table in tables.items():
            self._tables[(schema, table_name)] = table

    def dispose(self) -> None:
        self.engine.dispose()


def catalog_for(system: System) -> SystemCatalog:
    """The shared catalog of `system`'s database, created on first use.

    Raises SourceError for an invalid URL or a driver that is not installed.
    """
    known = _by_declared_url.get(system.url)
    if known is not None:
        return known
    key = normalise_url(system.url).render_as_string(hide_password=False)
    with _catalogs_lock:
        catalog = _catalogs.get(key)
        if catalog is None:
            catalog = _catalogs[key] = SystemCatalog(system)
        _by_declared_url[system.url] = catalog
        return catalog


def use_reflection_cache(directory: Path | None) -> None:
    """Keep reflected tables on disk in `directory` for the next processes (None: in this process only).

    By default they are kept in `default_cache_directory()`. It matters for
    short processes (each command of the CLI); a long-running server or worker
    reflects once anyway. See `reflection_cache.py`.
    """
    global _reflection_cache, _reflection_cache_chosen
    _reflection_cache = ReflectionCache(directory) if directory is not None else None
    _reflection_cache_chosen = True


def reflection_cache() -> ReflectionCache | None:
    """The disk cache of reflected tables in use, if any (the default directory unless told otherwise)."""
    if not _reflection_cache_chosen:
        use_reflection_cache(default_cache_directory())
    return _reflection_cache


def close_catalogs() -> None:
    """Dispose of every shared engine and forget every reflected table."""
    with _catalogs_lock:
        for catalog in _catalogs.values():
            catalog.dispose()
        _catalogs.clear()
        _by_declared_url.clear()
