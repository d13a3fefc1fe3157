"""Who may do what: every role, and an anonymous visitor, against every route and method.

Allowed cells succeed; denied cells get 401/redirect to log-in (anonymous), 403 (logged in, wrong role),
and a denied write leaves the database exactly as it was. Each allowed write adds exactly one record
to the change log. Later issues add their routes to ROUTES.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from registry.config import Settings, sync_url
from registry.db import models as m
from tests.conftest import ENGINES, ROLE_ACCOUNTS, fresh_database, open_client

ROLES = list(ROLE_ACCOUNTS)
EVERYONE = set(ROLES)
STAFF = EVERYONE - {"anonymous"}
ADMIN = {"admin"}

# method, path, form or JSON body, who may, whether it writes
ROUTES = [
    ("GET", "/", None, EVERYONE, False),
    ("GET", "/areas", None, EVERYONE, False),
    ("GET", "/areas/infrastruktur", None, EVERYONE, False),
    ("GET", "/departments", None, EVERYONE, False),
    ("GET", "/departments/hr", None, EVERYONE, False),
    ("GET", "/api/v1/areas", None, EVERYONE, False),
    ("GET", "/api/v1/areas/infrastruktur", None, EVERYONE, False),
    ("GET", "/api/v1/departments", None, EVERYONE, False),
    ("GET", "/api/v1/departments/hr", None, EVERYONE, False),
    ("GET", "/health", None, EVERYONE, False),
    ("GET", "/login", None, EVERYONE, False),
    ("GET", "/me", None, STAFF, False),
    ("GET", "/people", None, STAFF, False),
    ("GET", "/people/{person}", None, STAFF, False),
    ("GET", "/changes", None, STAFF, False),
    ("GET", "/changes/export.csv", None, STAFF, False),
    ("GET", "/areas/new", None, ADMIN, False),
    ("GET", "/areas/infrastruktur/edit", None, ADMIN, False),
    ("GET", "/areas/infrastruktur/delete", None, ADMIN, False),
    ("GET", "/departments/new", None, ADMIN, False),
    ("GET", "/departments/hr/edit", None, ADMIN, False),
    ("GET", "/departments/hr/delete", None, ADMIN, False),
    ("GET", "/people/new", None, ADMIN, False),
    ("GET", "/people/{person}/edit", None, ADMIN, False),
    ("GET", "/people/{person}/account", None, ADMIN, False),
    ("POST", "/areas/new", {"name": "VSO för matris", "department_ids": "{hr}"}, ADMIN, True),
    (
        "POST",
        "/areas/infrastruktur/edit",
        {"name": "VSO för infrastruktur", "purpose": "Ny", "department_ids": "{hr}"},
        ADMIN,
        True,
    ),
    ("POST", "/areas/infrastruktur/delete", {}, ADMIN, True),
    ("POST", "/departments/new", {"name": "Avd. för matris"}, ADMIN, True),
    ("POST", "/departments/hr/edit", {"name": "Avd. för HR", "description": "Ny"}, ADMIN, True),
    ("POST", "/departments/hr/delete", {}, ADMIN, True),
    ("POST", "/people/new", {"name": "Ny Person"}, ADMIN, True),
    ("POST", "/people/{person}/edit", {"name": "Nils Läsare", "title": "Ny titel"}, ADMIN, True),
    ("POST", "/people/{person}/roles", {"role": "process_owner"}, ADMIN, True),
    ("POST", "/people/{person}/roles/{assignment}/delete", {}, ADMIN, True),
    ("POST", "/people/{newcomer}/account", {"username": "ny.person", "password": "ett-langt-losenord"}, ADMIN, True),
    ("POST", "/people/{person}/account/active", {"active": "0"}, ADMIN, True),
    ("POST", "/api/v1/areas", {"json": {"name": "VSO för API"}}, ADMIN, True),
    ("PATCH", "/api/v1/areas/infrastruktur", {"json": {"purpose": "Ny"}}, ADMIN, True),
    ("DELETE", "/api/v1/areas/infrastruktur", None, ADMIN, True),
    ("POST", "/api/v1/departments", {"json": {"name": "Avd. för API"}}, ADMIN, True),
    ("PATCH", "/api/v1/departments/hr", {"json": {"description": "Ny"}}, ADMIN, True),
    ("DELETE", "/api/v1/departments/hr", None, ADMIN, True),
]


def _ids(database_url: str) -> dict[str, int]:
    engine = create_engine(sync_url(database_url))
    with engine.begin() as connection:
        person = connection.execute(select(m.Account.person_id).where(m.Account.username == "lasare")).scalar_one()
        assignment = connection.execute(
            select(m.RoleAssignment.id).where(m.RoleAssignment.person_id == person)
        ).scalar_one()
        hr = connection.execute(select(m.Department.id).where(m.Department.slug == "hr")).scalar_one()
        newcomer = connection.execute(
            m.Person.__table__.insert()
            .values(name="Utan Konto", title="", created_at=func.now(), updated_at=func.now())
            .returning(m.Person.__table__.c.id)
        ).scalar_one()
    engine.dispose()
    return {"person": person, "assignment": assignment, "hr": hr, "newcomer": newcomer}


def _fingerprint(database_url: str) -> dict[str, object]:
    """Everything a write could change, to compare before and after a request."""
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        state = {
            table.name: connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in m.metadata.sorted_tables
            if table.name not in ("user_session", "login_attempt")
        }
    engine.dispose()
    return state


def _change_count(database_url: str) -> int:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM change_record")).scalar_one()
    engine.dispose()
    return count


def _send(client, method: str, path: str, body):
    if body is None:
        return client.request(method, path)
    if "json" in body:
        return client.request(method, path, json=body["json"])
    return client.request(method, path, data=body)


@pytest.fixture(scope="module", params=ENGINES)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One database and one logged-in client per role, for the cells that must change nothing:
    reads, and writes by roles that may not write (whose fingerprint is checked below)."""
    with fresh_database(request.param, request, tmp_path_factory.mktemp("shared")) as url:
        ids = _ids(url)
        settings = Settings(database_url=url, env="test")
        clients = {role: open_client(settings, ROLE_ACCOUNTS[role]) for role in ROLES}
        yield request.param, url, ids, clients
        for test_client in clients.values():
            test_client.__exit__(None, None, None)


