"""The migrations build exactly the schema the models declare, on SQLite and on PostgreSQL, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from registry.config import sync_url
from registry.db import migrate
from registry.db import models as m
from registry.needs.search import is_search_index


def include_name(name, type_, parent_names) -> bool:
    return not is_search_index(name)


def _differences(url: str) -> list:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            return compare_metadata(context, m.metadata)
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(sync_url(url))
    try:
        return {name for name in inspect(engine).get_table_names() if not is_search_index(name)} - {"alembic_version"}
    finally:
        engine.dispose()


def _head() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


def test_upgrade_reaches_head_and_matches_the_models(empty_database_url):
    migrate.upgrade(empty_database_url)
    assert _revision(empty_database_url) == _head()
    assert _tables(empty_database_url) == set(m.metadata.tables)
    assert _differences(empty_database_url) == []


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "base")
    assert _revision(empty_database_url) is None
    assert _tables(empty_database_url) == set()

    migrate.upgrade(empty_database_url)
    assert _revision(empty_database_url) == _head()
    assert _differences(empty_database_url) == []


def test_upgrade_twice_is_harmless(empty_database_url):
    migrate.upgrade(empty_database_url)
    migrate.upgrade(empty_database_url)
    assert _revision(empty_database_url) == _head()


def test_every_table_records_when_its_rows_were_created_and_changed(empty_database_url):
    migrate.upgrade(empty_database_url)
    engine = create_engine(sync_url(empty_database_url))
    try:
        inspector = inspect(engine)
        for table in _tables(empty_database_url):
            columns = {column["name"]: column for column in inspector.get_columns(table)}
            for name in ("created_at", "updated_at"):
                assert name in columns, f"{table} has no {name}"
                assert columns[name]["nullable"] is False, f"{table}.{name} may be empty"
    finally:
        engine.dispose()


def test_migration_history_is_one_line():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, "two heads: merge the migrations"
