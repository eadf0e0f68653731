"""The unit each event counts toward in assessment (stats/), and the indexes the count fill and
the drill-down lists read.

Events written before this migration get the case's current lead unit (else its intake unit):
the best that can be known afterwards. On PostgreSQL the indexes are built CONCURRENTLY."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = (
    models.Index(fields=["at"], name="event_at"),
    models.Index(fields=["unit", "at"], name="event_unit_at"),
)


def backfill(apps, schema_editor):
    schema_editor.execute(
        "UPDATE cases_caseevent SET unit_id = (SELECT COALESCE(c.lead_unit_id, c.intake_unit_id) "
        "FROM cases_case c WHERE c.id = cases_caseevent.case_id) WHERE unit_id IS NULL"
    )


def indexes_add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            cols = ", ".join(f'"{f}_id"' if f == "unit" else f'"{f}"' for f in index.fields)
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index.name} ON cases_caseevent ({cols})")
        return
    for index in INDEXES:
        schema_editor.add_index(apps.get_model("cases", "CaseEvent"), index)


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
        return
    for index in INDEXES:
        schema_editor.remove_index(apps.get_model("cases", "CaseEvent"), index)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("cases", "0009_urgent_due"),
        ("orgs", "0002_unit_kinds_departments"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="unit",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+", to="orgs.unit"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="caseevent", index=i) for i in INDEXES],
            database_operations=[migrations.RunPython(indexes_add, indexes_drop)],
        ),
    ]
