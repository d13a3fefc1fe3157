"""Recommendations, line decisions and the decision register in the JSON API, with the pages' rules
(the steering group recommends, only the department's head or deputy decides); SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from registry.db import models as m
from tests.database import insert_need
from tests.database import scalar as _scalar
from tests.database import sql as _sql


def _id(url, model, slug):
    return _scalar(url, select(model.id).where(model.slug == slug))


def _need(url, state="ready"):
    """A need of VSO för infrastruktur affecting the IT department (whose head is chef.it)."""
    need = _scalar(url, insert_need(_id(url, m.SupportArea, "infrastruktur"), "Nytt nätverk", state=state))
    _sql(
        url,
        m.NeedDepartment.__table__.insert().values(
            need_id=need,
            department_id=_id(url, m.Department, "it-och-digital-infrastruktur"),
            role="lead",
            effort_days=10,
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    return need


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def test_recommend_then_decide_moves_the_need_and_fills_the_register(client_as, database_url):
    need = _need(database_url)
    it = _id(database_url, m.Department, "it-och-digital-infrastruktur")
    recommended = client_as("steering_member").post(
        f"/api/v1/needs/{need}/recommendations", json={"outcome": "now", "rationale": "Bär strategin"}
    )
    assert recommended.status_code == 201, recommended.text
    assert recommended.json()["outcome"] == "now" and recommended.json()["recorded_on"] == date.today().isoformat()
    head = client_as("department_head")
    record = head.get(f"/api/v1/needs/{need}/decisions").json()
    assert record["state"] == "recommended" and record["pending_department_ids"] == [it]
    assert record["lines"][0]["may_decide"] is True
    decided = head.post(
        f"/api/v1/needs/{need}/decisions",
        json={"department_id": it, "outcome": "approve", "rationale": "Vi gör det", "committed_days": 12.5},
    )
    assert decided.status_code == 201, decided.text
    assert decided.json()["committed_days"] == 12.5
    record = client_as("viewer").get(f"/api/v1/needs/{need}/decisions").json()
    assert record["state"] == "approved" and record["lines"][0]["current"]["id"] == decided.json()["id"]
    register = client_as("viewer").get("/api/v1/decisions", params={"department": it, "kind": "decision"}).json()
    assert [(row["kind"], row["need_id"]) for row in register["rows"]] == [("decision", need)]
    both = client_as("viewer").get("/api/v1/decisions").json()
    assert {row["kind"] for row in both["rows"] if row["need_id"] == need} == {"recommendation", "decision"}


def test_only_the_steering_group_recommends_and_only_the_head_decides(client_as, database_url):
    need = _need(database_url)
    it = _id(database_url, m.Department, "it-och-digital-infrastruktur")
    advice = {"outcome": "now", "rationale": "Viktigt"}
    assert client_as("viewer").post(f"/api/v1/needs/{need}/recommendations", json=advice).status_code == 403
    assert client_as("steering_member").post(f"/api/v1/needs/{need}/recommendations", json=advice).status_code == 201
    decision = {"department_id": it, "outcome": "reject", "rationale": "Inte nu"}
    assert client_as("admin").post(f"/api/v1/needs/{need}/decisions", json=decision).status_code == 403
    assert client_as("coordinator").post(f"/api/v1/needs/{need}/decisions", json=decision).status_code == 403
    assert client_as("deputy_head").post(f"/api/v1/needs/{need}/decisions", json=decision).status_code == 201
    assert client_as("anonymous").get(f"/api/v1/needs/{need}/decisions").status_code == 401


def test_wrong_values_are_named(client_as, database_url):
    need = _need(database_url)
    it = _id(database_url, m.Department, "it-och-digital-infrastruktur")
    member = client_as("steering_member")
    wrong = member.post(
        f"/api/v1/needs/{need}/recommendations",
        json={"outcome": "soon", "rationale": "", "recorded_on": (date.today() + timedelta(days=3)).isoformat()},
    )
    assert wrong.status_code == 422 and _fields(wrong) == {"outcome", "rationale", "recorded_on"}
    assert member.post(f"/api/v1/needs/{need}/recommendations", json={"outcome": "now"}).status_code == 400
    head = client_as("department_head")
    early = head.post(
        f"/api/v1/needs/{need}/decisions", json={"department_id": it, "outcome": "approve", "rationale": "Ja"}
    )
    assert early.status_code == 422 and {"state", "committed_days"} <= _fields(early)
    huge = head.post(f"/api/v1/needs/{need}/decisions", json={"department_id": 2**63, "outcome": "x", "rationale": ""})
    assert huge.status_code == 400 and "department_id" in huge.text
    bad_filter = client_as("viewer").get("/api/v1/decisions", params={"outcome": "maybe"})
    assert bad_filter.status_code == 400 and _fields(bad_filter) == {"outcome"}
    assert client_as("viewer").get(f"/api/v1/needs/{2**63}/decisions").status_code == 400
