"""Limits on what one request may cost, and a production start that refuses before it writes anything."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from registry import cli
from registry.config import Settings
from registry.db.engine import create_engine


# PostgreSQL only: SQLite has no statement timeout (its bounds are the pages' own: pagination and limits).
@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_postgresql_cancels_a_statement_running_past_the_timeout(database_url, engine_name):
    engine = create_engine(Settings(database_url=database_url, statement_timeout_seconds=1))

    async def slow() -> None:
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT pg_sleep(5)"))
        finally:
            await engine.dispose()

    with pytest.raises(DBAPIError, match="statement timeout"):  # the server cancelled pg_sleep(5) at 1 s
        asyncio.run(slow())


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
