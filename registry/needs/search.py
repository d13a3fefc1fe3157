"""Searching needs by any part of a word in the title, description or cause, with an index on both
engines: SQLite's FTS5 with the trigram tokenizer (table `need_search`, kept up to date by triggers),
and PostgreSQL's pg_trgm GIN index on the same text. Both are made by migration 0004; neither is a
model, so `is_search_index` tells the schema comparison to leave them alone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, column, func, literal, literal_column, select, table, union

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


def title_candidates(words: list[str], dialect: str, per_word: int) -> Select:
    """The ids of the newest `per_word` needs whose title contains each word (words of three or more
    characters), through the search index: a bounded candidate list, whatever the registry's size.
    SQLite reads the FTS5 table restricted to the title column, newest rowid first; PostgreSQL the
    trigram index (which covers title, description and cause; the title is checked again by the
    caller), in the index's order."""
    parts = []
    for word in words:
        if dialect == "sqlite":
            phrase = 'title : "' + word.replace('"', '""') + '"'
            part = (
                select(literal_column("rowid").label("id"))
                .select_from(need_search)
                .where(literal_column(SEARCH_TABLE).op("MATCH")(phrase))
                .order_by(literal_column("rowid").desc())
            )
        else:
            # Unordered: any `per_word` matches straight from the trigram index (an order by id would
            # let the planner walk the primary key backwards through every row for a rare word).
            part = select(Need.id).where(searched_text().like(f"%{word.lower()}%"))
        parts.append(part.limit(per_word).subquery().select())
    return union(*parts)


def is_search_index(name: str | None) -> bool:
    return bool(name) and (name.startswith(SEARCH_TABLE) or name == PG_INDEX)
