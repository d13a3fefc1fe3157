"""Hostile values sent to the JSON API are refused with a 4xx naming them, never a server error: ids
beyond the database's 64 bits in paths, filters, bodies and cursors; SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json

import pytest

BEYOND = 2**63  # one past the largest BIGINT


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


@pytest.mark.parametrize("name", ["area", "department", "institution", "submitted_by"])
def test_a_need_filter_id_beyond_64_bits_is_a_400_naming_it(client, name):
    response = client.get("/api/v1/needs", params={name: BEYOND})
    assert response.status_code == 400 and name in response.text


def test_a_need_filter_the_table_would_ignore_is_refused_by_the_api(client):
    response = client.get("/api/v1/needs", params={"state": "lost", "sort": "random"})
    assert response.status_code == 400 and _fields(response) == {"state", "sort"}


def test_a_forged_cursor_with_an_id_beyond_64_bits_starts_from_the_first_page(client):
    cursor = base64.urlsafe_b64encode(json.dumps([BEYOND, BEYOND]).encode()).decode().rstrip("=")
    response = client.get("/api/v1/needs", params={"after": cursor})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == client.get("/api/v1/needs").json()["items"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/needs/{BEYOND}",
        f"/api/v1/meetings/{BEYOND}",
        f"/api/v1/needs/{BEYOND}/scores",
        f"/api/v1/benefits/{BEYOND}",
        f"/api/v1/processes/antagning/team/{BEYOND}",
    ],
)
def test_a_path_id_beyond_64_bits_is_a_400(client, url):
    method = "delete" if "/team/" in url else "get"
    assert getattr(client, method)(url).status_code == 400


# ---------------------------------------------------------------- NUL characters (PostgreSQL stores none)


@pytest.mark.parametrize(
    "url", ["/api/v1/areas/x%00y", "/api/v1/processes/%00", "/api/v1/needs?q=a%00b", "/api/v1/needs?tag=%00"]
)
def test_a_nul_in_the_address_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400, response.text
    assert _fields(response) & {"path", "q", "tag"}


def test_a_nul_in_free_text_is_refused_naming_the_field(client_as, database_url):
    from sqlalchemy import select

    from registry.db import models as m
    from tests.database import insert_need
    from tests.database import scalar as _scalar

    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    need = _scalar(database_url, insert_need(area, "Med nolltecken", state="ready"))
    admin = client_as("admin")
    comment = admin.post(f"/api/v1/needs/{need}/comments", json={"body": "a\x00b"})
    assert comment.status_code == 422 and _fields(comment) == {"body"}
    member = client_as("steering_member")
    score = {"benefit": 1, "urgency": 1, "risk_reduction": 1, "comment": "\x00"}
    goals = member.get("/api/v1/areas/infrastruktur/scoring").json()["goal_weights_in_force"]
    scored = member.put(f"/api/v1/needs/{need}/scores/mine", json=score | {"goals": dict.fromkeys(goals, 1)})
    assert scored.status_code == 422 and _fields(scored) == {"comment"}
    meeting = (
        client_as("coordinator")
        .post("/api/v1/meetings", json={"area_id": area, "title": "Möte", "held_on": "2026-01-05"})
        .json()
    )
    item = member.get(f"/api/v1/meetings/{meeting['id']}/agenda").json()[0]
    advice = {"version": item["version"], "notes": "x\x00", "advice": "now", "rationale": "\x00"}
    advised = member.put(f"/api/v1/meetings/{meeting['id']}/agenda/{item['id']}/advice", json=advice)
    assert advised.status_code == 422 and _fields(advised) == {"notes", "rationale"}
    responsible = client_as("coordinator")
    columns = responsible.get("/api/v1/processes/kundtjanst-infrastruktur/raci").json()["columns"]
    activity = {"name": "Arkiv\x00", "cells": {str(columns[0]["id"]): "A"}}
    added = responsible.post("/api/v1/processes/kundtjanst-infrastruktur/raci/activities", json=activity)
    assert added.status_code == 422 and _fields(added) == {"name"}
