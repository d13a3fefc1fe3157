"""Benefits realisation in the JSON API: planning a benefit for a process or an approved need, recording
measurements, the portfolio with its status, with the pages' permissions; SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from registry.db import models as m
from tests.database import insert_need
from tests.database import scalar as _scalar

BENEFITS = "/api/v1/benefits"


def _plan(**changes):
    today = date.today()
    return {
        "benefit_type": "time",
        "indicator": "Svarstid i dagar",
        "baseline": 10,
        "starts_on": (today - timedelta(days=100)).isoformat(),
        "target": 2,
        "target_date": (today + timedelta(days=100)).isoformat(),
        "unit": "dagar",
    } | changes


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def test_the_process_responsible_plans_and_measures_a_benefit(client_as):
    responsible = client_as("coordinator")  # responsible for the demo process kundtjanst-infrastruktur
    assert client_as("viewer").post(BENEFITS, json=_plan(process="kundtjanst-infrastruktur")).status_code == 403
    planned = responsible.post(BENEFITS, json=_plan(process="kundtjanst-infrastruktur"))
    assert planned.status_code == 201, planned.text
    benefit = planned.json()["benefit"]
    assert benefit["status"] == "not_measured" and benefit["baseline"] == 10 and benefit["process_id"]
    url = f"{BENEFITS}/{benefit['id']}"
    measured = responsible.post(f"{url}/measurements", json={"measured_on": date.today().isoformat(), "value": 2})
    assert measured.status_code == 201, measured.text
    detail = client_as("viewer").get(url).json()
    assert detail["benefit"]["status"] == "achieved" and [p["value"] for p in detail["measurements"]] == [2]
    achieved = client_as("viewer").get(BENEFITS, params={"status": "achieved"}).json()
    assert benefit["id"] in [b["id"] for b in achieved]
    assert (
        client_as("viewer").post(f"{url}/measurements", json={"measured_on": "2020-01-01", "value": 1}).status_code
        == 403
    )
    changed = responsible.put(url, json=_plan(indicator="Svarstid (arbetsdagar)"))
    assert changed.status_code == 200 and changed.json()["benefit"]["indicator"] == "Svarstid (arbetsdagar)"
    point = detail["measurements"][0]["id"]
    assert responsible.delete(f"{url}/measurements/{point}").status_code == 204
    assert client_as("viewer").get(url).json()["benefit"]["status"] == "not_measured"


def test_wrong_values_are_named_and_a_need_must_be_approved(client_as, database_url):
    responsible = client_as("coordinator")
    wrong = responsible.post(
        BENEFITS, json=_plan(process="kundtjanst-infrastruktur", benefit_type="fun", target_date="2000-01-01")
    )
    assert wrong.status_code == 422 and _fields(wrong) == {"benefit_type"}
    late = responsible.post(BENEFITS, json=_plan(process="kundtjanst-infrastruktur", target_date="2000-01-01"))
    assert late.status_code == 422 and _fields(late) == {"target_date"}
    huge = responsible.post(BENEFITS, json=_plan(process="kundtjanst-infrastruktur", baseline=1e20))
    assert huge.status_code == 422 and _fields(huge) == {"baseline"}
    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    need = _scalar(database_url, insert_need(area, "Ännu inte beslutat", state="ready"))
    early = responsible.post(BENEFITS, json=_plan(need_id=need))
    assert early.status_code == 422 and _fields(early) == {"need"}
    assert responsible.post(BENEFITS, json=_plan(process="no-such-process")).status_code == 404
    assert client_as("viewer").get(BENEFITS, params={"status": "splendid"}).status_code == 400
    assert client_as("viewer").get(f"{BENEFITS}/{2**63}").status_code == 400
    assert client_as("anonymous").get(BENEFITS).status_code == 401
