"""Every write of the JSON API refuses a reader whose roles do not allow it (403, nothing changed), as
the pages do; each write's allowed role is shown in the domain's own API test file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from registry.db import models as m
from tests.database import insert_need
from tests.database import scalar as _scalar

PROCESS = "/api/v1/processes/kundtjanst-infrastruktur"


def test_a_viewer_is_refused_every_write(client_as, database_url):
    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    need = _scalar(database_url, insert_need(area, "Redo", state="ready"))
    coordinator = client_as("coordinator")
    meeting = coordinator.post(
        "/api/v1/meetings", json={"area_id": area, "title": "Möte", "held_on": date.today().isoformat()}
    ).json()["id"]
    item = coordinator.get(f"/api/v1/meetings/{meeting}/agenda").json()[0]["id"]
    member = coordinator.get(f"{PROCESS}/team").json()[0]["id"]
    raci = coordinator.get(f"{PROCESS}/raci").json()
    activity, column = raci["activities"][0]["id"], str(raci["columns"][0]["id"])
    plan = {
        "benefit_type": "time",
        "indicator": "Svarstid",
        "baseline": 10,
        "starts_on": "2026-01-01",
        "target": 5,
        "target_date": "2027-01-01",
    }
    benefit = coordinator.post("/api/v1/benefits", json=plan | {"process": "kundtjanst-infrastruktur"}).json()
    benefit_id = benefit["benefit"]["id"]
    point = coordinator.post(
        f"/api/v1/benefits/{benefit_id}/measurements", json={"measured_on": date.today().isoformat(), "value": 8}
    ).json()["id"]
    person = _scalar(database_url, select(m.Person.id).limit(1))
    team_body = {"person_id": person, "role": "Testare", "allocation": 4}
    writes = [
        ("delete", f"/api/v1/meetings/{meeting}/agenda/{item}", None),
        ("post", f"/api/v1/meetings/{meeting}/agenda", {"need_id": need}),
        ("put", f"/api/v1/meetings/{meeting}/agenda/{item}/advice", {"version": 1, "notes": "x"}),
        ("post", f"/api/v1/meetings/{meeting}/close", None),
        ("put", f"/api/v1/needs/{need}/scores/mine", {"benefit": 1, "urgency": 1, "risk_reduction": 1}),
        ("post", f"/api/v1/needs/{need}/recommendations", {"outcome": "now", "rationale": "x"}),
        ("post", f"{PROCESS}/team", team_body),
        ("put", f"{PROCESS}/team/{member}", team_body),
        ("delete", f"{PROCESS}/team/{member}", None),
        ("post", f"{PROCESS}/mandates", {"purpose": "x", "starts_on": "2026-01-01", "ends_on": "2027-01-01"}),
        ("post", f"{PROCESS}/raci/activities", {"name": "x", "cells": {column: "A"}}),
        ("put", f"{PROCESS}/raci/activities/{activity}", {"name": "x", "cells": {column: "A"}}),
        ("put", f"/api/v1/benefits/{benefit_id}", plan),
        ("post", f"/api/v1/benefits/{benefit_id}/measurements", {"measured_on": "2026-02-01", "value": 7}),
        ("delete", f"/api/v1/benefits/{benefit_id}/measurements/{point}", None),
    ]
    viewer = client_as("viewer")
    before = _scalar(database_url, select(m.ChangeRecord.id).order_by(m.ChangeRecord.id.desc()).limit(1))
    for method, url, body in writes:
        response = (
            viewer.request(method.upper(), url, json=body) if body is not None else viewer.request(method.upper(), url)
        )
        assert response.status_code == 403, (method, url, response.status_code, response.text[:300])
    after = _scalar(database_url, select(m.ChangeRecord.id).order_by(m.ChangeRecord.id.desc()).limit(1))
    assert after == before, "a refused write changes nothing"
