"""Full-text search over the whole catalog (SQLite FTS5 or PostgreSQL), and the glossary."""
