"""The needs list reads its page off an index for every filter and every sort, on both engines: the
statements `/needs` really sends are captured and explained (SQLite's EXPLAIN QUERY PLAN,
PostgreSQL's EXPLAIN with sequential scans and sorts priced out, so that the plan shows whether an
index CAN serve the query whatever the size of this small test table). And a need's similar needs
come from the search index, not from a scan of every title.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine

from registry.config import sync_url
from registry.db import models as m
from tests.database import scalar

SORTS = ["newest", "oldest", "raised", "updated", "title", "state"]


def _filters(url: str) -> dict[str, str]:
    area = scalar(url, select(func.min(m.SupportArea.id)))
    department = scalar(url, select(func.min(m.Department.id)))
    institution = scalar(url, select(func.coalesce(func.min(m.Institution.id), 1)))
    person = scalar(url, select(func.min(m.Person.id)))
    return {
        "state": "state=clarified",
        "area": f"area={area}",
        "department": f"department={department}",
        "kind": "kind=small_improvement",
        "institution": f"institution={institution}",
        "tag": "tag=lokaler",
        "raised": "from=2025-01-01&to=2025-06-30",
        "submitted_by": f"submitted_by={person}",
        "search": "q=grupprum",
    }


def _page_statement(client, url: str, query: str) -> tuple[str, object]:
    """The statement (and its parameters) that reads the page of needs for `/needs?query`."""
    seen: list[tuple[str, object]] = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if re.search(r"FROM need\b", statement) and "ORDER BY" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        assert client.get(f"/needs?{query}").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    pages = [item for item in seen if "need.title" in item[0]]
    assert pages, query
    return pages[0]


def _plan(url: str, statement: str, parameters) -> str:
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plan = "\n".join(row[-1] for row in rows)
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            plan = "\n".join(row[0] for row in rows)
    engine.dispose()
    return plan


def _scans_need(plan: str, dialect: str) -> bool:
    if dialect == "sqlite":
        return bool(re.search(r"^SCAN need\b(?! USING)", plan, re.M))
    return "Seq Scan on need " in plan + " "


def _sorts(plan: str, dialect: str) -> bool:
    if dialect == "sqlite":
        return "USE TEMP B-TREE FOR ORDER BY" in plan
    return bool(re.search(r"^\s*(->\s*)?Sort\b", plan, re.M))


def test_every_filter_reads_the_needs_list_through_an_index(client, database_url):
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    for name, query in _filters(database_url).items():
        statement, parameters = _page_statement(client, database_url, query)
        plan = _plan(database_url, statement, parameters)
        assert not _scans_need(plan, dialect), f"{name}: {plan}"


def test_every_sort_reads_the_needs_list_in_index_order(client, database_url):
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    for sort in SORTS:
        for query in (f"sort={sort}", f"state=clarified&sort={sort}"):
            statement, parameters = _page_statement(client, database_url, query)
            plan = _plan(database_url, statement, parameters)
            assert not _sorts(plan, dialect), f"{query}: {plan}"


@pytest.mark.parametrize("title", ["Bokning av grupprum i biblioteket"])
def test_similar_needs_come_from_the_search_index(client, database_url, title):
    seen: list[tuple[str, object]] = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if "lower(need.title) LIKE" in statement:
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        assert client.get("/intake/similar", params={"title": title}).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    assert len(seen) == 1
    dialect = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    plan = _plan(database_url, *seen[0])
    assert not _scans_need(plan, dialect), plan
    if dialect == "sqlite":
        assert "need_search VIRTUAL TABLE" in plan, plan
    else:
        assert "ix_need_search_trgm" in plan, plan
