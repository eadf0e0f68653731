"""The overdue partial index gains INCLUDE columns, so a unit's overdue count is an index-only scan.

On PostgreSQL the new index is built CONCURRENTLY under a temporary name, the old one dropped
CONCURRENTLY and the new one renamed: a large register stays writable (a plain RemoveIndex +
AddIndex would drop the index and then hold a SHARE lock on cases_case for the whole build).
Other databases get the plain schema operations (SQLite ignores INCLUDE).
"""

from django.db import migrations, models

OLD = models.Index(condition=models.Q(("overdue", True)), fields=["-received_at"], name="case_overdue")
NEW = models.Index(
    condition=models.Q(("overdue", True)), fields=["-received_at"],
    include=("id", "state", "intake_unit", "lead_unit", "region_path"), name="case_overdue",
)
PG_FORWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS case_overdue_new",
    'CREATE INDEX CONCURRENTLY case_overdue_new ON cases_case (received_at DESC) '
    'INCLUDE (id, state, intake_unit_id, lead_unit_id, region_path) WHERE overdue',
    "DROP INDEX CONCURRENTLY IF EXISTS case_overdue",
    "ALTER INDEX case_overdue_new RENAME TO case_overdue",
]
PG_BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS case_overdue_old",
    "CREATE INDEX CONCURRENTLY case_overdue_old ON cases_case (received_at DESC) WHERE overdue",
    "DROP INDEX CONCURRENTLY IF EXISTS case_overdue",
    "ALTER INDEX case_overdue_old RENAME TO case_overdue",
]


def _swap(apps, schema_editor, old, new, pg_sql):
    if schema_editor.connection.vendor == "postgresql":
        for sql in pg_sql:
            schema_editor.execute(sql)
        return
    model = apps.get_model("cases", "Case")
    schema_editor.remove_index(model, old)
    schema_editor.add_index(model, new)


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, OLD, NEW, PG_FORWARD)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, NEW, OLD, PG_BACKWARD)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("cases", "0005_supervision_escalation")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="case", name="case_overdue"),
                migrations.AddIndex(model_name="case", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
