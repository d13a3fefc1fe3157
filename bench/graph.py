"""Benchmark (not a test): the cross-department graph's build, metrics, layout and picture.

Pure part: the seed's 8 departments and generated registers of 200 departments with 2 000 and 20 000
needs, timed as plain functions. With --db, also the whole way from the database on SQLite: the seed,
the demo people and `registry needs generate N`, then `load.registry` (a fixed number of queries) +
build + metrics, which is what GET /graph costs.

    PYTHONPATH=. python bench/graph.py [--needs 2000,20000] [--db 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

os.environ.setdefault("REGISTRY_ENV", "test")

from registry.config import PROJECT_ROOT, Settings
from registry.graph import export, load
from registry.graph.build import (
    AreaFacts,
    DepartmentFacts,
    LinkFacts,
    NeedFacts,
    ProcessTeamFacts,
    RegistryFacts,
    build,
)
from registry.graph.metrics import measure

STATES = ["submitted", "clarified", "ready", "recommended", "approved", "in_progress", "done", "rejected"]


def seed_register() -> RegistryFacts:
    seed = tomllib.loads((PROJECT_ROOT / "seed" / "vso_model.toml").read_text(encoding="utf-8"))
    ids = {d["name"]: n for n, d in enumerate(seed["department"], 1)}
    return RegistryFacts(
        departments=[
            DepartmentFacts(n, d["name"], d["short_name"], d["slug"]) for n, d in enumerate(seed["department"], 1)
        ],
        areas=[
            AreaFacts(n, a["name"], a["slug"], frozenset(ids[x] for x in a["departments"]))
            for n, a in enumerate(seed["area"], 1)
        ],
    )


def generated(departments: int, needs: int, seed: int = 1) -> RegistryFacts:
    rng = random.Random(seed)
    everyone = range(1, departments + 1)
    areas = [
        AreaFacts(1000 + a, f"VSO {a}", f"vso-{a}", frozenset(rng.sample(everyone, 6))) for a in range(departments // 6)
    ]
    return RegistryFacts(
        departments=[DepartmentFacts(i, f"Avdelning {i}", f"Avd {i}", f"avd-{i}") for i in everyone],
        areas=areas,
        needs=[
            NeedFacts(
                n,
                f"Behov {n}",
                rng.choice(STATES),
                date(2020 + n % 7, 1 + n % 12, 1),
                frozenset({rng.choice(areas).id}),
                frozenset(rng.sample(everyone, rng.choice([1, 2, 2, 3, 4]))),
            )
            for n in range(1, needs + 1)
        ],  # fmt: skip
        links=[LinkFacts(rng.randint(1, needs), rng.randint(1, needs), "depends_on") for _ in range(needs // 20)],
        process_teams=[ProcessTeamFacts(f"Process {t}", frozenset(rng.sample(everyone, 5))) for t in range(20)],
    )


def timed(work, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def report(name: str, facts: RegistryFacts, repeat: int) -> None:
    built_in, graph = timed(lambda: build(facts), repeat)
    measured_in, metrics = timed(lambda: measure(graph), repeat)
    layout_in, positions = timed(lambda: export.layout(graph), 1)
    svg_in, _svg = timed(lambda: export.picture(graph, metrics, positions, "svg"), 1)
    print(
        f"{name:<34} {graph.number_of_nodes():>5} nodes {graph.number_of_edges():>6} ties | "
        f"build {built_in * 1000:7.1f} ms  metrics {measured_in * 1000:7.1f} ms  "
        f"layout {layout_in * 1000:7.1f} ms  SVG {svg_in * 1000:7.1f} ms"
    )


async def from_database(needs: int, repeat: int) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from registry.cli import _generate_needs, _in_session, _load_seed
    from registry.db import migrate
    from registry.db.engine import create_engine
    from registry.demo import load_demo

    folder = Path(tempfile.mkdtemp(prefix="graph-bench-"))
    url = f"sqlite:///{folder / 'registry.db'}"
    settings = Settings(database_url=url)
    migrate.upgrade(url)
    await _load_seed(settings)
    await _in_session(settings, load_demo)
    await _generate_needs(settings, needs, 0)
    engine = create_engine(settings)
    times = []
    async with async_sessionmaker(engine)() as session:
        for _ in range(repeat):
            started = time.perf_counter()
            facts = await load.registry(session)
            loaded = time.perf_counter()
            graph = build(facts)
            measure(graph)
            times.append((loaded - started, time.perf_counter() - loaded))
    await engine.dispose()
    load_in = statistics.median(t[0] for t in times)
    rest_in = statistics.median(t[1] for t in times)
    name = f"database, 8 departments, {needs} needs"
    print(f"{name:<34} load {load_in * 1000:7.1f} ms  build+metrics {rest_in * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needs", default="2000,20000")
    parser.add_argument("--db", type=int, default=0, help="also from a SQLite database with this many needs")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report("seed: 8 departments, no needs", seed_register(), args.repeat)
    for needs in (int(n) for n in args.needs.split(",") if n):
        report(f"200 departments, {needs} needs", generated(200, needs), args.repeat)
    if args.db:
        asyncio.run(from_database(args.db, args.repeat))


if __name__ == "__main__":
    main()
