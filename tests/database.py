"""Reading and writing a test database directly (not through the app), for arranging and checking."""

from __future__ import annotations

from sqlalchemy import create_engine

from registry.config import sync_url


def sql(url: str, statement, params=None):
    """Run one statement in its own transaction; the rows, if it returns any."""
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        result = connection.execute(statement, params or {})
        rows = result.all() if result.returns_rows else None
    engine.dispose()
    return rows


def scalar(url: str, statement):
    return sql(url, statement)[0][0]
