"""Searching needs by any part of a word in the title, description or cause, with an index on both
engines: SQLite's FTS5 with the trigram tokenizer (table `need_search`, kept up to date by triggers),
and PostgreSQL's pg_trgm GIN index on the same text. Both are made by migration 0004; neither is a
model, so `is_search_index` tells the schema comparison to leave them alone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, func, literal, literal_column, select, table

from registry.needs.models import Need

MIN_INDEXED_LENGTH = 3  # trigrams: shorter terms are matched without the index

SEARCH_TABLE = "need_search"
PG_INDEX = "ix_need_search_trgm"

need_search = table(SEARCH_TABLE, column("rowid"))


def searched_text() -> ColumnElement[str]:
    """The text PostgreSQL's trigram index covers; the query must use exactly this expression."""
    return func.lower(Need.title + literal(" ") + Need.description + literal(" ") + Need.cause)


def condition(term: str, dialect: str) -> ColumnElement[bool]:
    pattern = f"%{term.lower()}%"
    if dialect == "sqlite" and len(term) >= MIN_INDEXED_LENGTH:
        phrase = '"' + term.replace('"', '""') + '"'
        matching = (
            select(literal_column("rowid"))
            .select_from(need_search)
            .where(literal_column(SEARCH_TABLE).op("MATCH")(phrase))
        )
        return Need.id.in_(matching)
    if dialect == "sqlite":
        return func.lower(Need.title + " " + Need.description + " " + Need.cause).like(pattern)
    return searched_text().like(pattern)


def is_search_index(name: str | None) -> bool:
    return bool(name) and (name.startswith(SEARCH_TABLE) or name == PG_INDEX)
