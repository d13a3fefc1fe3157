"""Limits on what one request may cost, and a production start that refuses before it writes anything."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from registry import cli
from registry.config import Settings
from registry.db.engine import create_engine


def test_postgresql_cancels_a_statement_running_past_the_timeout(database_url, engine_name):
    if engine_name != "postgresql":
        pytest.skip("SQLite has no statement timeout; its limits are the pages' own bounds")
    engine = create_engine(Settings(database_url=database_url, statement_timeout_seconds=1))

    async def slow() -> None:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT pg_sleep(5)"))
        finally:
            await engine.dispose()

    started = time.perf_counter()
    with pytest.raises(DBAPIError, match="statement timeout"):
        asyncio.run(slow())
    assert time.perf_counter() - started < 4


def test_the_statement_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("REGISTRY_STATEMENT_TIMEOUT", "12.5")
    assert Settings.from_env().statement_timeout_seconds == 12.5
    monkeypatch.delenv("REGISTRY_STATEMENT_TIMEOUT")
    assert Settings.from_env().statement_timeout_seconds == 30


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_misconfigured_production_start_refuses_before_migrating_or_seeding(
    tmp_path: Path, monkeypatch, capsys, command
):
    database = tmp_path / "registry.db"
    settings = Settings(database_url=f"sqlite:///{database}", env="production")  # the demo secret key
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setattr(cli, "_serve", lambda *args, **kwargs: pytest.fail("must not serve"))
    assert cli.main([command]) == 2
    assert "REGISTRY_SECRET_KEY" in capsys.readouterr().err
    assert not database.exists(), "nothing was migrated or seeded"
