"""The start page at `/`: what awaits each role, what became of one's own needs since the last visit,
and a fixed number of queries whatever the size of the registry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from registry.db import models as m
from tests.conftest import open_client
from tests.database import insert_need, scalar, sql
from tests.htmlpage import parse
from tests.test_queries import statements_to

ENGLISH = {"Accept-Language": "en"}


def _id(url, model, slug):
    return scalar(url, select(model.id).where(model.slug == slug))


def _person(url, username):
    return scalar(url, select(m.Account.person_id).where(m.Account.username == username))


def _need(url, area_slug, title, state="submitted", **values):
    area_id = _id(url, m.SupportArea, area_slug) if area_slug else None
    need_id = scalar(url, insert_need(area_id, title, state))
    if values:
        sql(url, update(m.Need).where(m.Need.id == need_id).values(**values))
    return need_id


def _section(client, heading_id):
    response = client.get("/", headers=ENGLISH)
    assert response.status_code == 200
    found = parse(response.text).find_all("section", aria_labelledby=heading_id)
    return found[0] if found else None


def _links(section) -> set[str]:
    return {a.get("href") for a in section.find_all("a")}


def test_a_visitor_sees_the_public_overview_and_staff_find_it_at_its_own_address(anonymous_client, client):
    visitor = parse(anonymous_client.get("/", headers=ENGLISH).text)
    assert visitor.find("table", class_="matrix") is not None
    own = parse(client.get("/overview", headers=ENGLISH).text)
    assert own.find("table", class_="matrix") is not None
    start = parse(client.get("/", headers=ENGLISH).text)
    assert not start.find_all("table", class_="matrix")
    assert "What awaits you" in start.find("h1").text
    assert start.find_all("a", href="/overview")


def test_a_coordinator_sees_needs_to_clarify_in_their_areas_and_unrouted_ones(client_as, database_url):
    mine = _need(database_url, "infrastruktur", "Skrivare på plan 3")
    clarified = _need(database_url, "infrastruktur", "Wifi i aulan", state="clarified")
    unrouted = _need(database_url, None, "Oklart ärende")
    elsewhere = _need(database_url, "utbildning", "Schemaläggning")
    ready = _need(database_url, "infrastruktur", "Redo för styrgruppen", state="ready")
    section = _section(client_as("coordinator"), "clarify-heading")
    links = _links(section)
    assert {f"/needs/{mine}", f"/needs/{clarified}", f"/needs/{unrouted}"} <= links
    assert f"/needs/{elsewhere}" not in links and f"/needs/{ready}" not in links
    assert "Not routed yet" in section.text
    # A steering-group member who coordinates nothing has no such section.
    assert _section(client_as("steering_member"), "clarify-heading") is None


def test_a_steering_member_sees_what_they_have_still_to_score_and_the_next_meeting(client_as, database_url):
    scored = _need(database_url, "infrastruktur", "Redan poängsatt", state="ready")
    unscored = _need(database_url, "infrastruktur", "Inte poängsatt", state="ready")
    elsewhere = _need(database_url, "utbildning", "Annat område", state="ready")
    sql(
        database_url,
        m.NeedScore.__table__.insert().values(
            need_id=scored,
            rater_id=_person(database_url, "styrgrupp"),
            rater_name="Styrgrupp",
            benefit=2,
            urgency=1,
            risk_reduction=1,
            alignment={},
            comment="",
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    area = _id(database_url, m.SupportArea, "infrastruktur")
    for title, held_on in (
        ("Förra mötet", date.today() - timedelta(days=7)),
        ("Nästa möte", date.today() + timedelta(days=9)),
    ):
        sql(
            database_url,
            m.Meeting.__table__.insert().values(
                area_id=area,
                forum="steering_group",
                title=title,
                held_on=held_on,
                location="Sal 1",
                state="planned",
                closed_by_name="",
                created_at=func.now(),
                updated_at=func.now(),
            ),
        )
    section = _section(client_as("steering_member"), "score-heading")
    links = _links(section)
    assert f"/needs/{unscored}/scores" in links
    assert f"/needs/{scored}/scores" not in links and f"/needs/{elsewhere}/scores" not in links
    assert "Nästa möte" in section.text and "Förra mötet" not in section.text


def test_a_head_and_a_deputy_see_the_decisions_awaiting_their_department(client_as, database_url):
    need = _need(database_url, "infrastruktur", "Ny brandvägg", state="recommended")
    other = _need(database_url, "infrastruktur", "Inte vår avdelning", state="recommended")
    it, hr = _id(database_url, m.Department, "it-och-digital-infrastruktur"), _id(database_url, m.Department, "hr")
    for need_id, department_id in ((need, it), (other, hr)):
        sql(
            database_url,
            m.NeedDepartment.__table__.insert().values(
                need_id=need_id, department_id=department_id, role="lead", created_at=func.now(), updated_at=func.now()
            ),
        )
    for role in ("department_head", "deputy_head"):
        section = _section(client_as(role), "decide-heading")
        assert f"/needs/{need}#decisions" in _links(section), role
        assert f"/needs/{other}#decisions" not in _links(section), role
    assert _section(client_as("coordinator"), "decide-heading") is None


def test_a_process_owner_sees_mandates_to_approve_and_ending_and_measurements_due(client_as, database_url):
    process = scalar(database_url, select(m.Process.id).where(m.Process.slug == "antagning"))
    latest = scalar(database_url, select(func.max(m.Mandate.version)).where(m.Mandate.process_id == process))
    sql(
        database_url,
        m.Mandate.__table__.insert().values(
            process_id=process,
            version=latest + 1,
            purpose="Nytt",
            scope="",
            goals="",
            deliverables="",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=365),
            reporting="",
            resources="",
            drafted_by_name="Processansvarig",
            approved_by_name="",
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    benefit = scalar(
        database_url,
        m.Benefit.__table__.insert()
        .values(
            process_id=process,
            benefit_type="time",
            indicator="Handläggningstid antagning",
            description="",
            unit="dagar",
            baseline=10,
            target=5,
            starts_on=date.today() - timedelta(days=100),
            target_date=date.today() + timedelta(days=300),
            method="",
            frequency="monthly",
            created_at=func.now(),
            updated_at=func.now(),
        )
        .returning(m.Benefit.__table__.c.id),
    )
    owner = client_as("process_owner")
    mandates = _section(owner, "mandates-heading")
    assert f"/processes/antagning/mandate/{latest + 1}" in _links(mandates)
    assert "Awaits your approval" in mandates.text
    # The demo customer service's approved mandate ends within 40 days.
    assert "/processes/kundtjanst-infrastruktur/mandate/new" in _links(mandates)
    due = _section(owner, "measure-heading")
    assert f"/benefits/{benefit}#measurements-heading" in _links(due)
    # Measured today: not due any more.
    sql(
        database_url,
        m.Measurement.__table__.insert().values(
            benefit_id=benefit,
            measured_on=date.today(),
            value=9,
            note="",
            recorded_by_name="",
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    due = _section(owner, "measure-heading")
    assert due is None or f"/benefits/{benefit}#measurements-heading" not in _links(due)
    # The process responsible does not approve: the draft is not theirs to approve.
    responsible = _section(client_as("coordinator"), "mandates-heading")
    assert f"/processes/antagning/mandate/{latest + 1}" not in _links(responsible)


def test_my_needs_and_what_happened_to_them_since_my_last_visit(settings, client_as, database_url):
    viewer = client_as("viewer")
    response = viewer.post(
        "/intake", data={"raised_by_name": "Lars Läsare", "title": "Bättre kaffe", "description": "Kaffet är kallt."}
    )
    assert response.status_code == 303, response.text[:500]
    need = scalar(database_url, select(m.Need.id).where(m.Need.title == "Bättre kaffe"))
    sql(
        database_url,
        update(m.Need)
        .where(m.Need.id == need)
        .values(owning_area_id=_id(database_url, m.SupportArea, "infrastruktur")),
    )
    mine = _section(viewer, "mine-heading")
    assert f"/needs/{need}" in _links(mine)
    # One's own submission is no news.
    assert _section(viewer, "happened-heading").find_all("table") == []
    coordinator = client_as("coordinator")
    assert (
        coordinator.post(
            f"/needs/{need}/transition", data={"state": "clarified", "comment": "Vi tittar på det"}
        ).status_code
        == 303
    )
    happened = _section(viewer, "happened-heading")
    assert f"/needs/{need}" in _links(happened)
    assert "Clarified" in happened.text and "Vi tittar på det" in happened.text
    # A new visit (a new log-in) after the move: the move happened before it, so it is no news.
    sql(database_url, update(m.UserSession).values(last_seen_at=datetime.now(UTC) + timedelta(minutes=1)))
    later = open_client(settings, "lasare")
    try:
        happened = _section(later, "happened-heading")
        assert happened.find_all("table") == []
        assert f"/needs/{need}" in _links(_section(later, "mine-heading"))
    finally:
        later.__exit__(None, None, None)


@pytest.mark.parametrize("role", ["coordinator", "steering_member", "department_head", "process_owner", "viewer"])
def test_the_start_page_costs_the_same_queries_whatever_the_number_of_needs(client_as, database_url, role):
    user = client_as(role)

    def count() -> int:
        user.get("/")
        with statements_to(database_url) as seen:
            assert user.get("/").status_code == 200
        return len(seen)

    few = count()
    person = _person(
        database_url,
        {
            "coordinator": "samordnare",
            "steering_member": "styrgrupp",
            "department_head": "chef.it",
            "process_owner": "processagare",
            "viewer": "lasare",
        }[role],
    )
    it = _id(database_url, m.Department, "it-och-digital-infrastruktur")
    for n, state in enumerate(["submitted", "clarified", "ready", "recommended"] * 10):
        need = _need(database_url, "infrastruktur", f"Behov {n}", state=state, submitted_by_id=person)
        sql(
            database_url,
            m.NeedDepartment.__table__.insert().values(
                need_id=need, department_id=it, role="lead", created_at=func.now(), updated_at=func.now()
            ),
        )
        sql(
            database_url,
            m.NeedTransition.__table__.insert().values(
                need_id=need,
                from_state=None,
                to_state=state,
                actor_name="Någon annan",
                comment="",
                created_at=func.now(),
                updated_at=func.now(),
            ),
        )
    assert count() == few