@pytest.fixture
def cell(request: pytest.FixtureRequest, shared, tmp_path):
    """The database and client for one cell: a fresh database for an allowed write, else the shared one."""
    role, allowed, writes = request.param
    engine_name, url, ids, clients = shared
    if not (writes and role in allowed):
        yield url, ids, clients[role]
        return
    with fresh_database(engine_name, request, tmp_path) as own_url:
        own_ids = _ids(own_url)
        own_client = open_client(Settings(database_url=own_url, env="test"), ROLE_ACCOUNTS[role])
        yield own_url, own_ids, own_client
        own_client.__exit__(None, None, None)


CELLS = [
    pytest.param((role, route[3], route[4]), role, *route, id=f"{route[0]} {route[1]} as {role}")
    for route in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("cell", "role", "method", "path", "body", "allowed", "writes"), CELLS, indirect=["cell"])
def test_access_matrix(cell, role, method, path, body, allowed, writes):
    database_url, ids, client = cell
    path = path.format(**ids)
    if isinstance(body, dict) and "json" not in body:
        body = {key: value.format(**ids) for key, value in body.items()}
    before = _fingerprint(database_url) if writes else None
    changes_before = _change_count(database_url)

    response = _send(client, method, path, body)

    if role in allowed:
        assert response.status_code in (200, 201, 204, 303), (response.status_code, response.text[:500])
        if response.status_code == 303:
            assert not response.headers["location"].startswith("/login")
        if writes:
            assert _change_count(database_url) == changes_before + 1, "one change record per write"
        return
    if role == "anonymous":
        if path.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])
        assert "Traceback" not in response.text
    if writes:
        assert _fingerprint(database_url) == before, "a denied write changed the database"


def test_pages_show_no_control_the_reader_cannot_use(client_as):
    viewer = client_as("viewer")
    for path in ("/areas", "/areas/infrastruktur", "/departments", "/departments/hr"):
        page = viewer.get(path).text
        assert "/edit" not in page and "/delete" not in page and "/new" not in page, path
    admin = client_as("admin")
    page = admin.get("/areas/infrastruktur").text
    assert "/areas/infrastruktur/edit" in page and "/areas/infrastruktur/delete" in page
