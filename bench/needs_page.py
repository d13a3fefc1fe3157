"""Benchmark (not a test): the coordinators' needs table at 1 000, 10 000 and 100 000 needs on SQLite.

For each size it builds a database (migrations, the VSO seed, the demo people, then
`registry needs generate`), and measures `registry.needs.queries.page(...)` in the server process:
the first page, a filtered page, a search, and a page deep in the keyset (from the middle of the
table). It counts the SQL statements each costs. When the app has a `/needs` route, it also measures
`GET /needs` the same four ways through litestar's TestClient, logged in as the demo administrator.
It prints the figures and the ratio 100k/1k (a ratio near 1 means the page does not grow with the
registry).

    PYTHONPATH=. python bench/needs_page.py [--sizes 1000,10000,100000] [--repeat 7] [--keep DIR]

With --keep, the databases stay in DIR and are reused by the next run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("REGISTRY_ENV", "test")

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from registry.cli import _generate_needs, _in_session, _load_seed
from registry.config import Settings, async_url
from registry.db import migrate
from registry.db import models as m
from registry.demo import DEMO_PASSWORD, load_demo
from registry.needs import queries
from registry.needs.queries import NeedFilter

CASES = ["first page", "filtered", "search", "deep keyset"]


def build(path: Path, size: int) -> str:
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    settings = Settings(database_url=url)
    started = time.perf_counter()
    migrate.upgrade(url)
    asyncio.run(_load_seed(settings))
    asyncio.run(_in_session(settings, load_demo))
    asyncio.run(_generate_needs(settings, size, seed=1))
    print(f"  built {path.name}: {size:,} needs in {time.perf_counter() - started:.1f} s", flush=True)
    return url


class Statements:
    """Counts the SQL statements sent to one database file while `counting` is on."""

    def __init__(self, path: Path):
        self.database = str(path)
        self.count = 0
        self.counting = False
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, connection, cursor, statement, parameters, context, executemany):
        # The log-in session's last-seen time is written at most once a minute: not the page's cost.
        if (
            self.counting
            and connection.engine.url.database == self.database
            and not statement.lstrip().upper().startswith("UPDATE USER_SESSION")
        ):
            self.count += 1

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._seen)


async def cases(url: str) -> dict[str, tuple[NeedFilter, str, str]]:
    """Each case as (filter, cursor, the same as a query string for GET /needs)."""
    engine = create_async_engine(async_url(url))
    async with async_sessionmaker(engine)() as session:
        area = await session.scalar(select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
        low, high = (await session.execute(select(func.min(m.Need.id), func.max(m.Need.id)))).one()
    await engine.dispose()
    middle = (low + high) // 2
    cursor = queries._encode(middle, middle)  # where the first page's "next" would point, half-way down
    filtered = NeedFilter(area=area, state=("in_progress", "approved"))
    return {
        "first page": (NeedFilter(), "", ""),
        "filtered": (filtered, "", filtered.as_query()),
        "search": (NeedFilter(q="grupprum"), "", "q=grupprum"),
        "deep keyset": (NeedFilter(), cursor, f"after={cursor}"),
    }


async def measure_pages(url: str, path: Path, repeat: int) -> dict[str, tuple[float, int, int]]:
    """case → (median milliseconds, statements, rows on the page)."""
    engine = create_async_engine(async_url(url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    statements = Statements(path)
    figures = {}
    try:
        for name, (need_filter, cursor, _query) in (await cases(url)).items():
            times = []
            for attempt in range(repeat + 1):
                async with sessions() as session:
                    statements.count, statements.counting = 0, True
                    started = time.perf_counter()
                    result = await queries.page(session, need_filter, cursor)
                    elapsed = time.perf_counter() - started
                    statements.counting = False
                if attempt:  # the first is a warm-up (connection, statement cache)
                    times.append(elapsed)
            figures[name] = (statistics.median(times) * 1000, statements.count, len(result.needs))
    finally:
        statements.close()
        await engine.dispose()
    return figures


def measure_route(url: str, path: Path, repeat: int) -> dict[str, tuple[float, int, int]] | None:
    """GET /needs as the demo administrator: case → (median milliseconds, statements, status)."""
    from litestar.testing import TestClient

    from registry.app import create_app

    app = create_app(Settings(database_url=url, env="test"))
    if not any(getattr(route, "path", "") == "/needs" for route in app.routes):
        return None
    the_cases = asyncio.run(cases(url))
    statements = Statements(path)
    figures = {}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        client.follow_redirects = False
        client.get("/health")
        token = client.cookies.get("registry_csrf", "")
        response = client.post(
            "/login",
            data={"username": "admin", "password": DEMO_PASSWORD, "next": "/"},
            headers={"x-csrftoken": token},
        )
        assert response.status_code == 303, f"log-in failed: {response.status_code}"
        try:
            for name, (_filter, _cursor, query) in the_cases.items():
                target = f"/needs?{query}" if query else "/needs"
                times = []
                for attempt in range(repeat + 1):
                    statements.count, statements.counting = 0, True
                    started = time.perf_counter()
                    response = client.get(target)
                    elapsed = time.perf_counter() - started
                    statements.counting = False
                    if attempt:
                        times.append(elapsed)
                figures[name] = (statistics.median(times) * 1000, statements.count, response.status_code)
        finally:
            statements.close()
    return figures


def table(title: str, results: dict[int, dict[str, tuple[float, int, int]]], third: str) -> None:
    sizes = sorted(results)
    print(f"\n{title}")
    header = f"{'case':<13}" + "".join(f"{f'{size:,} needs':>22}" for size in sizes)
    if len(sizes) > 1:
        header += f"{f'{sizes[-1] // 1000}k/{sizes[0] // 1000}k':>10}"
    print(header)
    print(f"{'':<13}" + "".join(f"{f'ms  stmts  {third}':>22}" for _size in sizes))
    for case in CASES:
        line = f"{case:<13}"
        for size in sizes:
            ms, count, extra = results[size][case]
            line += f"{ms:>10.1f}{count:>7}{extra:>5}"
        if len(sizes) > 1:
            line += f"{results[sizes[-1]][case][0] / results[sizes[0]][case][0]:>10.1f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the databases in this folder")
    args = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    sizes = [int(size) for size in args.sizes.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="needs-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[int, dict] = {}
    routes: dict[int, dict] = {}
    for size in sizes:
        path = folder / f"needs-{size}.db"
        print(f"{size:,} needs", flush=True)
        url = build(path, size)
        pages[size] = asyncio.run(measure_pages(url, path, args.repeat))
        route = measure_route(url, path, args.repeat)
        if route is not None:
            routes[size] = route
    table(f"queries.page(...) in the server process (median of {args.repeat})", pages, "rows")
    if routes:
        table(f"GET /needs through TestClient, as admin (median of {args.repeat})", routes, "http")
    else:
        print("\nNo /needs route in the app yet: GET /needs not measured.")
    if not args.keep:
        for path in folder.glob("needs-*.db"):
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
