"""The OpenAPI document (/schema/openapi.json) describes the whole JSON API and nothing else: every
/api/v1 route with an operation id, its security (session cookie; CSRF header on writes) and its
refusals as problem JSON; no HTML page, CSV or Excel file is declared as JSON."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.config import Settings

WRITES = {"post", "put", "patch", "delete"}
PUBLIC = {"/api/v1/areas", "/api/v1/areas/{slug}", "/api/v1/departments", "/api/v1/departments/{slug}", "/health"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('schema') / 'unused.db'}"))


@pytest.fixture(scope="module")
def document(app) -> dict:
    with TestClient(app) as client:
        response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _routes(app):
    """Every (path, method) the app answers, in OpenAPI's spelling of path parameters."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in handler.http_methods:
                if method not in ("HEAD", "OPTIONS"):
                    yield re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path), method.lower()


def test_every_api_route_is_in_the_document_and_nothing_else(app, document):
    documented = {(path, method) for path, method, _op in _operations(document)}
    api = {(path, method) for path, method in _routes(app) if path.startswith("/api/") or path == "/health"}
    assert api == documented
    assert len(documented) >= 60
    ids = [operation["operationId"] for _p, _m, operation in _operations(document)]
    assert len(ids) == len(set(ids)), "operation ids are unique"
    for area in ("meetings", "priorities", "decisions", "processes", "benefits", "graph", "needs", "areas"):
        assert any(path.startswith(f"/api/v1/{area}") for path, _m in documented), area


def test_pages_and_files_are_not_declared_as_json(document):
    for path, _method, operation in _operations(document):
        assert path.startswith("/api/v1/") or path == "/health", path
        assert not path.endswith((".csv", ".xlsx", ".svg", ".png", ".pdf", ".graphml")), path
        for answer in operation["responses"].values():
            for media_type in answer.get("content", {}):
                assert media_type in ("application/json", "application/problem+json"), (path, media_type)


def test_security_schemes_are_the_session_cookie_and_the_csrf_header(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["sessionCookie"] == {
        "type": "apiKey",
        "name": "registry_session",
        "in": "cookie",
        "description": schemes["sessionCookie"]["description"],
    }
    assert (schemes["csrfHeader"]["type"], schemes["csrfHeader"]["in"]) == ("apiKey", "header")
    assert schemes["csrfHeader"]["name"] == "x-csrftoken"
    for path, method, operation in _operations(document):
        security = operation["security"]
        if method in WRITES:
            assert security == [{"sessionCookie": [], "csrfHeader": []}], (path, method)
        elif path in PUBLIC:
            assert {} in security, (path, method)
        else:
            assert security == [{"sessionCookie": []}], (path, method)


def test_refusals_are_documented_as_problem_json(document):
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"status", "title", "detail", "request_id"}
    for path, method, operation in _operations(document):
        codes = set(operation["responses"])
        if path == "/health":
            assert "503" in codes
            continue
        expected = {"400", "404"} if path in PUBLIC and method == "get" else {"400", "401"}
        if method in WRITES:
            expected |= {"401", "403", "404", "422"}
        assert expected <= codes, (path, method, codes)
        for code in codes - {"200", "201", "204"}:
            content = operation["responses"][code]["content"]
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    advice = document["paths"]["/api/v1/meetings/{meeting_id}/agenda/{item_id}/advice"]["put"]
    assert "409" in advice["responses"]


def test_ids_in_paths_and_bodies_are_bounded_to_64_bits(document):
    need = document["paths"]["/api/v1/needs/{need_id}"]["get"]["parameters"]
    need_id = next(p for p in need if p["name"] == "need_id")["schema"]
    assert (need_id["minimum"], need_id["maximum"]) == (1, float(2**63 - 1))  # Litestar writes the bound as a float
    decision = document["components"]["schemas"]["DecisionIn"]["properties"]["department_id"]
    assert (decision["minimum"], decision["maximum"]) == (1, float(2**63 - 1))


def test_every_staff_read_refuses_a_visitor_with_401(app, document):
    """What the document says about security holds: without a session, every staff read is a 401 problem."""
    with TestClient(app) as client:
        for path, method, operation in _operations(document):
            if method != "get" or {} in operation["security"]:
                continue
            url = re.sub(r"\{slug\}", "antagning", re.sub(r"\{\w+_id\}|\{version\}", "1", path))
            response = client.get(url)
            assert response.status_code == 401, (url, response.status_code)
            assert response.headers["content-type"].startswith("application/problem+json")
