"""On PostgreSQL, the database itself refuses to change or delete a consent event (as for the audit log)."""

from django.db import migrations

POSTGRESQL_TRIGGER = """
CREATE OR REPLACE FUNCTION registre_consent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consent events are append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER consent_event_append_only BEFORE UPDATE OR DELETE ON consent_consentevent
    FOR EACH ROW EXECUTE FUNCTION registre_consent_append_only();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS consent_event_append_only ON consent_consentevent;
DROP FUNCTION IF EXISTS registre_consent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_TRIGGER, None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, None)


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_ledger")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
