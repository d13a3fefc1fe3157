"""search index for needs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

SQLite: an FTS5 table with the trigram tokenizer over title, description and cause, filled by
triggers. A later batch migration that copies the `need` table on SQLite must re-create the triggers.
PostgreSQL: the pg_trgm extension (trusted: a database owner may create it) and a GIN index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE need_search USING fts5("
    "title, description, cause, content='need', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER need_search_insert AFTER INSERT ON need BEGIN "
    "INSERT INTO need_search(rowid, title, description, cause) "
    "VALUES (new.id, new.title, new.description, new.cause); END",
    "CREATE TRIGGER need_search_delete AFTER DELETE ON need BEGIN "
    "INSERT INTO need_search(need_search, rowid, title, description, cause) "
    "VALUES ('delete', old.id, old.title, old.description, old.cause); END",
    "CREATE TRIGGER need_search_update AFTER UPDATE OF title, description, cause ON need BEGIN "
    "INSERT INTO need_search(need_search, rowid, title, description, cause) "
    "VALUES ('delete', old.id, old.title, old.description, old.cause); "
    "INSERT INTO need_search(rowid, title, description, cause) "
    "VALUES (new.id, new.title, new.description, new.cause); END",
    "INSERT INTO need_search(need_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS need_search_update",
    "DROP TRIGGER IF EXISTS need_search_delete",
    "DROP TRIGGER IF EXISTS need_search_insert",
    "DROP TABLE IF EXISTS need_search",
]
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_need_search_trgm ON need USING gin "
    "(lower(title || ' ' || description || ' ' || cause) gin_trgm_ops)",
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS ix_need_search_trgm"]


def upgrade() -> None:
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWN
    for statement in statements:
        op.execute(statement)
