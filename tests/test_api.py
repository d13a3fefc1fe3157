"""The JSON API of the organisation register (`/api/v1`), its OpenAPI schema and `/health`.

Wrong bodies are answered 400 (not the expected shape) or 422 (the right shape, wrong values), as
problem JSON naming each wrong field, and never with a server error.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

AREAS = "/api/v1/areas"
DEPARTMENTS = "/api/v1/departments"
JSON = {"content-type": "application/json"}


def ids(client, url: str) -> dict[str, int]:
    return {entry["slug"]: entry["id"] for entry in client.get(url).json()}


def register(client) -> tuple[list, list]:
    return client.get(AREAS).json(), client.get(DEPARTMENTS).json()


def problem_fields(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == response.status_code
    return [error["field"] for error in body.get("errors", [])]


# ---------------------------------------------------------------- reading


def test_list_areas_gives_every_area_with_its_departments(client):
    areas = client.get(AREAS).json()
    assert len(areas) == 6
    by_slug = {area["slug"]: area for area in areas}
    assert {d["slug"] for d in by_slug["styrning"]["departments"]} == {"hr", "ledningsstod-och-ekonomi"}
    assert sum(len(area["departments"]) for area in areas) == 16
    assert set(by_slug["styrning"]) == {
        "id",
        "slug",
        "name",
        "purpose",
        "responsible_head",
        "coordinators",
        "departments",
        "created_at",
        "updated_at",
    }


def test_list_departments_gives_every_department_with_its_areas(client):
    departments = client.get(DEPARTMENTS).json()
    assert len(departments) == 8
    library = next(d for d in departments if d["slug"] == "biblioteket")
    assert {a["slug"] for a in library["areas"]} == {"utbildning", "forskning-och-forskarutbildning"}
    assert sum(len(d["areas"]) for d in departments) == 16


def test_detail_of_an_area_and_a_department(client):
    area = client.get(f"{AREAS}/utbildning").json()
    assert area["name"] == "VSO för utbildning"
    assert len(area["departments"]) == 3
    department = client.get(f"{DEPARTMENTS}/hr").json()
    assert department["name"] == "Avd. för HR"
    assert department["short_name"] == "HR"
    assert [a["slug"] for a in department["areas"]] == ["styrning"]


@pytest.mark.parametrize("url", [f"{AREAS}/no-such-area", f"{DEPARTMENTS}/no-such-department"])
def test_unknown_slug_is_a_404_problem(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


# ---------------------------------------------------------------- writing


def test_create_area_answers_201_with_the_new_area(client):
    departments = ids(client, DEPARTMENTS)
    response = client.post(AREAS, json={"name": "VSO för lokaler", "department_ids": [departments["hr"]]})
    assert response.status_code == 201
    area = response.json()
    assert area["slug"] == "vso-for-lokaler"
    assert [d["slug"] for d in area["departments"]] == ["hr"]
    assert client.get(f"{AREAS}/vso-for-lokaler").json() == area
    assert "vso-for-lokaler" in {a["slug"] for a in client.get(f"{DEPARTMENTS}/hr").json()["areas"]}


def test_create_department_answers_201_with_the_new_department(client):
    areas = ids(client, AREAS)
    response = client.post(
        DEPARTMENTS,
        json={
            "name": "Avd. för juridik",
            "short_name": "Juridik",
            "slug": "juridik",
            "area_ids": [areas["styrning"], areas["kommunikation"]],
        },
    )
    assert response.status_code == 201
    department = response.json()
    assert department["short_name"] == "Juridik"
    assert {a["slug"] for a in department["areas"]} == {"styrning", "kommunikation"}
    assert client.get(f"{DEPARTMENTS}/juridik").json() == department


def test_patch_area_changes_only_the_fields_sent(client):
    before = client.get(f"{AREAS}/styrning").json()
    response = client.patch(f"{AREAS}/styrning", json={"purpose": "Styrning och ledning"})
    assert response.status_code == 200
    after = response.json()
    assert after["purpose"] == "Styrning och ledning"
    unchanged = {key: value for key, value in after.items() if key not in {"purpose", "updated_at"}}
    assert unchanged == {key: value for key, value in before.items() if key not in {"purpose", "updated_at"}}


def test_patch_area_renames_it_without_changing_its_address(client):
    response = client.patch(f"{AREAS}/styrning", json={"name": "VSO för styrning och ledning"})
    assert response.status_code == 200
    assert response.json()["slug"] == "styrning"
    assert client.get(f"{AREAS}/styrning").json()["name"] == "VSO för styrning och ledning"


def test_patch_area_department_ids_sets_its_memberships(client):
    departments = ids(client, DEPARTMENTS)
    wanted = {departments["hr"], departments["biblioteket"], departments["kommunikation"]}
    response = client.patch(f"{AREAS}/styrning", json={"department_ids": sorted(wanted)})
    assert response.status_code == 200
    assert {d["id"] for d in response.json()["departments"]} == wanted
    economy = client.get(f"{DEPARTMENTS}/ledningsstod-och-ekonomi").json()
    assert "styrning" not in {a["slug"] for a in economy["areas"]}

    emptied = client.patch(f"{AREAS}/styrning", json={"department_ids": []})
    assert emptied.json()["departments"] == []


def test_patch_department_changes_only_the_fields_sent_and_area_ids_sets_its_areas(client):
    areas = ids(client, AREAS)
    before = client.get(f"{DEPARTMENTS}/hr").json()
    response = client.patch(f"{DEPARTMENTS}/hr", json={"area_ids": [areas["styrning"], areas["infrastruktur"]]})
    assert response.status_code == 200
    after = response.json()
    assert {a["slug"] for a in after["areas"]} == {"styrning", "infrastruktur"}
    for key in ("id", "slug", "name", "short_name", "description", "head"):
        assert after[key] == before[key]
    infrastructure = client.get(f"{AREAS}/infrastruktur").json()
    assert "hr" in {d["slug"] for d in infrastructure["departments"]}


def test_patch_with_a_new_slug_moves_the_entry(client):
    response = client.patch(f"{DEPARTMENTS}/hr", json={"slug": "personal"})
    assert response.status_code == 200
    assert client.get(f"{DEPARTMENTS}/hr").status_code == 404
    assert client.get(f"{DEPARTMENTS}/personal").json()["name"] == "Avd. för HR"


def test_patch_with_an_empty_slug_keeps_the_address(client):
    response = client.patch(f"{DEPARTMENTS}/hr", json={"slug": ""})
    assert response.status_code == 200
    assert response.json()["slug"] == "hr"
    assert client.get(f"{DEPARTMENTS}/hr").status_code == 200


def test_delete_area_answers_204_and_then_404(client):
    assert client.post(AREAS, json={"name": "VSO för lokaler", "slug": "lokaler"}).status_code == 201
    response = client.delete(f"{AREAS}/lokaler")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{AREAS}/lokaler").status_code == 404
    assert client.delete(f"{AREAS}/lokaler").status_code == 404


def test_delete_department_answers_204_and_then_404(client):
    assert client.post(DEPARTMENTS, json={"name": "Avd. för juridik", "slug": "juridik"}).status_code == 201
    response = client.delete(f"{DEPARTMENTS}/juridik")
    assert response.status_code == 204
    assert client.get(f"{DEPARTMENTS}/juridik").status_code == 404


# ---------------------------------------------------------------- wrong bodies


BAD_AREA_BODIES = {
    "missing name": ({"purpose": "x"}, "name"),
    "name not text": ({"name": 5}, "name"),
    "unknown field": ({"name": "VSO för lokaler", "colour": "red"}, "colour"),
    "empty name": ({"name": "  "}, "name"),
    "name over 200 characters": ({"name": "x" * 201}, "name"),
    "name in use": ({"name": "VSO för utbildning"}, "name"),
    "invalid slug": ({"name": "VSO för lokaler", "slug": "Not A Slug!"}, "slug"),
    "slug in use": ({"name": "VSO för lokaler", "slug": "utbildning"}, "slug"),
    "slug the pages use": ({"name": "VSO för lokaler", "slug": "new"}, "slug"),
    "unknown department": ({"name": "VSO för lokaler", "department_ids": [999999]}, "department_ids"),
    "department id beyond any database": ({"name": "VSO för lokaler", "department_ids": [2**63]}, "department_ids[0]"),
    "department id not a number": ({"name": "VSO för lokaler", "department_ids": ["hr"]}, "department_ids[0]"),
    "departments not a list": ({"name": "VSO för lokaler", "department_ids": 3}, "department_ids"),
    "unknown responsible head": ({"name": "VSO för lokaler", "responsible_head_id": 999999}, "responsible_head_id"),
    "NUL character": ({"name": "VSO\u0000"}, "name"),
    "name that gives no URL name": ({"name": "!!!"}, "slug"),
}

BAD_DEPARTMENT_BODIES = {
    "missing name": ({"short_name": "x"}, "name"),
    "name not text": ({"name": 5}, "name"),
    "unknown field": ({"name": "Avd. för juridik", "head": "someone"}, "head"),
    "name in use": ({"name": "Avd. för HR"}, "name"),
    "invalid slug": ({"name": "Avd. för juridik", "slug": "Not A Slug!"}, "slug"),
    "slug in use": ({"name": "Avd. för juridik", "slug": "hr"}, "slug"),
    "short name over 60 characters": ({"name": "Avd. för juridik", "short_name": "x" * 61}, "short_name"),
    "unknown area": ({"name": "Avd. för juridik", "area_ids": [999999]}, "area_ids"),
    "unknown head": ({"name": "Avd. för juridik", "head_id": -1}, "head_id"),
}


@pytest.mark.parametrize("case", BAD_AREA_BODIES)
def test_wrong_area_body_is_refused_naming_the_field(client, case):
    body, field = BAD_AREA_BODIES[case]
    before = register(client)
    response = client.post(AREAS, json=body)
    assert response.status_code in {400, 422}
    assert field in problem_fields(response)
    assert register(client) == before


@pytest.mark.parametrize("case", BAD_DEPARTMENT_BODIES)
def test_wrong_department_body_is_refused_naming_the_field(client, case):
    body, field = BAD_DEPARTMENT_BODIES[case]
    before = register(client)
    response = client.post(DEPARTMENTS, json=body)
    assert response.status_code in {400, 422}
    assert field in problem_fields(response)
    assert register(client) == before


@pytest.mark.parametrize(
    "url, body, field",
    [
        (f"{AREAS}/styrning", {"name": "VSO för utbildning"}, "name"),
        (f"{AREAS}/styrning", {"name": None}, "name"),
        (f"{AREAS}/styrning", {"slug": "Not A Slug!"}, "slug"),
        (f"{AREAS}/styrning", {"department_ids": [999999]}, "department_ids"),
        (f"{AREAS}/styrning", {"id": 1}, "id"),
        (f"{DEPARTMENTS}/hr", {"slug": "biblioteket"}, "slug"),
        (f"{DEPARTMENTS}/hr", {"area_ids": [1, 999999]}, "area_ids"),
        (f"{DEPARTMENTS}/hr", {"name": ""}, "name"),
    ],
)
def test_wrong_patch_is_refused_naming_the_field_and_changes_nothing(client, url, body, field):
    before = register(client)
    response = client.patch(url, json=body)
    assert response.status_code in {400, 422}
    assert field in problem_fields(response)
    assert register(client) == before


@pytest.mark.parametrize("url", [AREAS, DEPARTMENTS])
@pytest.mark.parametrize("raw", [b"{not json", b"", b"[]", b'"a string"', b"null", b'{"name": "x"', b"\xff\xfe"])
def test_body_that_is_not_a_json_object_is_a_400(client, url, raw):
    before = register(client)
    response = client.post(url, content=raw, headers=JSON)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in response.text
    assert register(client) == before


def test_writes_to_unknown_entries_are_404(client):
    assert client.patch(f"{AREAS}/no-such-area", json={"name": "x"}).status_code == 404
    assert client.delete(f"{DEPARTMENTS}/no-such-department").status_code == 404


# ---------------------------------------------------------------- arbitrary input

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
AREA_KEYS = st.sampled_from(["name", "slug", "purpose", "responsible_head_id", "department_ids"]) | st.text(max_size=12)
DEPARTMENT_KEYS = st.sampled_from(["name", "short_name", "slug", "description", "head_id", "area_ids"]) | st.text(
    max_size=12
)
BODIES = st.one_of(
    st.tuples(st.just(AREAS), st.dictionaries(AREA_KEYS, JSON_VALUES, max_size=5)),
    st.tuples(st.just(DEPARTMENTS), st.dictionaries(DEPARTMENT_KEYS, JSON_VALUES, max_size=6)),
    st.tuples(st.sampled_from([AREAS, DEPARTMENTS]), JSON_VALUES),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=BODIES)
def test_no_json_body_makes_the_create_endpoints_fail(client, target):
    url, body = target
    response = client.post(url, content=json.dumps(body), headers=JSON)
    assert response.status_code < 500, response.text
    assert response.status_code in {201, 400, 422}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text() | st.binary())
def test_no_raw_body_makes_the_create_endpoints_fail(client, raw):
    for url in (AREAS, DEPARTMENTS):
        response = client.post(url, content=raw.encode() if isinstance(raw, str) else raw, headers=JSON)
        assert response.status_code < 500, response.text


# ---------------------------------------------------------------- schema and health


def test_openapi_schema_lists_every_api_path_and_operation(client):
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = {
        (path, method): operation.get("operationId")
        for path, methods in paths.items()
        for method, operation in methods.items()
    }
    expected = {
        (AREAS, "get"): "listAreas",
        (AREAS, "post"): "createArea",
        (f"{AREAS}/{{slug}}", "get"): "getArea",
        (f"{AREAS}/{{slug}}", "patch"): "updateArea",
        (f"{AREAS}/{{slug}}", "delete"): "deleteArea",
        (DEPARTMENTS, "get"): "listDepartments",
        (DEPARTMENTS, "post"): "createDepartment",
        (f"{DEPARTMENTS}/{{slug}}", "get"): "getDepartment",
        (f"{DEPARTMENTS}/{{slug}}", "patch"): "updateDepartment",
        (f"{DEPARTMENTS}/{{slug}}", "delete"): "deleteDepartment",
        ("/health", "get"): "health",
    }
    assert expected.items() <= operations.items()
    assert not {"/", "/areas", "/areas/new", "/departments/{slug}/edit", "/language"} & set(paths), (
        "HTML pages and forms are not part of the API"
    )
    schemas = response.json()["components"]["schemas"]
    assert "AreaCreate" in schemas and "DepartmentUpdate" in schemas


def test_health_is_200_with_the_database_up(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
