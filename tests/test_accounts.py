"""Log-in, sessions and the change log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from registry.accounts import sessions
from registry.db import models as m
from registry.demo import DEMO_PASSWORD
from tests.conftest import open_client
from tests.database import sql as _sql


def test_password_is_stored_as_an_argon2_hash(database_url):
    (hash_value,) = _sql(database_url, select(m.Account.password_hash).where(m.Account.username == "admin"))[0]
    assert hash_value.startswith("$argon2id$")
    assert DEMO_PASSWORD not in hash_value


def test_log_in_sets_a_new_httponly_samesite_session_cookie(anonymous_client):
    response = anonymous_client.post("/login", data={"username": "lasare", "password": DEMO_PASSWORD, "next": "/me"})
    assert response.status_code == 303 and response.headers["location"] == "/me"
    cookie = response.headers["set-cookie"]
    assert "registry_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    first = anonymous_client.cookies["registry_session"]
    anonymous_client.post("/login", data={"username": "lasare", "password": DEMO_PASSWORD})
    assert anonymous_client.cookies["registry_session"] != first, "a new session id at every log-in"
    assert anonymous_client.get("/me").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(anonymous_client):
    response = anonymous_client.post("/login", data={"username": "lasare", "password": "fel"})
    assert response.status_code == 401
    unknown = anonymous_client.post("/login", data={"username": "finns.inte", "password": "fel"})
    assert unknown.status_code == 401
    assert "registry_session" not in anonymous_client.cookies


def test_log_in_attempts_are_rate_limited(anonymous_client):
    for _ in range(sessions.FREE_FAILURES):
        assert anonymous_client.post("/login", data={"username": "lasare", "password": "fel"}).status_code == 401
    blocked = anonymous_client.post("/login", data={"username": "lasare", "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    assert "registry_session" not in anonymous_client.cookies


def test_log_out_ends_the_session_on_the_server(client, database_url):
    token = client.cookies["registry_session"]
    assert client.post("/logout").status_code == 303
    client.cookies.set("registry_session", token)  # a stolen copy of the cookie is worthless now
    assert client.get("/me").status_code == 303


def test_idle_and_absolute_timeouts_end_a_session(client_as, database_url):
    viewer = client_as("viewer")
    assert viewer.get("/me").status_code == 200
    _sql(
        database_url,
        update(m.UserSession).values(last_seen_at=sessions.now() - sessions.IDLE_TIMEOUT - timedelta(minutes=1)),
    )
    assert viewer.get("/me").status_code == 303
    other = client_as("viewer")
    _sql(
        database_url,
        update(m.UserSession)
        .where(m.UserSession.revoked_at.is_(None))
        .values(expires_at=sessions.now() - timedelta(seconds=1)),
    )
    assert other.get("/me").status_code == 303


def test_disabling_an_account_ends_all_its_sessions(client_as, database_url):
    first, second = client_as("viewer"), client_as("viewer")
    assert first.get("/me").status_code == 200 and second.get("/me").status_code == 200
    person_id = _sql(database_url, select(m.Account.person_id).where(m.Account.username == "lasare"))[0][0]
    admin = client_as("admin")
    assert admin.post(f"/people/{person_id}/account/active", data={"active": "0"}).status_code == 303
    assert first.get("/me").status_code == 303 and second.get("/me").status_code == 303
    assert (
        client_as("anonymous").post("/login", data={"username": "lasare", "password": DEMO_PASSWORD}).status_code == 401
    )


def test_csrf_token_is_required_for_every_state_changing_request(settings, database_url):
    admin = open_client(settings, "admin")
    try:
        admin.event_hooks["request"].clear()  # stop sending the token
        before = _sql(database_url, text("SELECT count(*) FROM change_record"))[0][0]
        assert admin.post("/departments/hr/edit", data={"name": "Hackad"}).status_code == 403
        assert admin.post("/api/v1/departments", json={"name": "Hackad"}).status_code == 403
        assert (
            admin.post("/departments/hr/edit", data={"name": "Hackad"}, headers={"HX-Request": "true"}).status_code
            == 403
        )
        assert _sql(database_url, text("SELECT count(*) FROM change_record"))[0][0] == before
    finally:
        admin.__exit__(None, None, None)


def test_every_response_carries_the_security_headers(anonymous_client):
    for path in ("/", "/login", "/api/v1/areas", "/nowhere"):
        headers = anonymous_client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]


def test_a_change_is_recorded_with_who_what_before_and_after(client, database_url):
    response = client.post(
        "/departments/hr/edit",
        data={"name": "Avd. för HR", "short_name": "HR", "description": "Personalfrågor", "area_ids": []},
    )
    assert response.status_code == 303
    actor, action, before, after, request_id = _sql(
        database_url,
        select(
            m.ChangeRecord.actor_name,
            m.ChangeRecord.action,
            m.ChangeRecord.before,
            m.ChangeRecord.after,
            m.ChangeRecord.request_id,
        )
        .order_by(m.ChangeRecord.id.desc())
        .limit(1),
    )[0]
    assert actor == "Eva Admin" and action == "update"
    assert after["description"] == "Personalfrågor" and before["description"] == ""
    assert after["area_ids"] == [] and len(before["area_ids"]) == 1
    assert request_id == response.headers["x-request-id"]
    page = client.get("/departments/hr").text
    assert "Personalfrågor" in page and "Eva Admin" in page  # the history on the object's page


def test_if_the_change_record_cannot_be_written_the_change_is_rolled_back(client, database_url, monkeypatch):
    from registry.changes import service

    async def broken(*args, **kwargs):
        raise RuntimeError("the change log is unavailable")

    monkeypatch.setattr(service, "record", broken)
    response = client.post("/departments/hr/edit", data={"name": "Avd. för HR", "description": "Ska inte sparas"})
    assert response.status_code == 500
    assert "the change log is unavailable" not in response.text and "Traceback" not in response.text
    description = _sql(database_url, select(m.Department.description).where(m.Department.slug == "hr"))[0][0]
    assert description == ""


def test_change_log_filters_and_exports_csv(client, database_url):
    client.post("/departments/hr/edit", data={"name": "Avd. för HR", "description": "Ny text"})
    page = client.get("/changes", params={"type": "department"}).text
    assert "Avd. för HR" in page
    export = client.get("/changes/export.csv", params={"type": "department"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows and {row["object_type"] for row in rows} == {"department"}
    assert any(row["who"] == "Eva Admin" for row in rows)
    none = client.get("/changes/export.csv", params={"type": "department", "from": "2999-01-01"})
    assert list(csv.DictReader(io.StringIO(none.content.decode("utf-8-sig")), delimiter=";")) == []


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
def test_no_route_edits_or_deletes_a_change_record(client, method):
    assert client.request(method, "/changes").status_code in (404, 405)
    assert client.request(method, "/changes/1").status_code in (404, 405)


def test_error_pages_leak_nothing_and_request_ids_cannot_forge_log_lines(anonymous_client, caplog):
    response = anonymous_client.get("/areas/finns-inte", headers={"x-request-id": "abc\nFAKE LOG LINE"})
    assert response.status_code == 404
    assert "FAKE" not in response.headers["x-request-id"]
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()


def test_me_shows_own_roles_and_recent_activity(client_as):
    head = client_as("department_head")
    page = head.get("/me").text
    assert "Avd. för IT och digital infrastruktur" in page
    admin = client_as("admin")
    admin.post("/departments/hr/edit", data={"name": "Avd. för HR", "description": "Aktivitet"})
    assert "Avd. för HR" in admin.get("/me").text


def test_server_errors_are_logged_with_their_request_id(client, monkeypatch, caplog):
    from registry.changes import service

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "record", broken)
    with caplog.at_level("ERROR", logger="registry"):
        response = client.post(
            "/departments/hr/edit", data={"name": "Avd. för HR"}, headers={"x-request-id": "req-12345678"}
        )
    assert response.status_code == 500
    assert "req-12345678" in response.text
    assert any("request_id=req-12345678" in record.getMessage() for record in caplog.records)


def test_production_start_refuses_the_default_secret_key_and_demo_accounts(database_url, monkeypatch, capsys):
    from registry import cli, config

    monkeypatch.setenv("REGISTRY_DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_ENV", "production")
    config.get_settings.cache_clear()
    try:
        assert cli.main(["serve"]) == 2
        assert "REGISTRY_SECRET_KEY" in capsys.readouterr().err
        monkeypatch.setenv("REGISTRY_SECRET_KEY", "x" * 48)
        config.get_settings.cache_clear()
        assert cli.main(["serve"]) == 2
        assert "Demo accounts" in capsys.readouterr().err
    finally:
        config.get_settings.cache_clear()
