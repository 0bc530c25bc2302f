"""The database's own full-text index over search_entry: FTS5 on SQLite, a GIN index on `vector` on PostgreSQL.

Each statement runs only on its own vendor, so one migration history serves both engines.
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite" or "postgresql")."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        # External content: the FTS table stores only the index and reads the text from search_entry (snippets
        # too); the index is rebuilt with the 'rebuild' command after the rows change. Column order = weights
        # order in learn/search/engines.py.
        VendorSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
            "title, keywords, concepts, body, extra, "
            "content='search_entry', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
            "DROP TABLE IF EXISTS search_entry_fts",
        ),
        VendorSQL(
            "postgresql",
            "CREATE INDEX search_entry_vector_gin ON search_entry USING gin (vector)",
            "DROP INDEX IF EXISTS search_entry_vector_gin",
        ),
    ]
