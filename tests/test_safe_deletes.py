"""Deleting a department or area that anything refers to is refused, naming what refers to it, in the
pages (409 page) and in the API (409 problem JSON); nothing disappears with it, not even in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from registry.config import sync_url
from tests.conftest import post_form
from tests.database import insert_need, scalar, sql

EN = {"accept-language": "en"}


def _decide(database_url: str, department_slug: str) -> int:
    """A need affecting the department (10 person-days) with the department's line decision on it."""
    area_id = scalar(database_url, text("SELECT id FROM support_area WHERE slug = 'infrastruktur'"))
    department_id = scalar(database_url, text(f"SELECT id FROM department WHERE slug = '{department_slug}'"))
    need_id = sql(database_url, insert_need(area_id, "Gemensam inloggning", state="approved"))[0][0]
    sql(
        database_url,
        text(
            "INSERT INTO need_department (need_id, department_id, role, effort_days, created_at, updated_at) "
            "VALUES (:need, :department, 'affected', 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"need": need_id, "department": department_id},
    )
    sql(
        database_url,
        text(
            "INSERT INTO line_decision (need_id, department_id, outcome, rationale, committed_days, decided_on, "
            "decided_by_name, created_at, updated_at) VALUES (:need, :department, 'approved', 'Vi gör det', 10, "
            "CURRENT_DATE, 'Chef', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"need": need_id, "department": department_id},
    )
    return department_id


def _counts(database_url: str) -> tuple[int, int, int]:
    return (
        scalar(database_url, text("SELECT count(*) FROM department")),
        scalar(database_url, text("SELECT count(*) FROM line_decision")),
        scalar(database_url, text("SELECT count(*) FROM need_department")),
    )


def test_api_refuses_to_delete_a_department_with_a_line_decision_and_names_what_refers_to_it(client, database_url):
    _decide(database_url, "it-och-digital-infrastruktur")
    before = _counts(database_url)
    response = client.delete("/api/v1/departments/it-och-digital-infrastruktur", headers=EN)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    detail = response.json()["detail"]
    assert "cannot be deleted" in detail
    assert "1 line decision" in detail
    assert "1 need affecting it (with its effort estimate)" in detail
    assert "area membership" in detail
    assert _counts(database_url) == before, "nothing was deleted"
    assert client.get("/api/v1/departments/it-och-digital-infrastruktur").status_code == 200


def test_html_delete_of_a_referred_department_is_a_409_page_with_the_reasons(client, database_url):
    _decide(database_url, "it-och-digital-infrastruktur")
    confirm = client.get("/departments/it-och-digital-infrastruktur/delete", headers=EN)
    assert confirm.status_code == 200
    assert "1 line decision" in confirm.text
    assert 'action="/departments/it-och-digital-infrastruktur/delete"' not in confirm.text, (
        "no delete button for a referred department"
    )

    response = post_form(client, "/departments/it-och-digital-infrastruktur/delete", {}, headers=EN)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "Still in use" in response.text
    assert "1 line decision" in response.text
    assert client.get("/api/v1/departments/it-och-digital-infrastruktur").status_code == 200


def test_api_refuses_to_delete_an_area_with_members_and_steering_group(client, database_url):
    response = client.delete("/api/v1/areas/infrastruktur", headers=EN)
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "area membership" in detail
    assert "steering-group member" in detail
    assert client.get("/api/v1/areas/infrastruktur").status_code == 200


def test_an_area_or_department_nothing_refers_to_is_deleted_with_its_own_parts(client, database_url):
    assert client.post("/api/v1/areas", json={"name": "VSO för juridik", "slug": "juridik"}).status_code == 201
    assert (
        client.post("/api/v1/departments", json={"name": "Avd. för juridik", "slug": "avd-juridik"}).status_code == 201
    )
    assert client.delete("/api/v1/departments/avd-juridik").status_code == 204
    assert client.delete("/api/v1/areas/juridik").status_code == 204
    assert client.get("/api/v1/areas/juridik").status_code == 404
    assert scalar(database_url, text("SELECT count(*) FROM steering_group WHERE name LIKE '%juridik%'")) == 0
    deleted = sql(database_url, text("SELECT object_type FROM change_record WHERE action = 'delete'"))
    assert sorted(row[0] for row in deleted) == ["department", "support_area"]


def test_the_database_itself_refuses_to_cascade_a_delete_onto_a_line_decision(database_url):
    department_id = _decide(database_url, "hr")
    engine = create_engine(sync_url(database_url))
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.execute(text("DELETE FROM department WHERE id = :id"), {"id": department_id})
    finally:
        engine.dispose()
    assert scalar(database_url, text("SELECT count(*) FROM line_decision")) == 1
