"""Each page costs the same number of SQL statements, and reads no growing table from end to end,
whether the registry holds a few hundred needs or five times as many (generated in bulk with
`registry needs generate`). Rows read are proven through the plans: every statement a page sends is
explained (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN with sequential scans priced out), and
none may scan the needs, their departments, tags, transitions, scores or the change log.

The ranked backlogs and the graph are computed once per change of the registry and then kept
(registry/db/versioned.py): their views are measured after that first computation.
"""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine

from registry.cli import _generate_needs
from registry.config import Settings, sync_url
from registry.db import models as m
from tests.database import scalar

GROWING = (
    "need",
    "need_department",
    "need_tag",
    "need_transition",
    "need_score",
    "change_record",
    "need_area",
    "person",
)


def _pages(url: str) -> list[str]:
    need = scalar(url, select(func.min(m.NeedScore.need_id)))  # a scored need of the first batch
    return [
        "/needs",
        "/needs?state=clarified&sort=updated",
        "/needs?state=submitted&sort=raised",
        "/needs?q=grupprum",
        f"/needs/{need}",
        f"/needs/{need}/scores",
        "/areas/infrastruktur/priorities",
        "/priorities",
        "/graph",
        "/health",
    ]


def _sent(client, path: str) -> list[tuple[str, object]]:
    client.get(path)  # the first view computes what is kept; the next ones are the page's own cost
    seen: list[tuple[str, object]] = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("UPDATE USER_SESSION", "SET ", "SAVEPOINT", "RELEASE")):
            seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    return seen


def _full_scans(url: str, sent: list[tuple[str, object]]) -> list[str]:
    engine = create_engine(sync_url(url))
    found = []
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if not sqlite:
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in sent:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            plan = "\n".join(
                str(row[-1] if sqlite else row[0])
                for row in connection.exec_driver_sql(explain + statement, parameters)
            )
            # A scan in index (or rowid) order under a LIMIT and without a sort step stops after its
            # page: bounded. Any other scan of a growing table reads more as the registry grows.
            bounded = "LIMIT" in statement and "TEMP B-TREE" not in plan and not re.search(r"^\s*Sort\b", plan, re.M)
            for table in GROWING:
                scan = rf"^\s*SCAN {table}\b" if sqlite else rf"Seq Scan on {table}\b"
                if re.search(scan, plan, re.M) and not bounded:
                    found.append(f"{table}: {statement[:300]} | {plan}")
    engine.dispose()
    return found


def test_pages_cost_the_same_statements_and_scan_no_growing_table_at_any_size(client, database_url):
    settings = Settings(database_url=database_url, env="test")
    asyncio.run(_generate_needs(settings, 200, 1, scored=60, raters=3))
    pages = _pages(database_url)
    small = {path: _sent(client, path) for path in pages}
    asyncio.run(_generate_needs(settings, 1000, 2, scored=300, raters=3))
    large = {path: _sent(client, path) for path in pages}
    assert {path: len(sent) for path, sent in large.items()} == {path: len(sent) for path, sent in small.items()}
    scans = {path: _full_scans(database_url, sent) for path, sent in large.items()}
    assert scans == {path: [] for path in scans}
