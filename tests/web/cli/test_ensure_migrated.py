"""The commands that write the audit log migrate the application database only when a migration is missing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import pre_migrate

from registre.cli import web

pytestmark = pytest.mark.django_db


def test_the_migrations_found_on_disk_are_the_ones_django_loads():
    assert web._migrations_on_disk() == set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)


def test_an_up_to_date_database_is_not_migrated_again():
    runs: list[object] = []

    def count(sender: object, **kwargs: object) -> None:
        runs.append(sender)

    pre_migrate.connect(count, weak=False)
    try:
        web.ensure_migrated()
    finally:
        pre_migrate.disconnect(count)
    assert runs == []
