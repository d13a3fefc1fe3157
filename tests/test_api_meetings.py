"""Meetings in the JSON API: the same rules as the pages (who may plan, advise and close), the 409 of a
stale save, and refusals that name the field; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.db import models as m
from tests.database import insert_need
from tests.database import scalar as _scalar

MEETINGS = "/api/v1/meetings"


def _area(url, slug="infrastruktur"):
    return _scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))


def _body(url, **values):
    return {"area_id": _area(url), "title": "Styrgruppen", "held_on": date.today().isoformat()} | values


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def test_a_coordinator_plans_a_meeting_whose_agenda_is_the_ready_needs(client_as, database_url):
    ready = _scalar(database_url, insert_need(_area(database_url), "Redo för styrgruppen", state="ready"))
    response = client_as("coordinator").post(MEETINGS, json=_body(database_url))
    assert response.status_code == 201, response.text
    meeting = response.json()
    assert meeting["state"] == "planned" and meeting["forum"] == "steering_group"
    detail = client_as("viewer").get(f"{MEETINGS}/{meeting['id']}").json()
    assert ready in [item["need_id"] for item in detail["agenda"]]
    assert [m["id"] for m in client_as("viewer").get(MEETINGS).json()] == [meeting["id"]]
    assert client_as("viewer").get(MEETINGS, params={"area": _area(database_url, "utbildning")}).json() == []


def test_planning_is_refused_to_others_and_bad_values_are_named(client_as, database_url):
    assert client_as("viewer").post(MEETINGS, json=_body(database_url)).status_code == 403
    assert client_as("anonymous").get(MEETINGS).status_code == 401
    coordinator = client_as("coordinator")
    response = coordinator.post(MEETINGS, json=_body(database_url, held_on="next friday"))
    assert response.status_code == 422 and _fields(response) == {"held_on"}
    response = coordinator.post(MEETINGS, json=_body(database_url, area_id=2**63))
    assert response.status_code == 400 and "area_id" in response.text
    assert coordinator.get(f"{MEETINGS}/{2**63}").status_code == 400
    assert coordinator.get(f"{MEETINGS}/999999").status_code == 404


def test_agenda_items_are_added_and_removed_by_the_coordinator(client_as, database_url):
    coordinator = client_as("coordinator")
    meeting = coordinator.post(MEETINGS, json=_body(database_url, forum="dialogue_arena")).json()["id"]
    need = _scalar(database_url, insert_need(_area(database_url), "Ny punkt", state="clarified"))
    assert client_as("viewer").post(f"{MEETINGS}/{meeting}/agenda", json={"need_id": need}).status_code == 403
    agenda = coordinator.post(f"{MEETINGS}/{meeting}/agenda", json={"need_id": need})
    assert agenda.status_code == 201 and [item["need_id"] for item in agenda.json()] == [need]
    again = coordinator.post(f"{MEETINGS}/{meeting}/agenda", json={"need_id": need})
    assert again.status_code == 422 and _fields(again) == {"need_id"}
    item = agenda.json()[0]["id"]
    assert coordinator.delete(f"{MEETINGS}/{meeting}/agenda/{item}").status_code == 204
    assert coordinator.get(f"{MEETINGS}/{meeting}/agenda").json() == []


def test_advice_is_saved_once_per_version_and_a_stale_save_is_a_409(client_as, database_url):
    _scalar(database_url, insert_need(_area(database_url), "Att råda om", state="ready"))
    meeting = client_as("coordinator").post(MEETINGS, json=_body(database_url)).json()["id"]
    item = client_as("viewer").get(f"{MEETINGS}/{meeting}/agenda").json()[0]
    url = f"{MEETINGS}/{meeting}/agenda/{item['id']}/advice"
    advice = {"version": item["version"], "advice": "now", "rationale": "Bär strategin", "notes": "Enig grupp"}
    assert client_as("viewer").put(url, json=advice).status_code == 403
    member = client_as("steering_member")
    missing = member.put(url, json=advice | {"rationale": ""})
    assert missing.status_code == 422 and _fields(missing) == {"rationale"}
    saved = member.put(url, json=advice)
    assert saved.status_code == 200, saved.text
    assert saved.json()["advice"] == "now" and saved.json()["version"] == item["version"] + 1
    stale = member.put(url, json=advice | {"notes": "Skrivet i en äldre flik"})
    assert stale.status_code == 409
    assert client_as("viewer").get(f"{MEETINGS}/{meeting}/agenda").json()[0]["notes"] == "Enig grupp"


def test_closing_writes_the_recommendations_and_only_the_coordinator_closes(client_as, database_url):
    need = _scalar(database_url, insert_need(_area(database_url), "Stängs", state="ready"))
    coordinator = client_as("coordinator")
    meeting = coordinator.post(MEETINGS, json=_body(database_url)).json()["id"]
    item = coordinator.get(f"{MEETINGS}/{meeting}/agenda").json()[0]
    advice = {"version": item["version"], "advice": "now", "rationale": "Viktigast"}
    assert coordinator.put(f"{MEETINGS}/{meeting}/agenda/{item['id']}/advice", json=advice).status_code == 200
    assert client_as("steering_member").post(f"{MEETINGS}/{meeting}/close").status_code == 403
    closed = coordinator.post(f"{MEETINGS}/{meeting}/close")
    assert closed.status_code == 201 and closed.json()["state"] == "closed"
    assert client_as("viewer").get(f"/api/v1/needs/{need}").json()["state"] == "recommended"
