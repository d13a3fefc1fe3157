"""Reading and writing a test database directly (not through the app), for arranging and checking."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from registry.config import sync_url


@cache
def engine_for(url: str) -> Engine:
    """One engine per database address for the test process (its compiled statements are cached); it
    keeps no connection open between uses, so a test database can be replaced under it."""
    return create_engine(sync_url(url), poolclass=NullPool)


def sql(url: str, statement, params=None):
    """Run one statement in its own transaction; the rows, if it returns any."""
    with engine_for(url).begin() as connection:
        result = connection.execute(statement, params or {})
        return result.all() if result.returns_rows else None


def scalar(url: str, statement):
    return sql(url, statement)[0][0]


def insert_need(area_id: int, title: str, state: str = "submitted", kind: str = "development_project"):
    """An INSERT of a need with every required column filled, returning its id (run it with `sql`,
    or in an open connection)."""
    from sqlalchemy import func

    from registry.db import models as m

    return (
        m.Need.__table__.insert()
        .values(
            title=title,
            description="",
            clarified_need="",
            cause="",
            proposed_coordination="",
            raised_by_name="",
            channel="email",
            raised_on=func.current_date(),
            owning_area_id=area_id,
            kind=kind,
            category="",
            state=state,
            created_at=func.now(),
            updated_at=func.now(),
        )
        .returning(m.Need.__table__.c.id)
    )
