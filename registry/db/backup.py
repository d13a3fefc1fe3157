"""`registry backup FILE` and `registry restore FILE`: a consistent copy of the whole database,
taken while the registry runs.

SQLite: the online backup API (sqlite3's `Connection.backup`), which copies a consistent snapshot
page by page while others keep writing (a plain file copy taken during a write can be corrupt).
PostgreSQL: `pg_dump -Fc` (one consistent snapshot) and `pg_restore --clean --if-exists`.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from registry.config import sync_url


def _sqlite_path(database_url: str) -> Path:
    return Path(make_url(sync_url(database_url)).database or "")


def _pg_url(database_url: str) -> str:
    """A libpq URL (pg_dump does not know SQLAlchemy's driver suffix)."""
    return make_url(sync_url(database_url)).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed; install PostgreSQL's client tools (Debian: postgresql-client).")
    return found


def backup(database_url: str, target: Path) -> None:
    target = Path(target)
    if database_url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
        return
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", _pg_url(database_url)],
        check=True,
    )


def restore(database_url: str, source: Path) -> None:
    """Replace the database's content with the backup's (the registry should be stopped)."""
    source = Path(source)
    if not source.is_file():
        raise SystemExit(f"No backup file at {source}.")
    if database_url.startswith("sqlite"):
        backup_db = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
        return
    subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--dbname={_pg_url(database_url)}", str(source)],
        check=True,
    )
