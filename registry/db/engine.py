"""The database engine, set up in this one place for the app, the command line and the tools.

SQLite is used as a real embedded database, so that writers queue instead of failing:
- WAL journal: readers never wait for the writer, and the writer never waits for readers;
- a busy timeout: a writer that finds the write lock taken waits for it (up to `BUSY_TIMEOUT_MS`);
- immediate write transactions: a transaction that may write starts with `BEGIN IMMEDIATE`, taking
  the write lock at once. A deferred transaction that has read and then wants to write cannot wait
  for the lock (SQLite answers "database is locked" at once, since its snapshot is stale), so
  whatever writes says so first: every request with an unsafe method (POST, PUT, PATCH, DELETE), and
  code that writes outside a request, inside `write_intent(True)`. Reading requests stay deferred
  and never hold the lock;
- a bounded pool of connections (a connection a request, reused), instead of a new connection and
  thread per request.

PostgreSQL needs none of this; it gets a bounded pool too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from registry.config import Settings, async_url

BUSY_TIMEOUT_MS = 30_000  # a safety net: SQLite does not queue waiting writers fairly
SQLITE_POOL_SIZE = 8  # a request holds one connection (two while the log-in middleware reads)
SQLITE_MAX_OVERFLOW = 4
POSTGRES_POOL_SIZE = 10  # per worker: keep workers × (pool + overflow) under max_connections
POSTGRES_MAX_OVERFLOW = 5
POOL_TIMEOUT_S = 30

# Whether transactions begun now may write (SQLite: BEGIN IMMEDIATE rather than BEGIN).
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@contextmanager
def write_intent(value: bool = True) -> Iterator[None]:
    """Transactions begun inside take SQLite's write lock at once (True) or only read (False)."""
    token = _write_intent.set(value)
    try:
        yield
    finally:
        _write_intent.reset(token)


def set_write_intent(value: bool):
    """For middleware: set the intent for the rest of the request; returns the token to reset."""
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        engine = create_async_engine(
            async_url(settings.database_url),
            echo=settings.echo_sql,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=SQLITE_MAX_OVERFLOW,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # A statement that runs longer than the limit is cancelled by the server, so that one heavy page
    # cannot hold a connection (and other users) indefinitely.
    timeout_ms = int(settings.statement_timeout_seconds * 1000)
    return create_async_engine(
        async_url(settings.database_url),
        echo=settings.echo_sql,
        pool_size=POSTGRES_POOL_SIZE,
        max_overflow=POSTGRES_MAX_OVERFLOW,
        pool_timeout=POOL_TIMEOUT_S,
        pool_pre_ping=True,
        connect_args={"options": f"-c statement_timeout={timeout_ms}"},
    )


def _sqlite_connect(dbapi_connection, _record) -> None:
    # The driver would begin transactions itself (deferred); `_sqlite_begin` does it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file; cheap to repeat
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a process crash in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")  # per connection; the ON DELETE rules depend on it
    cursor.close()


def _sqlite_begin(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
