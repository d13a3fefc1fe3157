"""`registry backup FILE` / `registry restore FILE` round-trip a populated database, table by table
(row counts and a checksum of every row), also when the backup is taken while writers run."""

from __future__ import annotations

import hashlib
import threading

from sqlalchemy import create_engine, func, select

from registry.cli import main
from registry.config import sync_url
from registry.db import models as m
from tests.conftest import fresh_database
from tests.database import insert_need, scalar, sql


def _tables(url: str) -> dict[str, tuple[int, str]]:
    """Per table: its row count and a checksum of its rows in primary-key order."""
    engine = create_engine(sync_url(url))
    found = {}
    with engine.connect() as connection:
        for table in m.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(str(v) for v in row) for row in rows]).encode()).hexdigest()
            found[table.name] = (len(rows), digest)
    engine.dispose()
    return found


def _populate(url: str, count: int) -> None:
    area = scalar(url, select(m.SupportArea.id).order_by(m.SupportArea.id))
    for n in range(count):
        sql(url, insert_need(area, f"Behov att säkerhetskopiera {n}"))


def _run(monkeypatch, url: str, *argv: str) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", url)
    from registry.config import get_settings

    get_settings.cache_clear()
    try:
        assert main(list(argv)) == 0
    finally:
        get_settings.cache_clear()


def test_backup_and_restore_round_trip_every_table(database_url, engine_name, request, tmp_path, monkeypatch):
    _populate(database_url, 20)
    before = _tables(database_url)
    assert before["need"][0] == 20
    backup = tmp_path / "registry.backup"
    _run(monkeypatch, database_url, "backup", str(backup))
    _populate(database_url, 3)  # changed after the backup: the restore brings back the backup's state
    with fresh_database(engine_name, request, tmp_path) as other:
        _run(monkeypatch, other, "restore", str(backup))
        assert _tables(other) == before
    _run(monkeypatch, database_url, "restore", str(backup))
    assert _tables(database_url) == before


def test_a_backup_taken_while_writers_run_is_consistent(database_url, engine_name, request, tmp_path, monkeypatch):
    _populate(database_url, 5)
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            _populate(database_url, 1)
            written[0] += 1

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        backup = tmp_path / "during.backup"
        _run(monkeypatch, database_url, "backup", str(backup))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert written[0] > 0
    with fresh_database(engine_name, request, tmp_path) as other:
        _run(monkeypatch, other, "restore", str(backup))
        restored = scalar(other, select(func.count()).select_from(m.Need))
        assert 5 <= restored <= 5 + written[0]
        # Whole rows only: every restored need is exactly as it was written.
        titles = {row[0] for row in sql(other, select(m.Need.title))}
        assert titles <= {row[0] for row in sql(database_url, select(m.Need.title))}
