"""Content search on PostgreSQL: a GIN index over the character bigrams of a case's text.

`LIKE '%噪音%'` cannot use a B-tree, and pg_trgm needs three characters (most Chinese search
terms are two). Every substring of two or more characters has all its bigrams in the text, so
`banshi_bigrams(text) @> banshi_bigrams(term)` narrows the candidates through the index and the
`LIKE` rechecks them (banshi/cases/queries/cases.py). SQLite keeps the plain `LIKE` scan.
"""

from django.db import migrations

TEXT_EXPR = "(title || ' ' || content || ' ' || address)"

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION banshi_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
    FROM generate_series(1, length(t) - 1) AS i
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS case_text_bigrams ON cases_case USING gin (banshi_bigrams{TEXT_EXPR})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_text_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS banshi_bigrams(text)")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY: a big register stays writable while it builds
    dependencies = [("cases", "0003_queue_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
