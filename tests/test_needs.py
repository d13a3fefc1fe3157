"""Development needs: life cycle, merging, intake, search and filters, and fixed query counts."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import event, select

from registry.db import models as m
from registry.needs import lifecycle
from registry.needs.models import NeedKind, NeedState
from tests.database import sql as _sql

ALL_PAIRS = list(itertools.product(NeedKind, NeedState, NeedState))


@pytest.mark.parametrize(
    ("kind", "state", "target"), ALL_PAIRS, ids=[f"{k.value}:{s.value}->{t.value}" for k, s, t in ALL_PAIRS]
)
def test_every_transition_is_allowed_or_refused_with_a_reason(kind, state, target):
    reason = lifecycle.refusal(kind, state, target)
    allowed = target in lifecycle.allowed_next(kind, state) and state not in lifecycle.CLOSED
    assert (reason is None) == allowed
    if reason is not None:
        assert len(reason) > 10


def test_small_improvements_skip_the_steering_group():
    assert NeedState.in_progress in lifecycle.allowed_next(NeedKind.small_improvement, NeedState.clarified)
    assert NeedState.ready not in lifecycle.allowed_next(NeedKind.small_improvement, NeedState.clarified)
    assert NeedState.in_progress not in lifecycle.allowed_next(NeedKind.development_project, NeedState.clarified)


def _area_id(url, slug="infrastruktur"):
    return _sql(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))[0][0]


def _department_id(url, slug):
    return _sql(url, select(m.Department.id).where(m.Department.slug == slug))[0][0]


def _new_need(client, url, **values):
    data = {
        "title": "Bättre bokning av grupprum",
        "description": "Studenter hittar inte lediga rum",
        "owning_area_id": str(_area_id(url)),
        "kind": "development_project",
        "channel": "email",
        "raised_on": "2026-10-01",
    } | values
    response = client.post("/needs/new", data=data)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _state(url, need_id):
    return _sql(url, select(m.Need.state).where(m.Need.id == need_id))[0][0]


def _move(client, need_id, state, comment=""):
    return client.post(f"/needs/{need_id}/transition", data={"state": state, "comment": comment})


def test_a_development_project_walks_the_whole_life_cycle(client_as, database_url):
    coordinator = client_as("coordinator")
    need_id = _new_need(coordinator, database_url)
    it = _department_id(database_url, "it-och-digital-infrastruktur")
    assert (
        coordinator.post(
            f"/needs/{need_id}/departments", data={"department_id": [it], "role": ["lead"], "effort_days": ["10"]}
        ).status_code
        == 303
    )
    for state in ("clarified", "ready"):
        assert _move(coordinator, need_id, state, f"till {state}").status_code == 303
    refused = _move(client_as("viewer"), need_id, "recommended")  # only the steering group recommends
    assert refused.status_code == 403
    # ... and it does so with a recorded recommendation, not a plain move (registry/decisions).
    assert _move(client_as("steering_member"), need_id, "recommended").status_code == 422
    steering = client_as("steering_member")
    recommendation = {"outcome": "now", "rationale": "Stor nytta"}
    assert steering.post(f"/needs/{need_id}/recommendations", data=recommendation).status_code == 303
    assert _move(coordinator, need_id, "approved").status_code == 403  # only the line decides
    decision = {"department_id": str(it), "outcome": "approve", "rationale": "Vi gör det", "committed_days": "10"}
    assert client_as("department_head").post(f"/needs/{need_id}/decisions", data=decision).status_code == 303
    for state in ("in_progress", "done", "followed_up"):
        assert _move(coordinator, need_id, state).status_code == 303
    assert _state(database_url, need_id) == NeedState.followed_up
    transitions = _sql(
        database_url,
        select(m.NeedTransition.to_state, m.NeedTransition.actor_name)
        .where(m.NeedTransition.need_id == need_id)
        .order_by(m.NeedTransition.id),
    )
    assert [t for t, _ in transitions] == [
        NeedState(s)
        for s in ("submitted", "clarified", "ready", "recommended", "approved", "in_progress", "done", "followed_up")
    ]
    assert transitions[4][1] == "Maria Dahl"  # the head of IT decided


def test_a_refused_transition_says_why_and_changes_nothing(client, database_url):
    need_id = _new_need(client, database_url)
    response = _move(client, need_id, "in_progress")
    assert response.status_code == 422
    assert "styrgrupp" in response.text.lower()  # why: it needs the steering group first
    assert _state(database_url, need_id) == NeedState.submitted


def test_small_improvement_takes_the_short_lane(client, database_url):
    need_id = _new_need(client, database_url, kind="small_improvement")
    assert _move(client, need_id, "clarified").status_code == 303
    assert _move(client, need_id, "ready").status_code == 422
    assert _move(client, need_id, "in_progress").status_code == 303


def test_merging_closes_the_need_and_its_submitter_follows_the_survivor(client_as, database_url):
    viewer = client_as("viewer")
    response = viewer.post(
        "/intake",
        data={"raised_by_name": "Nils", "title": "Grupprum går inte att boka", "description": "Bokningen krånglar"},
    )
    assert response.status_code == 303
    duplicate = int(response.headers["location"].split("sent=")[1])
    coordinator = client_as("coordinator")
    survivor = _new_need(coordinator, database_url)
    merged = coordinator.post(f"/needs/{duplicate}/merge", data={"merged_into_id": f"#{survivor}"})
    assert merged.status_code == 303 and merged.headers["location"] == f"/needs/{survivor}"
    assert _state(database_url, duplicate) == NeedState.merged
    page = viewer.get("/my/needs").text
    assert f"/needs/{survivor}" in page
    assert coordinator.post(f"/needs/{duplicate}/merge", data={"merged_into_id": str(survivor)}).status_code == 422


def test_intake_is_open_to_all_staff_and_shows_similar_needs(client_as, database_url):
    coordinator = client_as("coordinator")
    _new_need(coordinator, database_url, title="Bokning av grupprum i biblioteket")
    viewer = client_as("viewer")
    similar = viewer.get("/intake/similar", params={"title": "grupprum"})
    assert "Bokning av grupprum i biblioteket" in similar.text
    bad = viewer.post("/intake", data={"raised_by_name": "", "title": "Kort titel", "description": ""})
    assert bad.status_code == 422 and 'value="Kort titel"' in bad.text
    good = viewer.post("/intake", data={"raised_by_name": "Nils Läsare", "title": "Kort titel", "description": "Mer"})
    need_id = int(good.headers["location"].split("sent=")[1])
    channel, state = _sql(database_url, select(m.Need.channel, m.Need.state).where(m.Need.id == need_id))[0]
    assert channel.value == "intake_form" and state == NeedState.submitted
    assert "Kort titel" in viewer.get("/my/needs").text
    assert client_as("anonymous").get("/intake").status_code == 303


def test_search_and_filters(client, database_url):
    a = _new_need(client, database_url, title="Wifi i biblioteket", tags="nätverk", raised_on="2025-01-10")
    b = _new_need(
        client,
        database_url,
        title="Ny e-tjänst för antagning",
        cause="Manuell hantering",
        owning_area_id=str(_area_id(database_url, "utbildningsadministration")),
        kind="small_improvement",
    )
    assert (
        client.post(
            f"/needs/{a}/departments",
            data={
                "department_id": [_department_id(database_url, "biblioteket")],
                "role": ["lead"],
                "effort_days": [""],
            },
        ).status_code
        == 303
    )

    def ids(**params):
        page = client.get("/needs", params=params).text
        return {n for n in (a, b) if f'href="/needs/{n}"' in page}

    assert ids(q="WIFI") == {a}
    assert ids(q="manuell") == {b}  # the cause is searched too
    assert ids(area=_area_id(database_url, "utbildningsadministration")) == {b}
    assert ids(department=_department_id(database_url, "biblioteket")) == {a}
    assert ids(kind="small_improvement") == {b}
    assert ids(tag="nätverk") == {a}
    assert ids(**{"from": "2025-12-01"}) == {b}
    assert ids(state="submitted") == {a, b}
    assert ids(state="done") == set()
    english = client.get("/needs", params={"from": "igår"}, headers={"Accept-Language": "en"}).text
    assert "not understood and are ignored" in english and "igår" in english


def test_keyset_pages_cover_every_need_once(client, database_url):
    created = {_new_need(client, database_url, title=f"Behov {n}") for n in range(7)}
    from registry.needs import queries

    seen: list[int] = []
    cursor = ""
    for _ in range(10):
        page = client.get("/api/v1/needs", params={"after": cursor} if cursor else {}).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(seen) >= created and len(seen) == len(set(seen))
    assert queries.PAGE_SIZE == 50


def _count_queries(client, url, path):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    from sqlalchemy.engine import Engine

    event.listen(Engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_query_counts_do_not_grow_with_the_rows_shown(client, database_url):
    first = _new_need(client, database_url, tags="a, b")
    few_list = _count_queries(client, database_url, "/needs")
    few_detail = _count_queries(client, database_url, f"/needs/{first}")
    for n in range(12):
        _new_need(client, database_url, title=f"Behov nummer {n}", tags=f"t{n}, gemensam")
    departments = [_department_id(database_url, s) for s in ("hr", "biblioteket", "kommunikation")]
    client.post(
        f"/needs/{first}/departments",
        data={"department_id": departments, "role": ["lead"] * 3, "effort_days": ["1"] * 3},
    )
    for n in range(5):
        client.post(f"/needs/{first}/comments", data={"body": f"Kommentar {n}"})
        client.post(f"/needs/{first}/links", data={"to_need_id": str(first + n + 1), "kind": "relates_to"})
    assert _count_queries(client, database_url, "/needs") == few_list
    assert _count_queries(client, database_url, f"/needs/{first}") == few_detail


def test_api_bad_input_names_the_field(client, database_url):
    assert client.post("/api/v1/needs", json={"title": ""}).json()["errors"][0]["field"] == "title"
    bad = client.post("/api/v1/needs", json={"title": "X", "raised_on": "2026-13-40"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "raised_on"
    assert client.post("/api/v1/needs", json={"title": 5}).status_code == 400
    need = client.post("/api/v1/needs", json={"title": "Via API", "owning_area_id": _area_id(database_url)}).json()
    dep = client.put(f"/api/v1/needs/{need['id']}/departments", json=[{"department_id": 999999}])
    assert dep.status_code == 422 and dep.json()["errors"][0]["field"].startswith("departments.1")
    moved = client.post(f"/api/v1/needs/{need['id']}/transitions", json={"state": "approved"})
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "state"


def test_routing_suggestions_are_shown_and_confirmed_by_the_coordinator(client_as, database_url):
    coordinator = client_as("coordinator")
    earlier = _new_need(coordinator, database_url, title="Trådlöst nätverk i biblioteket täcker inte läsesalen")
    biblioteket = _department_id(database_url, "biblioteket")
    coordinator.post(
        f"/needs/{earlier}/departments", data={"department_id": [biblioteket], "role": ["lead"], "effort_days": ["5"]}
    )
    viewer = client_as("viewer")
    sent = viewer.post(
        "/intake",
        data={
            "raised_by_name": "Nils",
            "title": "Trådlöst nätverk i läsesalen",
            "description": "Täckningen i biblioteket är dålig",
        },
    )
    need_id = int(sent.headers["location"].split("sent=")[1])
    page = coordinator.get(f"/needs/{need_id}", headers={"Accept-Language": "en"}).text
    assert "Routing suggestion" in page and "VSO för infrastruktur" in page, page[page.find("<main") :][:1500]
    assert f"like #{earlier}" in page
    area = _area_id(database_url)
    confirmed = coordinator.post(f"/needs/{need_id}/field", data={"field": "owning_area_id", "owning_area_id": area})
    assert confirmed.status_code == 303
    assert _sql(database_url, select(m.Need.owning_area_id).where(m.Need.id == need_id))[0][0] == area
