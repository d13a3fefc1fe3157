"""Benchmark (not a test): importing needs from a CSV file, as `/needs/import` does.

For each size it builds a fresh database (migrations, the VSO seed, the demo people), writes a CSV
file of that many new needs (each with one to three departments, tags, another area), and runs
`registry.needs.transfer.import_needs` as the demo administrator: checked in full, written in batches,
published at once. It prints one JSON line per size: rows, seconds in all, seconds checking and
saving, the longest single write transaction (how long another writer may wait) and the peak
memory (RSS) of the process.

    PYTHONPATH=. python bench/import.py [--sizes 10000,100000] [--database-url URL]

Without --database-url each size gets a new SQLite file in a temporary folder; with a PostgreSQL
URL (an empty database), the schema is migrated there and the rows are added to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("REGISTRY_ENV", "test")

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from registry.accounts.models import Account
from registry.accounts.principal import Principal, load_roles
from registry.changes.service import Actor, current_actor
from registry.cli import _in_session, _load_seed
from registry.config import Settings
from registry.db import migrate
from registry.db.engine import create_engine
from registry.demo import load_demo
from registry.needs import transfer

DEPARTMENTS = ["Avd. för HR", "Avd. för biblioteket", "it-och-digital-infrastruktur", "Avd. för kommunikation"]
ROLES = ["lead", "contributes", "affected"]


def csv_file(rows: int) -> bytes:
    lines = [
        "title;description;raised_by_name;raised_on;owning_area;other_areas;kind;channel;category;tags;departments"
    ]
    for n in range(rows):
        departments = "; ".join(
            f"{DEPARTMENTS[(n + k) % len(DEPARTMENTS)]}:{ROLES[k]}:{(n % 7) + k}" for k in range(n % 3 + 1)
        )
        lines.append(
            f"Behov nr {n};Beskrivning av behov {n}: åäö;Person {n % 97};2025-{n % 12 + 1:02d}-{n % 28 + 1:02d};"
            f"VSO för {'infrastruktur' if n % 3 else 'styrning'};{'VSO för utbildning' if n % 5 == 0 else ''};"
            f"{'small_improvement' if n % 4 else 'development_project'};email;Kategori {n % 5};"
            f'tagg{n % 11}, tagg{n % 13};"{departments}"'
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


async def principal_of(sessions, username: str) -> Principal:
    async with sessions() as session:
        account = await session.scalar(select(Account).where(Account.username == username))
        roles = await load_roles(session, account.person_id)
    return Principal(
        person_id=account.person_id, account_id=account.id, session_id=0, name=username, username=username, **roles
    )


async def measure(url: str, rows: int) -> dict:
    engine = create_engine(Settings(database_url=url))
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    writes: list[float] = []
    began: dict[int, float] = {}

    @event.listens_for(engine.sync_engine, "begin")
    def _began(connection) -> None:
        began[id(connection)] = time.perf_counter()

    @event.listens_for(engine.sync_engine, "commit")
    def _committed(connection) -> None:
        if (start := began.pop(id(connection), None)) is not None:
            writes.append(time.perf_counter() - start)

    data = csv_file(rows)
    principal = await principal_of(sessions, "admin")
    marks: dict[str, float] = {}

    def progress(stage: str, _done: int, _total: int) -> None:
        marks.setdefault(stage, time.perf_counter())

    token = current_actor.set(Actor(principal.person_id, principal.name))
    started = time.perf_counter()
    try:
        result = await transfer.import_needs(sessions, principal, "bench.csv", data, progress)
    finally:
        current_actor.reset(token)
    seconds = time.perf_counter() - started
    await engine.dispose()
    assert result.created == rows, result
    first_save = marks.get("save", time.perf_counter())
    return {
        "figure": "import",
        "engine": url.split(":", 1)[0],
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "check_seconds": round(first_save - started, 2),
        "save_seconds": round(started + seconds - first_save, 2),
        "longest_transaction_seconds": round(max(writes), 3) if writes else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def prepare(url: str) -> None:
    migrate.upgrade(url)
    settings = Settings(database_url=url)
    asyncio.run(_load_seed(settings))
    asyncio.run(_in_session(settings, load_demo))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(part) for part in args.sizes.split(",")):
            url = args.database_url or f"sqlite:///{Path(folder) / f'import-{size}.db'}"
            if not args.database_url or size == int(args.sizes.split(",")[0]):
                prepare(url)
            print(json.dumps(asyncio.run(measure(url, size))), flush=True)


if __name__ == "__main__":
    main()
