"""Headers every response carries (HSTS in production, no caching of what a logged-in person sees,
Allow on 405) and values refused in one shared place (registry/forms.py) for forms, API and import:
dates outside 1900–2200 and invisible control characters."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.config import Settings
from registry.forms import text_problem
from tests.conftest import post_form
from tests.test_needs_transfer import result_of, upload

EN = {"accept-language": "en"}


def test_hsts_only_in_production(database_url):
    production = Settings(database_url=database_url, env="production", secret_key="s" * 48)
    with TestClient(create_app(production)) as client:
        assert client.get("/health").headers["strict-transport-security"].startswith("max-age=31536000")
    with TestClient(create_app(Settings(database_url=database_url, env="test"))) as client:
        assert "strict-transport-security" not in client.get("/health").headers


def test_what_a_logged_in_person_sees_is_never_cached(client, anonymous_client):
    for path in ("/needs", "/me", "/api/v1/needs", "/areas"):
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert anonymous_client.get("/areas").headers.get("cache-control") != "no-store"
    assert client.get("/static/css/registry.css").headers.get("cache-control") != "no-store"


def test_405_names_the_methods_allowed(client):
    response = client.put("/api/v1/areas")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_dates_outside_the_sane_range_are_refused_naming_the_field(client, day):
    response = client.post("/api/v1/needs", json={"title": "Datum", "raised_on": day}, headers=EN)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "raised_on", "message": "A date from 1900-01-01 to 2200-12-31."}]


@pytest.mark.parametrize("character", ["\u202e", "\x1b", "\u200b", "\x07"])
def test_control_characters_are_refused_in_titles_by_api_form_and_import(client, character):
    title = f"Behov{character}gnirts"
    api = client.post("/api/v1/needs", json={"title": title}, headers=EN)
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "title"
    assert f"U+{ord(character):04X}" in api.json()["errors"][0]["message"]
    form = post_form(client, "/needs/new", {"title": title}, headers=EN)
    assert form.status_code == 422 and form.headers["content-type"].startswith("text/html")
    assert 'href="#field-title"' in form.text
    client.cookies.set("registry_language", "en")
    csv = f"title;raised_on\r\n{title};2025-01-01\r\n".encode()
    _outcome, errors = result_of(upload(client, csv))
    assert [(row, column) for row, column, _reason in errors] == [("2", "title")]


def test_tab_and_line_breaks_are_kept_in_text_of_several_lines_only():
    assert text_problem("rad ett\r\nrad två\tmed tabb", multiline=True) is None
    assert text_problem("rad ett\nrad två") is not None
    assert text_problem("Åsa, Ørjan och 😀") is None
