"""A partial index over the emergency and urgent cases by due time, for 紧急优先 on every queue.

On PostgreSQL it is built CONCURRENTLY (the register stays writable); other databases get the
plain schema operation."""

from django.db import migrations, models

INDEX = models.Index(fields=["next_due_at", "id"], name="case_urgent_due",
                     condition=models.Q(urgency__in=["emergency", "urgent"]))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_urgent_due")
        schema_editor.execute("CREATE INDEX CONCURRENTLY case_urgent_due ON cases_case (next_due_at, id) "
                              "WHERE urgency IN ('emergency', 'urgent')")
        return
    schema_editor.add_index(apps.get_model("cases", "Case"), INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_urgent_due")
        return
    schema_editor.remove_index(apps.get_model("cases", "Case"), INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("cases", "0008_request_lapsed")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="case", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
