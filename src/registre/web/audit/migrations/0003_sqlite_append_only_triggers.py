"""On SQLite, triggers that refuse to change or delete audit entries, as the PostgreSQL trigger does.

Whoever can write the database file can still drop them: `verify_chain` and the anchors
(`registre audit anchor`) detect what gets through.
"""

from django.db import migrations

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE refused)'); END
    """,
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_entry_no_update",
    "DROP TRIGGER IF EXISTS audit_entry_no_delete",
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement, None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head_and_trigger")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
