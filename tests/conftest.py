"""Test fixtures: every test that touches the database runs on SQLite and on a real PostgreSQL.

Each database test gets a fresh database, migrated and seeded: copied from a template file on SQLite,
created from a template database on PostgreSQL (both made once per test process).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("REGISTRY_ENV", "test")

import psycopg
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar.testing import TestClient

from registry.app import create_app
from registry.cli import _in_session, _load_seed
from registry.config import Settings
from registry.db import migrate
from registry.db.versioned import VersionedCache
from registry.demo import DEMO_PASSWORD, load_demo
from tests.postgres import PostgresServer

ENGINES = ["sqlite", "postgresql"]
_counter = itertools.count()


def prepare(url: str, *, demo: bool = True, needs: int = 0) -> None:
    """Migrate, load the seed and (unless told not to) the demo people with an account per role;
    with `needs`, also that many demo needs (registry/needs/demo.py; needs the demo people)."""
    migrate.upgrade(url)
    settings = Settings(database_url=url)
    asyncio.run(_load_seed(settings))
    if demo:
        from registry.processes.demo import load_demo_processes

        asyncio.run(_in_session(settings, load_demo))
        asyncio.run(_in_session(settings, load_demo_processes))
    if needs:
        from registry.needs.demo import load_demo_needs

        asyncio.run(_in_session(settings, lambda session: load_demo_needs(session, needs)))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE registry_template")
    prepare(server.url("registry_template"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.db"
    prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


# A test's database lives at one of a few fixed addresses per test process ("slots"), reset from the
# template when a test takes it. A fixed address lets every test on it share one application (see
# open_client): building the application costs more than most tests.
_free_slots: dict[str, list[int]] = {"sqlite": [], "postgresql": []}
_slot_count: dict[str, int] = {"sqlite": 0, "postgresql": 0}


def _take_slot(engine_name: str) -> int:
    free = _free_slots[engine_name]
    if free:
        free.sort()
        return free.pop(0)
    _slot_count[engine_name] += 1
    return _slot_count[engine_name] - 1


@contextmanager
def fresh_database(engine_name: str, request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A migrated and seeded database of its own for the duration of the block."""
    slot = _take_slot(engine_name)
    VersionedCache.forget_everything()  # results kept for the previous database at this address
    try:
        if engine_name == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            path = template.parent.parent / f"slot-{os.getpid()}-{slot}.db"
            url = f"sqlite:///{path}"
            _release_connections(url)
            for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
                leftover.unlink(missing_ok=True)
            shutil.copy(template, path)
        else:
            server: PostgresServer = request.getfixturevalue("postgres")
            name = f"test_{os.getpid()}_{slot}"
            url = server.url(name)
            _release_connections(url)
            with psycopg.connect(server.url(), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE registry_template')
        yield url
    finally:
        _free_slots[engine_name].append(slot)


@pytest.fixture
def database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated and seeded database for one test."""
    with fresh_database(engine_name, request, tmp_path) as url:
        yield url


@pytest.fixture
def empty_database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no tables) for migration tests."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"empty_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield server.url(name)
    with psycopg.connect(server.url(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, env="test")


# A demo account for every role (see registry/demo.py); None is an anonymous visitor.
ROLE_ACCOUNTS = {
    "anonymous": None,
    "viewer": "lasare",
    "coordinator": "samordnare",
    "steering_member": "styrgrupp",
    "department_head": "chef.it",
    "deputy_head": "stf.chef.it",
    "process_owner": "processagare",
    "admin": "admin",
}


def _add_csrf_header(test_client: TestClient):
    def hook(request) -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS") and "x-csrftoken" not in request.headers:
            token = test_client.cookies.get("registry_csrf")
            if token:
                request.headers["x-csrftoken"] = token

    return hook


# One running application per database address and settings in this process, shared by every client of
# the tests that use that address (each client keeps its own cookies, so its own log-in).
_applications: dict[Settings, TestClient] = {}


def _application(settings: Settings) -> TestClient:
    host = _applications.get(settings)
    if host is None:
        host = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
        host.__enter__()
        _applications[settings] = host
    return host


def _release_connections(url: str) -> None:
    """Close the pooled connections of the applications serving `url`, before its database is replaced."""
    for settings, host in list(_applications.items()):
        if settings.database_url != url:
            continue
        if settings.sends_email:  # its e-mail sender polls the database in the background: stop it
            host.__exit__(None, None, None)
            del _applications[settings]
            continue
        engine = host.app.plugins.get(SQLAlchemyPlugin).config[0].engine_instance
        host.blocking_portal.call(engine.dispose)


@pytest.fixture(scope="session", autouse=True)
def _stop_applications() -> Iterator[None]:
    yield
    for host in _applications.values():
        host.__exit__(None, None, None)
    _applications.clear()


class SharedClient(TestClient):
    """A browser of its own (cookies, log-in) talking to the process's running application for its
    settings; leaving it leaves the application running for the next test."""

    def __init__(self, host: TestClient) -> None:
        super().__init__(host.app, base_url=str(host.base_url))
        self.blocking_portal = host.blocking_portal

    def __enter__(self) -> SharedClient:
        return self

    def __exit__(self, *args) -> None:
        return None


def open_client(settings: Settings, username: str | None) -> TestClient:
    """A browser-like client: follows no redirects, sends the CSRF token like htmx does, logged in
    as `username` (None: anonymous)."""
    test_client = SharedClient(_application(settings))
    test_client.follow_redirects = False  # tests look at the redirect itself (post/redirect/get)
    test_client.get("/health")  # picks up the CSRF cookie
    test_client.event_hooks["request"].append(_add_csrf_header(test_client))
    if username:
        response = test_client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "next": "/"})
        assert response.status_code == 303, f"log-in as {username} failed: {response.status_code}"
    return test_client


@pytest.fixture
def client_as(settings: Settings) -> Iterator:
    """`client_as("coordinator")` is a client logged in with that role's demo account."""
    opened: list[TestClient] = []

    def make(role: str) -> TestClient:
        opened.append(open_client(settings, ROLE_ACCOUNTS[role]))
        return opened[-1]

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)


@pytest.fixture
def client(client_as) -> TestClient:
    """A client logged in as an administrator (who may use every route)."""
    return client_as("admin")


@pytest.fixture
def anonymous_client(client_as) -> TestClient:
    return client_as("anonymous")


def csrf_token(client: TestClient) -> str:
    """The CSRF token a browser would send back: from the cookie set by any page."""
    if "registry_csrf" not in client.cookies:
        client.get("/")
    return client.cookies["registry_csrf"]


def post_form(client: TestClient, url: str, data: dict | list, **kwargs):
    """Post a form the way a browser does, CSRF token included."""
    if isinstance(data, dict):
        data = list(data.items())
    fields = [(key, value) for key, value in data] + [("_csrf_token", csrf_token(client))]
    body = "&".join(f"{_quote(k)}={_quote(str(v))}" for k, v in fields)
    headers = {"content-type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
    return client.post(url, content=body, headers=headers, **kwargs)


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last in a process: once Playwright's event loop runs, the asyncio.run() that
    other tests' set-up uses is refused. (`make test` runs them in a second pytest run of their own.)"""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
