"""Prioritising in the registry: the example strategy, raters' scores, weights and AHP comparisons,
the ranked backlogs with their exports and chart; on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import func, select

from registry.db import models as m
from tests.conftest import post_form
from tests.database import insert_need
from tests.database import scalar as _scalar
from tests.database import sql as _sql
from tests.test_needs import _count_queries


def _goals(url):
    return [row[0] for row in _sql(url, select(m.StrategicGoal.id).order_by(m.StrategicGoal.position))]


def _need(url, title="Gemensam lokalbokning", state="ready", area="infrastruktur"):
    area_id = _scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == area))
    return _scalar(url, insert_need(area_id, title, state=state))


def _score_form(goals, benefit="3", urgency="2", risk="1", goal="2", comment="Viktigt för studenterna"):
    return {"benefit": benefit, "urgency": urgency, "risk_reduction": risk, "comment": comment} | {
        f"goal_{g}": goal for g in goals
    }


def _changes(url, object_type):
    return _scalar(
        url, select(func.count()).select_from(m.ChangeRecord).where(m.ChangeRecord.object_type == object_type)
    )


def test_the_seed_carries_an_example_strategy_marked_as_such(database_url, client):
    strategy = _sql(database_url, select(m.Strategy.name, m.Strategy.is_example))
    assert len(strategy) == 1 and strategy[0][1] is True
    assert len(_goals(database_url)) == 5
    assert (
        _scalar(database_url, select(func.count()).select_from(m.ScoringModel).where(m.ScoringModel.area_id.is_(None)))
        == 1
    )
    page = client.get("/strategy")
    assert page.status_code == 200
    assert "Exempel" in page.text and 'role="note"' in page.text


def test_an_admin_edit_makes_the_strategy_the_universitys_own(database_url, client):
    strategy_id = _scalar(database_url, select(m.Strategy.id))
    response = post_form(
        client,
        f"/strategy/{strategy_id}/edit",
        {
            "name": "Strategi 2026–2030",
            "mission": "Uppdraget",
            "description": "",
            "valid_from": "2026-01-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 303
    assert _sql(database_url, select(m.Strategy.name, m.Strategy.is_example)) == [("Strategi 2026–2030", False)]
    assert _changes(database_url, "strategy") >= 2


def test_a_goal_with_a_backwards_period_is_refused_and_the_form_keeps_the_text(database_url, client):
    strategy_id = _scalar(database_url, select(m.Strategy.id))
    before = len(_goals(database_url))
    response = post_form(
        client,
        f"/strategy/{strategy_id}/goals/new",
        {"name": "Öppen vetenskap", "description": "Mer öppet", "valid_from": "2027-01-01", "valid_to": "2026-01-01"},
    )
    assert response.status_code == 422
    assert "The period ends before it starts" in response.text or "slutar innan" in response.text
    assert "Öppen vetenskap" in response.text
    assert len(_goals(database_url)) == before


def test_each_rater_scores_on_their_own_and_the_backlog_shows_mean_and_disagreement(database_url, client_as):
    goals = _goals(database_url)
    need = _need(database_url)
    member, coordinator = client_as("steering_member"), client_as("coordinator")
    assert post_form(member, f"/needs/{need}/scores", _score_form(goals, benefit="3")).status_code == 303
    assert post_form(coordinator, f"/needs/{need}/scores", _score_form(goals, benefit="0")).status_code == 303
    # A rater changing their mind updates their own row only.
    assert post_form(member, f"/needs/{need}/scores", _score_form(goals, benefit="3", urgency="3")).status_code == 303
    rows = _sql(
        database_url, select(m.NeedScore.rater_name, m.NeedScore.benefit, m.NeedScore.urgency).order_by(m.NeedScore.id)
    )
    assert [(r[1], r[2]) for r in rows] == [(3, 3), (0, 2)]
    assert _changes(database_url, "need_score") == 3
    page = member.get(f"/needs/{need}/scores")
    assert page.status_code == 200 and "1,5" in page.text  # the mean benefit (3 + 0) / 2, in Swedish
    backlog = member.get("/areas/infrastruktur/priorities")
    assert backlog.status_code == 200
    assert f"#{need} Gemensam lokalbokning" in backlog.text
    disputed = backlog.text.split('id="disputed-heading"')[1].split("</section>")[0]
    assert f"#{need}" in disputed  # benefit 3 against 0: three steps apart


def test_bad_scores_are_refused_naming_the_field_and_nothing_is_written(database_url, client_as):
    goals = _goals(database_url)
    need = _need(database_url)
    member = client_as("steering_member")
    form = _score_form(goals, benefit="7", comment="Mitt resonemang") | {f"goal_{goals[0]}": ""}
    response = post_form(member, f"/needs/{need}/scores", form)
    assert response.status_code == 422
    assert 'href="#field-benefit"' in response.text and f'href="#field-goal_{goals[0]}"' in response.text
    assert "Mitt resonemang" in response.text
    assert _scalar(database_url, select(func.count()).select_from(m.NeedScore)) == 0


def test_only_the_areas_steering_group_scores_and_only_open_needs(database_url, client_as):
    goals = _goals(database_url)
    need = _need(database_url)
    other_area_need = _need(database_url, title="Annat område", area="styrning")
    assert post_form(client_as("viewer"), f"/needs/{need}/scores", _score_form(goals)).status_code == 403
    assert post_form(client_as("deputy_head"), f"/needs/{need}/scores", _score_form(goals)).status_code == 403
    # The demo steering member sits in the infrastructure area's group, not in governance's.
    assert (
        post_form(client_as("steering_member"), f"/needs/{other_area_need}/scores", _score_form(goals)).status_code
        == 403
    )
    closed = _need(database_url, title="Klart", state="done")
    response = post_form(client_as("steering_member"), f"/needs/{closed}/scores", _score_form(goals))
    assert response.status_code == 422
    assert _scalar(database_url, select(func.count()).select_from(m.NeedScore)) == 0


def test_weights_change_the_ranking_and_are_logged(database_url, client_as):
    goals = _goals(database_url)
    cheap, valuable = _need(database_url, title="Billig"), _need(database_url, title="Värdefull")
    member = client_as("steering_member")
    post_form(member, f"/needs/{cheap}/scores", _score_form(goals, benefit="1", urgency="1", risk="1", goal="1"))
    post_form(member, f"/needs/{valuable}/scores", _score_form(goals, benefit="3", urgency="3", risk="3", goal="3"))
    it = _scalar(database_url, select(m.Department.id).where(m.Department.slug == "it-och-digital-infrastruktur"))
    _sql(
        database_url,
        m.NeedDepartment.__table__.insert().values(
            need_id=cheap, department_id=it, role="lead", effort_days=1, created_at=func.now(), updated_at=func.now()
        ),
    )
    _sql(
        database_url,
        m.NeedDepartment.__table__.insert().values(
            need_id=valuable,
            department_id=it,
            role="lead",
            effort_days=400,
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )

    def order():
        text = member.get("/areas/infrastruktur/priorities").text.split('id="ranked-heading"')[1]
        return text.index(f"#{valuable} Värdefull") < text.index(f"#{cheap} Billig")

    assert order()  # weighted scoring: value counts more than ease
    form = {"method": "value_per_effort", "goal_weighting": "direct", "effort_half_days": "20"}
    form |= {
        f"weight_{name}": "1" for name in ("alignment", "benefit", "urgency", "risk_reduction", "breadth", "effort")
    }
    form |= {f"goal_{g}": "1" for g in goals}
    assert post_form(member, "/areas/infrastruktur/scoring", form).status_code == 303
    assert not order()  # value per person-day: 1 day beats 400
    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    assert _sql(database_url, select(m.ScoringModel.method).where(m.ScoringModel.area_id == area)) == [
        ("value_per_effort",)
    ]
    assert _changes(database_url, "scoring_model") == 2  # the seeded default, then the area's own
    page = member.get("/areas/infrastruktur/scoring")
    assert "value ÷ effort" in page.text.lower() or "värde ÷ insats" in page.text.lower()
    # Back to the default: the area's own model is removed (and that too is logged).
    assert post_form(member, "/areas/infrastruktur/scoring/reset", {}).status_code == 303
    assert _scalar(database_url, select(func.count()).select_from(m.ScoringModel)) == 1
    assert _changes(database_url, "scoring_model") == 3


def test_bad_weights_are_refused_field_by_field(database_url, client_as):
    member = client_as("steering_member")
    form = {"method": "weighted", "goal_weighting": "direct", "effort_half_days": "0"}
    form |= {"weight_alignment": "tre", "weight_benefit": "-1", "weight_urgency": "1", "weight_risk_reduction": "1"}
    form |= {"weight_breadth": "1", "weight_effort": "500"}
    response = post_form(member, "/areas/infrastruktur/scoring", form)
    assert response.status_code == 422
    for name in ("weight_alignment", "weight_benefit", "weight_effort", "effort_half_days"):
        assert f'href="#field-{name}"' in response.text
    assert 'value="tre"' in response.text
    assert _scalar(database_url, select(func.count()).select_from(m.ScoringModel)) == 1
    # The default model is the administrators' alone.
    assert post_form(member, "/priorities/scoring", form).status_code == 403


def test_ahp_comparisons_set_the_goal_weights_and_warn_when_inconsistent(database_url, client_as):
    goals = _goals(database_url)
    member = client_as("steering_member")
    consistent = {}
    for i, first in enumerate(goals):
        for second in goals[i + 1 :]:
            consistent[f"ahp_{first}_{second}"] = "3" if first == goals[0] else "1"
    assert post_form(member, "/areas/infrastruktur/scoring/comparisons", consistent).status_code == 303
    page = member.get("/areas/infrastruktur/scoring")
    assert ("0.10" in page.text or "0,10" in page.text) and 'class="warning"' not in page.text
    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    assert _sql(database_url, select(m.ScoringModel.goal_weighting).where(m.ScoringModel.area_id == area)) == [("ahp",)]
    # The first goal, three times as important as each other: 3/7 = 42,9 % (in Swedish).
    assert "42,9 %" in page.text
    contradictory = dict(consistent)
    contradictory[f"ahp_{goals[1]}_{goals[2]}"] = "9"
    contradictory[f"ahp_{goals[0]}_{goals[2]}"] = "1/9"
    post_form(member, "/areas/infrastruktur/scoring/comparisons", contradictory)
    assert 'class="warning"' in member.get("/areas/infrastruktur/scoring").text
    bad = dict(consistent) | {f"ahp_{goals[0]}_{goals[1]}": "10"}
    response = post_form(member, "/areas/infrastruktur/scoring/comparisons", bad)
    assert response.status_code == 422 and f'href="#field-ahp_{goals[0]}_{goals[1]}"' in response.text


def test_backlog_exports_and_chart(database_url, client_as):
    goals = _goals(database_url)
    need = _need(database_url)
    member = client_as("steering_member")
    post_form(member, f"/needs/{need}/scores", _score_form(goals))
    it = _scalar(database_url, select(m.Department.id).where(m.Department.slug == "it-och-digital-infrastruktur"))
    _sql(
        database_url,
        m.NeedDepartment.__table__.insert().values(
            need_id=need, department_id=it, role="lead", effort_days=12, created_at=func.now(), updated_at=func.now()
        ),
    )
    csv = member.get("/areas/infrastruktur/priorities/export.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.BytesIO(csv.content), sep=";", encoding="utf-8-sig")
    assert len(frame) == 1 and frame.iloc[0, 4] == need
    xlsx = member.get("/priorities/export.xlsx")
    assert pd.read_excel(io.BytesIO(xlsx.content)).shape[0] == 1
    chart = member.get("/areas/infrastruktur/priorities/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content and f"#{need}".encode() in chart.content
    everything = member.get("/priorities")
    assert everything.status_code == 200 and f"#{need} Gemensam lokalbokning" in everything.text
    filtered = member.get("/priorities?verdict=sensitive")
    assert f"#{need} Gemensam lokalbokning" not in filtered.text.split('id="ranked-heading"')[1]
    assert member.get("/priorities/export.pdf").status_code == 404


def test_a_backlog_costs_the_same_number_of_queries_whatever_its_size(database_url, client_as):
    member = client_as("steering_member")
    goals = _goals(database_url)
    first = [_need(database_url, title=f"Behov {n}") for n in range(3)]
    for need in first:
        post_form(member, f"/needs/{need}/scores", _score_form(goals))
    small = _count_queries(member, database_url, "/areas/infrastruktur/priorities")
    more = [_need(database_url, title=f"Fler {n}") for n in range(12)]
    for need in more:
        post_form(member, f"/needs/{need}/scores", _score_form(goals))
    large = _count_queries(member, database_url, "/areas/infrastruktur/priorities")
    assert small == large
