"""Processes in the JSON API: the team, the mandate (drafted by the responsible, approved by the owner)
and the RACI matrix, with the pages' permissions and refusals naming the field; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.db import models as m
from tests.database import scalar as _scalar

KUNDTJANST = "/api/v1/processes/kundtjanst-infrastruktur"  # owner processagare, responsible samordnare


def _person(url, name_part):
    return _scalar(url, select(m.Person.id).where(m.Person.name.contains(name_part)).limit(1))


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def test_processes_are_listed_with_their_responsible_and_team(client_as):
    viewer = client_as("viewer")
    listed = {p["slug"]: p for p in viewer.get("/api/v1/processes").json()}
    assert "kundtjanst-infrastruktur" in listed and "antagning" in listed
    process = viewer.get(KUNDTJANST).json()
    assert (
        process["process"]["responsible"]["person"]["name"]
        == listed["kundtjanst-infrastruktur"]["responsible"]["person"]["name"]
    )
    assert process["process"]["owner"] is not None and len(process["appointments"]) >= 1
    team = viewer.get(f"{KUNDTJANST}/team").json()
    assert len(team) == process["process"]["team_members"] > 0
    assert client_as("anonymous").get("/api/v1/processes").status_code == 401
    assert viewer.get("/api/v1/processes/no-such-process").status_code == 404


def test_the_responsible_keeps_the_team(client_as, database_url):
    responsible = client_as("coordinator")
    person = _scalar(database_url, select(m.Person.id).order_by(m.Person.id.desc()).limit(1))
    body = {"person_id": person, "role": "Testare", "allocation": 8, "allocation_unit": "hours_per_month"}
    assert client_as("viewer").post(f"{KUNDTJANST}/team", json=body).status_code == 403
    added = responsible.post(f"{KUNDTJANST}/team", json=body)
    assert added.status_code == 201, added.text
    member = added.json()
    assert member["role"] == "Testare" and member["allocation"] == 8
    changed = responsible.put(
        f"{KUNDTJANST}/team/{member['id']}", json=body | {"allocation": 50, "allocation_unit": "percent"}
    )
    assert changed.status_code == 200 and changed.json()["allocation_unit"] == "percent"
    wrong = responsible.put(f"{KUNDTJANST}/team/{member['id']}", json=body | {"allocation": 500})
    assert wrong.status_code == 422 and _fields(wrong) == {"allocation"}
    nameless = responsible.put(f"{KUNDTJANST}/team/{member['id']}", json=body | {"role": ""})
    assert nameless.status_code == 422 and _fields(nameless) == {"role"}
    assert responsible.delete(f"{KUNDTJANST}/team/{member['id']}").status_code == 204
    assert member["id"] not in [t["id"] for t in responsible.get(f"{KUNDTJANST}/team").json()]
    assert responsible.delete(f"{KUNDTJANST}/team/{2**63}").status_code == 400


def test_the_responsible_drafts_and_only_the_owner_approves_the_mandate(client_as):
    today = date.today()
    draft = {
        "purpose": "Snabbare svar",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(365)).isoformat(),
    }
    assert client_as("viewer").post(f"{KUNDTJANST}/mandates", json=draft).status_code == 403
    responsible = client_as("coordinator")
    wrong = responsible.post(f"{KUNDTJANST}/mandates", json=draft | {"purpose": "", "ends_on": "snart"})
    assert wrong.status_code == 422 and _fields(wrong) == {"purpose", "ends_on"}
    drafted = responsible.post(f"{KUNDTJANST}/mandates", json=draft)
    assert drafted.status_code == 201, drafted.text
    version = drafted.json()["version"]
    assert drafted.json()["approved_at"] is None
    assert responsible.post(f"{KUNDTJANST}/mandates/{version}/approve").status_code == 403
    owner = client_as("process_owner")
    approved = owner.post(f"{KUNDTJANST}/mandates/{version}/approve")
    assert approved.status_code == 201 and approved.json()["approved_by_name"]
    again = owner.post(f"{KUNDTJANST}/mandates/{version}/approve")
    assert again.status_code == 422 and _fields(again) == {"version"}
    assert owner.post(f"{KUNDTJANST}/mandates/{version + 50}/approve").status_code == 404
    assert [m["version"] for m in owner.get(f"{KUNDTJANST}/mandates").json()][0] == version


def test_raci_rows_are_saved_only_with_exactly_one_a(client_as):
    responsible = client_as("coordinator")
    matrix = responsible.get(f"{KUNDTJANST}/raci").json()
    columns = [str(c["id"]) for c in matrix["columns"]]
    assert len(columns) >= 2 and matrix["activities"]
    first = matrix["activities"][0]
    url = f"{KUNDTJANST}/raci/activities/{first['id']}"
    two_a = responsible.put(url, json={"name": first["name"], "cells": {columns[0]: "A", columns[1]: "A"}})
    assert two_a.status_code == 422 and _fields(two_a) == {"cells"}
    assert client_as("viewer").put(url, json={"name": "x", "cells": {columns[0]: "A"}}).status_code == 403
    saved = responsible.put(url, json={"name": "Ta emot ärenden", "cells": {columns[0]: "A", columns[1]: "r"}})
    assert saved.status_code == 200, saved.text
    assert saved.json()["cells"] == {columns[0]: "A", columns[1]: "R"}
    added = responsible.post(f"{KUNDTJANST}/raci/activities", json={"name": "Arkivera", "cells": {columns[1]: "A"}})
    assert added.status_code == 201 and added.json()["position"] > first["position"]
    activities = responsible.get(f"{KUNDTJANST}/raci").json()["activities"]
    assert activities[0]["name"] == "Ta emot ärenden" and activities[-1]["name"] == "Arkivera"
