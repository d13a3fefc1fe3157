"""No server error from hostile values: ids no database column can hold (in paths, filters, forms and
JSON), nan and infinity in number fields, and deeply nested JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from registry.db import models as m
from tests.conftest import post_form
from tests.database import sql

HUGE = str(2**63)
HUGER = str(2**70)

GETS = [
    f"/needs/{HUGE}",
    f"/needs/{HUGER}/edit",
    f"/needs/{HUGE}/scores",
    f"/api/v1/needs/{HUGE}",
    f"/api/v1/needs/{HUGE}/transitions",
    f"/people/{HUGE}",
    f"/meetings/{HUGE}",
    f"/meetings/{HUGE}/minutes.xlsx",
    f"/benefits/{HUGE}",
    f"/strategy/{HUGE}/edit",
    f"/processes/antagning/mandate/{HUGE}",
    f"/needs?area={HUGE}",
    f"/needs?department={HUGER}&state=submitted",
    f"/api/v1/needs?area={HUGE}",
    f"/changes?person={HUGE}",
    f"/changes?before={HUGE}",
    f"/decisions?department={HUGE}",
    f"/priorities?area={HUGE}",
    f"/graph?area={HUGE}",
    f"/benefits?process={HUGE}",
]

POSTS = [
    (f"/needs/{HUGE}/comments", {"body": "x"}),
    (f"/people/{HUGE}/roles/{HUGE}/delete", {}),
    (f"/meetings/{HUGE}/agenda/{HUGE}/delete", {}),
    ("/needs/new", {"title": "Ny", "owning_area_id": HUGE}),
    ("/intake", {"title": "Ny", "description": "x", "area_id": HUGE, "department_id": HUGE}),
    ("/areas/infrastruktur/steering-members", {"person_id": HUGE, "role": "chair"}),
]


@pytest.mark.parametrize("path", GETS)
def test_huge_ids_in_paths_and_filters_are_not_found_or_refused(client, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 404, 422), (response.status_code, response.text[:300])


@pytest.mark.parametrize(("path", "form"), POSTS)
def test_huge_ids_in_forms_are_not_found_or_refused(client, path, form):
    response = post_form(client, path, form)
    assert response.status_code in (303, 400, 404, 422), (response.status_code, response.text[:300])


def test_huge_ids_in_json_are_refused(client):
    for path, body in (
        ("/api/v1/needs", {"title": "Ny", "owning_area_id": 2**63}),
        ("/api/v1/areas", {"name": "VSO för stora tal", "department_ids": [2**63]}),
        (f"/api/v1/needs/{HUGE}/comments", {"body": "x"}),
    ):
        response = client.post(path, json=body)
        assert response.status_code in (400, 404, 422), (path, response.status_code, response.text[:300])


def test_deeply_nested_json_is_a_400(client):
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/v1/needs", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, (response.status_code, response.text[:300])


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "sNaN"])
def test_nan_and_infinity_in_a_capacity_are_refused_naming_the_field(client_as, database_url, value):
    area = sql(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))[0][0]
    it = sql(database_url, select(m.Department.id).where(m.Department.slug == "it-och-digital-infrastruktur"))[0][0]
    meeting = sql(
        database_url,
        m.Meeting.__table__.insert()
        .values(
            area_id=area,
            forum="steering_group",
            title="Möte",
            held_on=func.current_date(),
            location="",
            state="planned",
            closed_by_name="",
            created_at=func.now(),
            updated_at=func.now(),
        )
        .returning(m.Meeting.__table__.c.id),
    )[0][0]
    coordinator = client_as("coordinator")
    response = post_form(
        coordinator, f"/meetings/{meeting}/capacity", [("department_id", str(it)), ("available_days", value)]
    )
    assert response.status_code == 422, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert f'href="#field-capacity_{it}"' in response.text
    assert sql(database_url, text("SELECT count(*) FROM department_capacity"))[0][0] == 0
