"""Full-text machinery of each database for SearchDocument (ADR 0012).

PostgreSQL: the `unaccent` extension, a `french_unaccent` text search configuration
(French Snowball stemming after accent removal) and a GIN index on the vector.
SQLite: an FTS5 table of the stems computed in Python and a table of their scores,
both keyed by the document id.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    "CREATE INDEX search_document_vector_gin ON core_searchdocument USING gin (vector)",
]
# The extension stays: other objects of the database may use it.
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]

# Stems are computed in Python (citeia.core.textsearch): the FTS5 table finds the
# documents (prefix indexes make search-as-you-type cheap), the rank table gives each
# document's stem scores for ranking; both are keyed by the SearchDocument id.
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5("
    "terms, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')",
    "CREATE TABLE core_searchdocument_rank (id INTEGER PRIMARY KEY, scores TEXT NOT NULL)",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS core_searchdocument_rank",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})


def backward(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search_document")]

    operations = [migrations.RunPython(forward, backward)]
