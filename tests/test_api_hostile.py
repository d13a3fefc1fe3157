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
