"""Eight writers at once while a 20,000-row import runs: no errors, and no write lost.

Each writer is a logged-in client of an app of its own (like a worker process of its own, with its
own connection pool), creating needs through the API and changing each one right after (a read and
then a write: the case SQLite used to answer with "database is locked"). It counts what it was told
was saved; at the end every need must be there, with its last change.

`make test` runs the writers for REGISTRY_STRESS_SECONDS (5) seconds, and at least as long as the
import; `make stress` for 30.
"""

from __future__ import annotations

import os
import statistics
import threading
import time

from sqlalchemy import select

from registry.db import models as m
from tests.conftest import open_client
from tests.database import sql

WRITERS = 8
# `make stress`: a 20 000-row import and 30 s of writers; `make test` a smaller import for 5 s (the
# same checks, in a few seconds).
IMPORT_ROWS = int(os.environ.get("REGISTRY_STRESS_ROWS", "5000"))
SECONDS = float(os.environ.get("REGISTRY_STRESS_SECONDS", "5"))


def _import_file(rows: int) -> bytes:
    lines = ["title;description;owning_area;kind;departments"]
    lines += [
        f"Stressimport {n};Beskrivning {n};VSO för infrastruktur;small_improvement;Avd. för HR:lead:{n % 9}"
        for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_eight_writers_during_an_import_lose_nothing(settings, engine_name):
    import_done = threading.Event()
    deadline = time.monotonic() + SECONDS
    outcome: dict[str, str] = {}
    saved: list[dict[int, str]] = [{} for _ in range(WRITERS)]  # per writer: need id → last description
    errors: list[str] = []
    latencies: list[float] = []
    clients = [open_client(settings, "admin") for _ in range(WRITERS + 1)]

    def importer() -> None:
        try:
            client = clients[-1]
            client.cookies.set("registry_language", "en")
            response = client.post(
                "/needs/import", files={"file": ("stress.csv", _import_file(IMPORT_ROWS), "text/csv")}
            )
            outcome["status"] = str(response.status_code)
            outcome["page"] = response.text
        finally:
            import_done.set()

    def writer(number: int) -> None:
        client = clients[number]
        count = 0
        while time.monotonic() < deadline or not import_done.is_set():
            count += 1
            title = f"Stress {number}-{count}"
            started = time.monotonic()
            created = client.post("/api/v1/needs", json={"title": title, "description": "first"})
            latencies.append(time.monotonic() - started)
            if created.status_code != 201:
                errors.append(f"writer {number} create: {created.status_code} {created.text[:200]}")
                continue
            need_id = created.json()["id"]
            saved[number][need_id] = "first"
            started = time.monotonic()
            changed = client.patch(f"/api/v1/needs/{need_id}", json={"description": f"second {count}"})
            latencies.append(time.monotonic() - started)
            if changed.status_code != 200:
                errors.append(f"writer {number} change: {changed.status_code} {changed.text[:200]}")
                continue
            saved[number][need_id] = f"second {count}"

    threads = [threading.Thread(target=importer)] + [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 600)
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    elapsed = time.monotonic() - started

    assert errors == []
    assert outcome.get("status") == "200" and f"{IMPORT_ROWS:,} created" in outcome["page"], outcome.get("page", "")[
        -800:
    ]
    stored = dict(
        sql(settings.database_url, select(m.Need.id, m.Need.description).where(m.Need.title.like("Stress %")))
    )
    expected = {need_id: text for per_writer in saved for need_id, text in per_writer.items()}
    assert len(expected) >= WRITERS  # every writer got something in
    assert {need_id: stored.get(need_id) for need_id in expected} == expected  # nothing lost, last change kept
    imported = sql(settings.database_url, select(m.Need.id).where(m.Need.title.like("Stressimport %")))
    assert len(imported) == IMPORT_ROWS
    print(
        f"\n{engine_name}: {len(expected)} needs written and changed by {WRITERS} writers in {elapsed:.0f} s "
        f"beside an import of {IMPORT_ROWS:,} rows; write latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
