"""Alembic environment. Runs synchronously on SQLite (stdlib driver) or PostgreSQL (psycopg)."""

from alembic import context
from sqlalchemy import create_engine, pool

from registry.db import models as m
from registry.needs.search import is_search_index

config = context.config
target_metadata = m.metadata


def include_name(name, type_, parent_names) -> bool:
    """The full-text search table and index are made by hand in migration 0004, not by a model."""
    return not is_search_index(name)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
