"""Priorities in the JSON API: scores, the ranked backlogs and the scoring models, with the pages'
permissions and refusals that name the field; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from registry.db import models as m
from tests.database import insert_need
from tests.database import scalar as _scalar
from tests.database import sql as _sql


def _area(url, slug="infrastruktur"):
    return _scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))


def _goals(url):
    return [row[0] for row in _sql(url, select(m.StrategicGoal.id))]


def _score(url, level=2, **changes):
    return {
        "benefit": level,
        "urgency": level,
        "risk_reduction": level,
        "goals": {str(goal): level for goal in _goals(url)},
        "comment": "",
    } | changes


def _fields(response):
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {error["field"] for error in response.json().get("errors", [])}


def test_a_steering_member_scores_and_the_need_is_ranked(client_as, database_url):
    need = _scalar(database_url, insert_need(_area(database_url), "Att prioritera", state="ready"))
    member = client_as("steering_member")
    saved = member.put(f"/api/v1/needs/{need}/scores/mine", json=_score(database_url, 3, comment="Viktig"))
    assert saved.status_code == 200, saved.text
    assert saved.json()["benefit"] == 3 and saved.json()["comment"] == "Viktig"
    viewer = client_as("viewer")
    scores = viewer.get(f"/api/v1/needs/{need}/scores").json()
    assert [(s["rater_name"], s["urgency"]) for s in scores] == [(saved.json()["rater_name"], 3)]
    area = viewer.get("/api/v1/areas/infrastruktur/priorities").json()
    assert [row["need_id"] for row in area["rows"]] == [need] and area["rows"][0]["rank"] == 1
    assert area["rows"][0]["raters"] == 1 and area["rows"][0]["score"] > 0
    everywhere = viewer.get("/api/v1/priorities").json()
    assert need in [row["need_id"] for row in everywhere["rows"]]
    other = viewer.get("/api/v1/areas/utbildning/priorities").json()
    assert need not in [row["need_id"] for row in other["rows"]]


def test_scoring_is_refused_to_others_and_wrong_scores_are_named(client_as, database_url):
    need = _scalar(database_url, insert_need(_area(database_url), "Att prioritera", state="ready"))
    url = f"/api/v1/needs/{need}/scores/mine"
    assert client_as("viewer").put(url, json=_score(database_url)).status_code == 403
    assert client_as("anonymous").get(f"/api/v1/needs/{need}/scores").status_code == 401
    member = client_as("steering_member")
    goal = _goals(database_url)[0]
    wrong = member.put(url, json=_score(database_url, benefit=7) | {"goals": {str(goal): 5}})
    assert wrong.status_code == 422 and {"benefit", f"goals.{goal}"} <= _fields(wrong)
    assert member.put(url, json=_score(database_url) | {"stars": 5}).status_code == 400
    assert client_as("viewer").get(f"/api/v1/needs/{need}/scores").json() == []


def test_a_backlog_filter_that_makes_no_sense_is_a_400_naming_it(client_as):
    viewer = client_as("viewer")
    response = viewer.get("/api/v1/priorities", params={"state": "nonsense"})
    assert response.status_code == 400 and _fields(response) == {"state"}
    assert viewer.get("/api/v1/priorities", params={"area": 2**63}).status_code == 400
    assert viewer.get("/api/v1/areas/no-such-area/priorities").status_code == 404


def test_the_area_steering_group_changes_its_scoring_model(client_as):
    member = client_as("steering_member")
    model = member.get("/api/v1/areas/infrastruktur/scoring").json()
    assert model["own"] is False
    body = {key: model[key] for key in model if key.startswith("weight_")} | {
        "method": "value_per_effort",
        "goal_weighting": "direct",
        "effort_half_days": 30,
        "goal_weights": model["goal_weights_in_force"],
    }
    assert client_as("viewer").put("/api/v1/areas/infrastruktur/scoring", json=body).status_code == 403
    assert member.put("/api/v1/areas/utbildning/scoring", json=body).status_code == 403
    changed = member.put("/api/v1/areas/infrastruktur/scoring", json=body | {"weight_benefit": 5})
    assert changed.status_code == 200, changed.text
    assert changed.json()["own"] is True and changed.json()["method"] == "value_per_effort"
    assert changed.json()["weight_benefit"] == 5
    assert client_as("viewer").get("/api/v1/priorities/scoring").json()["method"] == "weighted"
    wrong = member.put("/api/v1/areas/infrastruktur/scoring", json=body | {"weight_benefit": 500, "method": "x"})
    assert wrong.status_code == 422 and _fields(wrong) == {"weight_benefit", "method"}
    assert member.put("/api/v1/priorities/scoring", json=body).status_code == 403
    assert client_as("admin").put("/api/v1/priorities/scoring", json=body).status_code == 200
