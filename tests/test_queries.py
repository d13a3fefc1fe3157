"""Pages and API lists cost the same number of SQL statements however large the register grows (no N+1).

Statements are counted at the driver (SQLAlchemy's `before_cursor_execute`, for every engine) and
only those sent to this test's database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from registry.config import sync_url
from registry.db import models as m

MEASURED = [
    "/",
    "/overview",
    "/notifications",
    "/follow-up",
    "/calendar",
    "/areas",
    "/departments",
    "/areas/styrning",
    "/departments/hr",
    "/areas/styrning/edit",
    "/departments/hr/edit",
    "/api/v1/areas",
    "/api/v1/departments",
    "/api/v1/areas/styrning",
    "/api/v1/departments/hr",
    "/graph",
]
EXTRA = 20


@contextmanager
def statements_to(database_url: str) -> Iterator[list[str]]:
    """Collect the SQL statements sent to one database while the block runs."""
    database = make_url(sync_url(database_url)).database
    seen: list[str] = []

    def count(connection, cursor, statement, parameters, context, executemany):
        # The log-in session's last-seen time is written at most once a minute, whatever the page, in
        # a short transaction of its own: it depends on the clock, not on the size of the register, so
        # it is left out. So is the BEGIN that opens a transaction: on SQLite the engine sends it
        # itself (BEGIN or BEGIN IMMEDIATE, see registry.db.engine), on PostgreSQL the driver does,
        # unseen here; the questions asked are what is counted.
        if connection.engine.url.database == database and not statement.lstrip().upper().startswith(
            ("UPDATE USER_SESSION", "BEGIN")
        ):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def statements_for(client, database_url: str, url: str) -> int:
    client.get(url)  # warm up: the first request on a connection may set it up
    with statements_to(database_url) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


def grow_the_register(client, database_url: str, batch: str, size: int) -> None:
    """Add `size` departments and areas, each in several of the other kind, and people in every role."""
    engine = create_engine(sync_url(database_url))
    with Session(engine) as session:
        people = [
            m.Person(name=f"Person {batch}{n}", title="Chef", email=f"{batch}{n}@example.org") for n in range(size)
        ]
        session.add_all(people)
        session.commit()
        person_ids = [person.id for person in people]
    engine.dispose()

    area_ids = [a["id"] for a in client.get("/api/v1/areas").json()]
    for n in range(size):
        response = client.post(
            "/api/v1/departments",
            json={
                "name": f"Avd. {batch}{n}",
                "slug": f"avd-{batch}{n}",
                "head_id": person_ids[n],
                "area_ids": area_ids[: 1 + n % 6],
            },
        )
        assert response.status_code == 201, response.text
    department_ids = [d["id"] for d in client.get("/api/v1/departments").json()]
    for n in range(size):
        response = client.post(
            "/api/v1/areas",
            json={
                "name": f"VSO {batch}{n}",
                "slug": f"vso-{batch}{n}",
                "responsible_head_id": person_ids[n],
                "department_ids": department_ids[n : n + 5],
            },
        )
        assert response.status_code == 201, response.text
    # The two measured detail pages show every department, every area.
    assert client.patch("/api/v1/areas/styrning", json={"department_ids": department_ids}).status_code == 200
    all_areas = [a["id"] for a in client.get("/api/v1/areas").json()]
    assert (
        client.patch("/api/v1/departments/hr", json={"area_ids": all_areas, "head_id": person_ids[0]}).status_code
        == 200
    )

    hr = client.get("/api/v1/departments/hr").json()["id"]
    engine = create_engine(sync_url(database_url))
    with Session(engine) as session:
        for area_id in all_areas:
            group = session.scalar(select(m.SteeringGroup).where(m.SteeringGroup.area_id == area_id))
            arena = session.scalar(select(m.DialogueArena).where(m.DialogueArena.area_id == area_id))
            for person_id in person_ids[:3]:
                session.add(m.AreaCoordinator(area_id=area_id, person_id=person_id))
                session.add(m.SteeringGroupMember(steering_group_id=group.id, person_id=person_id))
            institution = m.Institution(
                name=f"Institution {batch}{area_id}", short_name="", slug=f"inst-{batch}{area_id}"
            )
            session.add(institution)
            session.flush()
            session.add(
                m.DialogueArenaParticipant(
                    arena_id=arena.id,
                    side=m.ArenaSide.institution,
                    institution_id=institution.id,
                    person_id=person_ids[-1],
                    role="Studierektor",
                )
            )
            session.add(
                m.DialogueArenaParticipant(
                    arena_id=arena.id, side=m.ArenaSide.support, department_id=hr, person_id=person_ids[0]
                )
            )
        session.commit()
    engine.dispose()


def test_statement_counts_do_not_grow_with_the_register(client, database_url):
    # First a small register with something in every relationship, so that every loader has rows to load …
    grow_the_register(client, database_url, "a", 3)
    before = {url: statements_for(client, database_url, url) for url in MEASURED}
    # … then one that is several times larger.
    grow_the_register(client, database_url, "b", EXTRA)
    assert len(client.get("/api/v1/departments").json()) == 8 + 3 + EXTRA
    assert len(client.get("/api/v1/areas").json()) == 6 + 3 + EXTRA
    assert len(client.get("/api/v1/areas/styrning").json()["departments"]) == 8 + 3 + EXTRA
    assert len(client.get("/api/v1/departments/hr").json()["areas"]) == 6 + 3 + EXTRA

    after = {url: statements_for(client, database_url, url) for url in MEASURED}
    assert after == before


@contextmanager
def connections_checked_out() -> Iterator[list[object]]:
    """Collect the database connections checked out (opened, or taken from a pool) while the block
    runs; only the app's engine works during a request."""
    seen: list[object] = []

    def checkout(dbapi_connection, record, proxy):
        seen.append(record)

    event.listen(Pool, "checkout", checkout)
    try:
        yield seen
    finally:
        event.remove(Pool, "checkout", checkout)


def test_the_log_in_costs_one_session_and_two_statements_and_health_none(client, database_url):
    client.get("/needs")
    with statements_to(database_url) as logged_in, connections_checked_out() as connections:
        assert client.get("/people").status_code == 200
    # The page reads the log-in through its own session: one connection for the whole request …
    assert len(connections) == 1
    # … and the session, account, person and every role (heads' areas included) in two statements.
    log_in = [s for s in logged_in if "user_session" in s.lower() or "role_assignment" in s.lower()]
    assert len(log_in) == 2, log_in
    # /health asks the database one question and never looks at the log-in.
    with statements_to(database_url) as health:
        assert client.get("/health").status_code == 200
    assert len(health) == 1, health


def test_the_last_seen_write_is_committed_before_the_page_reads(client, database_url, monkeypatch):
    """The log-in is read through the request's own session, so the once-a-minute last-seen write
    is ended there and then: a reading request does not hold SQLite's write lock while its page is made."""
    from registry.accounts import sessions

    monkeypatch.setattr(sessions, "TOUCH_EVERY", timedelta(0))  # write it on this request
    database = make_url(sync_url(database_url)).database
    events: list[str] = []

    def statement(connection, cursor, text, parameters, context, executemany):
        if connection.engine.url.database == database:
            events.append(text.lstrip().split()[0].upper() + (" user_session" if "user_session" in text else ""))

    def commit(connection):
        if connection.engine.url.database == database:
            events.append("COMMIT")

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    try:
        assert client.get("/people").status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "commit", commit)
    write = events.index("UPDATE user_session")
    assert events[write + 1] == "COMMIT", events
