"""Settings from environment variables, with safe defaults for a local demo.

Every setting is read once, in `get_settings()`; tests build their own `Settings` and pass it to
`create_app()` instead of patching the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "local-demo-secret-key-change-me-in-production-0123456789"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def async_url(url: str) -> str:
    """The SQLAlchemy URL for the app's async engine."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
    if url.startswith(("postgresql:", "postgres:")):
        return "postgresql+psycopg:" + url.split(":", 1)[1]
    return url


def sync_url(url: str) -> str:
    """The SQLAlchemy URL for synchronous work (migrations, command-line tools)."""
    if url.startswith("sqlite+aiosqlite:"):
        return "sqlite:" + url.removeprefix("sqlite+aiosqlite:")
    if url.startswith(("postgresql:", "postgres:")) or url.startswith("postgresql+asyncpg:"):
        return "postgresql+psycopg:" + url.split(":", 1)[1]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'registry.db'}"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEFAULT_SECRET_KEY
    env: str = "demo"  # demo | production | test
    debug: bool = False
    default_language: str = "sv"
    languages: tuple[str, ...] = ("sv", "nb", "en")
    echo_sql: bool = False
    # PostgreSQL ends any one SQL statement that runs longer (0: no limit). SQLite has no such limit.
    statement_timeout_seconds: float = 30.0
    # E-mail notifications: off unless an SMTP host is set.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "vso-registry@localhost"
    smtp_starttls: bool = False
    mail_retry_seconds: int = 60  # how long a failed e-mail waits before the next attempt
    public_url: str = "http://127.0.0.1:8000"  # the registry's address, for links in e-mails

    @property
    def sends_email(self) -> bool:
        return bool(self.smtp_host)
    bench_floor: bool = False  # serve /bench/floor, a trivial route: the framework's floor for `make bench`

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls) -> Settings:
        defaults = cls()
        return cls(
            database_url=os.environ.get("REGISTRY_DATABASE_URL", defaults.database_url),
            host=os.environ.get("REGISTRY_HOST", defaults.host),
            port=int(os.environ.get("REGISTRY_PORT", defaults.port)),
            secret_key=os.environ.get("REGISTRY_SECRET_KEY", defaults.secret_key),
            env=os.environ.get("REGISTRY_ENV", defaults.env),
            debug=_env_bool("REGISTRY_DEBUG", defaults.debug),
            default_language=os.environ.get("REGISTRY_LANGUAGE", defaults.default_language),
            echo_sql=_env_bool("REGISTRY_ECHO_SQL", defaults.echo_sql),
            statement_timeout_seconds=float(
                os.environ.get("REGISTRY_STATEMENT_TIMEOUT", defaults.statement_timeout_seconds)
            ),
            smtp_host=os.environ.get("REGISTRY_SMTP_HOST", defaults.smtp_host),
            smtp_port=int(os.environ.get("REGISTRY_SMTP_PORT", defaults.smtp_port)),
            smtp_user=os.environ.get("REGISTRY_SMTP_USER", defaults.smtp_user),
            smtp_password=os.environ.get("REGISTRY_SMTP_PASSWORD", defaults.smtp_password),
            smtp_from=os.environ.get("REGISTRY_SMTP_FROM", defaults.smtp_from),
            smtp_starttls=_env_bool("REGISTRY_SMTP_STARTTLS", defaults.smtp_starttls),
            mail_retry_seconds=int(os.environ.get("REGISTRY_MAIL_RETRY_SECONDS", defaults.mail_retry_seconds)),
            public_url=os.environ.get("REGISTRY_PUBLIC_URL", defaults.public_url).rstrip("/"),
            bench_floor=_env_bool("REGISTRY_BENCH_FLOOR", defaults.bench_floor),
        )

    def check_production(self) -> list[str]:
        """What makes these settings unfit for a production start."""
        problems = []
        if self.secret_key == DEFAULT_SECRET_KEY:
            problems.append("REGISTRY_SECRET_KEY is the default demo key; set a long random value.")
        if len(self.secret_key) < 32:
            problems.append("REGISTRY_SECRET_KEY must be at least 32 characters.")
        return problems


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)
