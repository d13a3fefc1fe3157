"""Recommendations and line decisions: the pure state rule, who may decide, the need's state from
several decisions, decisions that are never changed, the register and a head's desk."""

from __future__ import annotations

import asyncio
import io
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from registry.config import Settings, sync_url
from registry.db import models as m
from registry.decisions.models import DecisionOutcome, RecordChanged
from registry.decisions.rules import derive_state
from registry.needs.models import NeedState
from tests.conftest import ROLE_ACCOUNTS, open_client
from tests.database import sql as _sql
from tests.htmlpage import parse

A, R, D = DecisionOutcome.approve, DecisionOutcome.reject, DecisionOutcome.defer
UNDECIDED = None


# ---------------------------------------------------------------- the pure rule


def _expected(outcomes: list[DecisionOutcome | None]) -> tuple[NeedState | None, bool]:
    """The rule in the issue's words, written out case by case."""
    decided = [o for o in outcomes if o is not None]
    disagreement = A in decided and (R in decided or D in decided)
    if not outcomes or len(decided) < len(outcomes) or disagreement:
        return None, disagreement
    if set(decided) == {A}:
        return NeedState.approved, False
    if set(decided) == {R}:
        return NeedState.rejected, False
    return NeedState.deferred, False  # all defer, or defer and reject without any approve


COMBINATIONS = [c for n in range(0, 4) for c in itertools.product([UNDECIDED, A, R, D], repeat=n)]


@pytest.mark.parametrize("outcomes", COMBINATIONS, ids=lambda c: "-".join(o.value if o else "none" for o in c) or "no")
def test_every_combination_of_up_to_three_departments(outcomes):
    departments = list(range(1, len(outcomes) + 1))
    current = {d: o for d, o in zip(departments, outcomes, strict=True) if o is not None}
    derived = derive_state(departments, current)
    assert (derived.state, derived.disagreement) == _expected(list(outcomes))
    assert derived.pending == [d for d, o in zip(departments, outcomes, strict=True) if o is None]
    assert derived.approving == [d for d, o in current.items() if o is A]
    assert derived.explanation  # always says why, in words


def test_the_named_cases():
    assert derive_state([1, 2], {1: A}).state is None  # pending
    assert derive_state([1, 2], {1: A, 2: A}).state is NeedState.approved
    assert derive_state([1, 2], {1: R, 2: R}).state is NeedState.rejected
    assert derive_state([1, 2], {1: D, 2: D}).state is NeedState.deferred
    assert derive_state([1, 2], {1: D, 2: R}).state is NeedState.deferred
    split = derive_state([1, 2, 3], {1: A, 2: R, 3: D})
    assert split.state is None and split.disagreement and split.rejecting == [2] and split.deferring == [3]
    assert derive_state([], {}).state is None  # nobody affected: nobody can decide
    # A decision of a department that is not (or no longer) affected does not count.
    assert derive_state([1], {1: A, 9: R}).state is NeedState.approved


@given(st.dictionaries(st.integers(1, 8), st.sampled_from([UNDECIDED, A, R, D]), min_size=1, max_size=8))
def test_state_follows_from_the_decisions(table):
    affected = sorted(table)
    current = {d: o for d, o in table.items() if o is not None}
    derived = derive_state(affected, current)
    assert (derived.state, derived.disagreement) == _expected([table[d] for d in affected])
    assert sorted(derived.pending + derived.approving + derived.rejecting + derived.deferring) == affected
    # The order of the departments does not matter.
    assert derive_state(list(reversed(affected)), current).state is derived.state


# ---------------------------------------------------------------- in the registry


def _engine(url):
    return create_engine(sync_url(url))


def _id(url, model, slug):
    return _sql(url, select(model.id).where(model.slug == slug))[0][0]


def _state(url, need_id):
    return _sql(url, select(m.Need.state).where(m.Need.id == need_id))[0][0]


def _count(url, model):
    return _sql(url, select(func.count()).select_from(model))[0][0]


def _ready_need(coordinator, url, departments=("it-och-digital-infrastruktur", "hr")) -> int:
    """A development project of the infrastructure area, ready for the steering group, affecting `departments`."""
    response = coordinator.post(
        "/needs/new",
        data={
            "title": "Gemensam inloggning för alla system",
            "owning_area_id": str(_id(url, m.SupportArea, "infrastruktur")),
            "kind": "development_project",
            "channel": "email",
            "raised_on": (date.today() - timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 303, response.text[:1000]
    need_id = int(response.headers["location"].rsplit("/", 1)[1])
    ids = [str(_id(url, m.Department, slug)) for slug in departments]
    response = coordinator.post(
        f"/needs/{need_id}/departments",
        data={"department_id": ids, "role": ["lead"] * len(ids), "effort_days": ["10"] * len(ids)},
    )
    assert response.status_code == 303
    for state in ("clarified", "ready"):
        assert coordinator.post(f"/needs/{need_id}/transition", data={"state": state}).status_code == 303
    return need_id


def _recommend(client, need_id, outcome="now", rationale="Stor nytta för många.", **extra):
    return client.post(f"/needs/{need_id}/recommendations", data={"outcome": outcome, "rationale": rationale} | extra)


def _decide(client, need_id, department_id, outcome="approve", rationale="Vi gör det.", days="5", **extra):
    data = {"department_id": str(department_id), "outcome": outcome, "rationale": rationale, "committed_days": days}
    return client.post(f"/needs/{need_id}/decisions", data=data | extra)


@pytest.fixture
def recommended(client_as, database_url):
    """A need recommended by the steering group, affecting IT and HR: (need id, IT id, HR id)."""
    need_id = _ready_need(client_as("coordinator"), database_url)
    assert _recommend(client_as("steering_member"), need_id).status_code == 303
    assert _state(database_url, need_id) is NeedState.recommended
    return (
        need_id,
        _id(database_url, m.Department, "it-och-digital-infrastruktur"),
        _id(database_url, m.Department, "hr"),
    )


@pytest.fixture
def open_as(settings):
    """A client for any demo account (client_as knows only one account per role)."""
    opened = []

    def make(username):
        opened.append(open_client(settings, username))
        return opened[-1]

    yield make
    for client in opened:
        client.__exit__(None, None, None)


DECIDES_FOR_IT = {"department_head", "deputy_head"}  # chef.it and stf.chef.it; never the administrator


@pytest.mark.parametrize("role", [r for r in ROLE_ACCOUNTS if r != "anonymous"])
def test_only_the_head_or_deputy_of_that_department_decides(role, client_as, database_url, recommended):
    need_id, it, hr = recommended
    client = client_as(role)
    before = _count(database_url, m.LineDecision), _count(database_url, m.ChangeRecord)
    response = _decide(client, need_id, it)
    if role in DECIDES_FOR_IT:
        assert response.status_code == 303, response.text[:500]
        assert _count(database_url, m.LineDecision) == before[0] + 1
    else:
        assert response.status_code == 403, role
        assert (_count(database_url, m.LineDecision), _count(database_url, m.ChangeRecord)) == before
    # Nobody among them heads HR: the head of IT cannot decide for another department either.
    assert _decide(client, need_id, hr).status_code == 403
    assert _state(database_url, need_id) is NeedState.recommended  # HR has not decided


def test_the_need_page_offers_the_form_only_to_those_who_decide(client_as, recommended):
    need_id, it, _hr = recommended
    page = parse(client_as("department_head").get(f"/needs/{need_id}").text)
    forms = page.find_all("form", action=f"/needs/{need_id}/decisions")
    assert [f.find("input", name="department_id").get("value") for f in forms] == [str(it)]
    admin_page = client_as("admin").get(f"/needs/{need_id}").text
    assert f"/needs/{need_id}/decisions" not in admin_page
    assert "Administratörer kan inte registrera linjebeslut" in admin_page
    assert f"/needs/{need_id}/decisions" not in client_as("viewer").get(f"/needs/{need_id}").text


def test_state_follows_from_all_decisions_and_a_new_decision_supersedes(client_as, open_as, database_url, recommended):
    need_id, it, hr = recommended
    head_it, head_hr = client_as("department_head"), open_as("chef.hr")
    assert _decide(head_it, need_id, it, "approve", days="8").status_code == 303
    assert _state(database_url, need_id) is NeedState.recommended  # HR still to decide
    assert "Väntar på att 1 av de berörda avdelningarna" in head_it.get(f"/needs/{need_id}").text

    assert _decide(head_hr, need_id, hr, "reject", days="").status_code == 303
    assert _state(database_url, need_id) is NeedState.recommended  # they disagree
    section = parse(head_it.get(f"/needs/{need_id}").text).find("section", id="decisions")
    assert "Avdelningarna är oeniga" in section.text
    assert "Godkänt: Avd. för IT och digital infrastruktur" in section.text
    assert "Avslaget: Avd. för HR" in section.text

    # The head of IT changes their mind: a new decision, the old one kept and pointed at.
    assert _decide(head_it, need_id, it, "reject", "Vi saknar resurser.", days="").status_code == 303
    assert _state(database_url, need_id) is NeedState.rejected
    rows = _sql(
        database_url,
        select(m.LineDecision.id, m.LineDecision.department_id, m.LineDecision.outcome, m.LineDecision.supersedes_id)
        .where(m.LineDecision.need_id == need_id)
        .order_by(m.LineDecision.id),
    )
    assert [(r.department_id, r.outcome) for r in rows] == [(it, A), (hr, R), (it, R)]
    assert rows[2].supersedes_id == rows[0].id and rows[0].supersedes_id is None
    transitions = _sql(
        database_url,
        select(m.NeedTransition.to_state, m.NeedTransition.actor_name)
        .where(m.NeedTransition.need_id == need_id)
        .order_by(m.NeedTransition.id),
    )
    assert transitions[-1] == (NeedState.rejected, "Maria Dahl")
    records = _sql(
        database_url,
        select(m.ChangeRecord.object_type, m.ChangeRecord.actor_name).where(
            m.ChangeRecord.object_type.in_(["line_decision", "recommendation"])
        ),
    )
    assert sorted(records) == sorted(
        [("recommendation", "Lars Lund"), ("line_decision", "Maria Dahl"), ("line_decision", "Anders Isaksson")]
        + [("line_decision", "Maria Dahl")]
    )
    # Decided: no more decisions.
    refused = _decide(head_hr, need_id, hr, "approve")
    assert refused.status_code == 422 and "rekommenderat" in refused.text


def test_all_approve_then_approved_and_all_defer_then_deferred(client_as, open_as, database_url):
    coordinator, steering = client_as("coordinator"), client_as("steering_member")
    it, hr = (_id(database_url, m.Department, s) for s in ("it-och-digital-infrastruktur", "hr"))
    first, second = _ready_need(coordinator, database_url), _ready_need(coordinator, database_url)
    for need_id in (first, second):
        assert _recommend(steering, need_id).status_code == 303
    deputy, head_hr = client_as("deputy_head"), open_as("chef.hr")
    assert _decide(deputy, first, it, "approve", days="3").status_code == 303
    assert _decide(head_hr, first, hr, "approve", days="2,5").status_code == 303
    assert _state(database_url, first) is NeedState.approved
    assert _sql(database_url, select(m.LineDecision.committed_days).where(m.LineDecision.need_id == first)) == [
        (3,),
        (2.5,),
    ]
    assert _decide(deputy, second, it, "defer", days="").status_code == 303
    assert _decide(head_hr, second, hr, "defer", days="").status_code == 303
    assert _state(database_url, second) is NeedState.deferred


def test_a_wrong_decision_is_refused_field_by_field_and_keeps_what_was_typed(client_as, database_url, recommended):
    need_id, it, hr = recommended
    head = client_as("department_head")
    before = _count(database_url, m.LineDecision), _count(database_url, m.ChangeRecord)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = _decide(head, need_id, it, "approve", "Min motivering", days="", decided_on=tomorrow)
    assert response.status_code == 422
    form = parse(response.text).find("form", action=f"/needs/{need_id}/decisions")
    assert "Ett godkännande binder persondagar" in form.text
    assert "framtiden" in form.text
    assert form.find("textarea", name="rationale").text == "Min motivering"
    assert form.find("input", name="outcome", value="approve").get("checked") is not None
    for data, message in [
        ({"outcome": "maybe"}, "godkänn, avslå eller skjut upp"),
        ({"rationale": "  "}, "motivering"),
        ({"outcome": "reject", "days": "4"}, "Bara ett godkännande binder persondagar"),
        ({"days": "-1"}, "0 till 100 000"),
        ({"days": "abc"}, "0 till 100 000"),
        ({"decided_on": "2026-13-40"}, "Inget giltigt datum"),
    ]:
        response = _decide(head, need_id, it, **({"outcome": "approve", "rationale": "Ok", "days": "5"} | data))
        assert response.status_code == 422 and message in response.text, (data, response.text[:300])
    # A department the need does not affect, and one that does not exist.
    for department in (_id(database_url, m.Department, "biblioteket"), "x"):
        assert _decide(head, need_id, department).status_code in (403, 422)
    assert (_count(database_url, m.LineDecision), _count(database_url, m.ChangeRecord)) == before
    assert _state(database_url, need_id) is NeedState.recommended
    assert hr  # HR untouched


def test_a_recorded_decision_is_never_changed(settings, client_as, database_url, recommended):
    need_id, it, _hr = recommended
    assert _decide(client_as("department_head"), need_id, it).status_code == 303
    engine = _engine(database_url)
    with Session(engine) as session:
        decision = session.scalars(select(m.LineDecision)).one()
        decision.rationale = "Ändrad i efterhand"
        with pytest.raises(RecordChanged):
            session.flush()
        session.rollback()
        recommendation = session.scalars(select(m.Recommendation)).one()
        recommendation.outcome = "not"
        with pytest.raises(RecordChanged):
            session.flush()
    engine.dispose()
    assert _sql(database_url, select(m.LineDecision.rationale)) == [("Vi gör det.",)]


def test_the_steering_group_recommends_and_nobody_else(client_as, database_url):
    coordinator = client_as("coordinator")
    need_id = _ready_need(coordinator, database_url)
    for role in ("viewer", "deputy_head", "process_owner"):
        assert _recommend(client_as(role), need_id).status_code == 403, role
    assert _count(database_url, m.Recommendation) == 0
    response = _recommend(client_as("steering_member"), need_id, "clarify", "Vilka användare berörs?")
    assert response.status_code == 303
    assert _state(database_url, need_id) is NeedState.clarified
    row = _sql(database_url, select(m.Recommendation.outcome, m.Recommendation.area_id, m.Recommendation.meeting_id))
    assert row == [("clarify", _id(database_url, m.SupportArea, "infrastruktur"), None)]
    # Not ready any more: a clear reason, nothing written.
    refused = _recommend(client_as("steering_member"), need_id, "now")
    assert refused.status_code == 422 and "redo för styrgruppen" in refused.text
    assert parse(refused.text).find("textarea", name="rationale").text == "Stor nytta för många."
    empty = _recommend(client_as("admin"), need_id, "now", "")
    assert empty.status_code == 422 and "motivering" in empty.text
    assert _count(database_url, m.Recommendation) == 1


def test_a_new_recommendation_starts_a_new_round(client_as, database_url, recommended):
    need_id, it, _hr = recommended
    head = client_as("department_head")
    assert _decide(head, need_id, it).status_code == 303
    assert not _awaiting(head, need_id)
    assert _recommend(client_as("steering_member"), need_id, "later", "Vänta till nästa år.").status_code == 303
    assert _state(database_url, need_id) is NeedState.recommended
    assert _awaiting(head, need_id)  # the department decides again on the new advice
    page = parse(head.get(f"/needs/{need_id}").text).find("section", id="decisions")
    assert "Prioritera senare" in page.text and "Tidigare rekommendationer (1)" in page.text
    assert "på en tidigare rekommendation" in page.text


def _awaiting(client, need_id) -> bool:
    page = parse(client.get("/my/decisions").text)
    table = page.find("section", aria_labelledby="waiting-heading")
    return any(a.get("href") == f"/needs/{need_id}#decisions" for a in table.find_all("a"))


def test_plain_moves_cannot_recommend_or_decide(client_as, database_url, recommended):
    need_id, _it, _hr = recommended
    response = client_as("department_head").post(f"/needs/{need_id}/transition", data={"state": "approved"})
    assert response.status_code == 422 and "Linjen beslutar" in response.text
    api = client_as("admin").post(f"/api/v1/needs/{need_id}/transitions", json={"state": "rejected"})
    assert api.status_code == 422
    assert _state(database_url, need_id) is NeedState.recommended
    page = parse(client_as("department_head").get(f"/needs/{need_id}").text)
    offered = [o.get("value") for s in page.find_all("select", id="move-state") for o in s.find_all("option")]
    assert not {"recommended", "approved", "rejected", "deferred"} & set(offered)


def test_my_decisions_lists_what_waits_and_what_was_decided(client_as, database_url, recommended):
    need_id, it, _hr = recommended
    deputy = client_as("deputy_head")
    assert _awaiting(deputy, need_id)
    assert _decide(deputy, need_id, it, "defer", "Inte i år.", days="").status_code == 303
    assert not _awaiting(deputy, need_id)
    recent = parse(deputy.get("/my/decisions").text).find("section", aria_labelledby="recent-heading")
    assert "Skjut upp" in recent.text and "Karl Jansson" in recent.text
    nobody = client_as("viewer").get("/my/decisions")
    assert nobody.status_code == 200 and "inte chef eller biträdande chef" in nobody.text


def test_the_register_filters_and_exports(client_as, open_as, database_url, recommended):
    need_id, it, hr = recommended
    head = client_as("department_head")
    assert _decide(head, need_id, it, "approve", days="4").status_code == 303
    assert _decide(head, need_id, it, "defer", "Senare ändå.", days="").status_code == 303
    viewer = client_as("viewer")
    page = parse(viewer.get("/decisions").text)
    rows = page.find("tbody").find_all("tr")
    assert len(rows) == 3  # the recommendation and both decisions, the superseded one too
    assert "ersatt" in rows[[r.text for r in rows].index(next(r.text for r in rows if "Godkänn" in r.text))].text
    only = lambda query: parse(viewer.get(f"/decisions?{query}").text).find("tbody").find_all("tr")  # noqa: E731
    assert len(only("kind=recommendation")) == 1
    assert len(only("outcome=defer")) == 1
    assert len(only(f"department={it}&kind=decision")) == 2
    assert len(only(f"department={hr}&kind=decision")) == 1  # "no match" row
    assert "Inga rekommendationer eller beslut" in viewer.get(f"/decisions?department={hr}&kind=decision").text
    assert len(only(f"area={_id(database_url, m.SupportArea, 'infrastruktur')}")) == 3
    assert len(only(f"area={_id(database_url, m.SupportArea, 'utbildning')}")) == 1
    future = (date.today() + timedelta(days=1)).isoformat()
    assert len(only(f"from={future}")) == 1  # nothing
    bad = viewer.get("/decisions?from=igår&outcome=kanske")
    assert bad.status_code == 200 and "igår" in bad.text and "kanske" in bad.text
    csv = viewer.get(f"/decisions/export.csv?department={it}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.count("\r\n") == 4  # header, the recommendation (the need affects IT) and two decisions
    assert "ersatt" in text and "Senare ändå." in text
    workbook = load_workbook(io.BytesIO(viewer.get("/decisions/export.xlsx").content))
    sheet = workbook.active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["Datum", "Typ", "Löpnummer"]
    assert sheet.max_row == 4


def test_an_exported_rationale_never_runs_as_a_formula(client_as, recommended):
    need_id, it, _hr = recommended
    head = client_as("department_head")
    assert _decide(head, need_id, it, "approve", '=HYPERLINK("http://x","y")', days="1").status_code == 303
    text = head.get("/decisions/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


# The demo is what `make run` loads into SQLite; the decision services are tested on both engines above.
@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_demo_decisions_are_made_through_the_services_and_only_once(database_url):
    from registry.cli import _in_session
    from registry.decisions.demo import load_demo_decisions
    from registry.needs.demo import load_demo_needs

    settings = Settings(database_url=database_url)
    asyncio.run(_in_session(settings, lambda session: load_demo_needs(session, 160)))
    made = asyncio.run(_in_session(settings, load_demo_decisions))
    assert made > 0
    assert asyncio.run(_in_session(settings, load_demo_decisions)) == 0
    recommendations, decisions = _count(database_url, m.Recommendation), _count(database_url, m.LineDecision)
    assert recommendations + decisions == made
    logged = _sql(
        database_url,
        select(func.count()).where(m.ChangeRecord.object_type.in_(["recommendation", "line_decision"])),
    )[0][0]
    assert logged == made
    # Every decided demo need got there by its departments' decisions.
    states = {s for (s,) in _sql(database_url, select(m.Need.state).join(m.Recommendation))}
    assert NeedState.recommended in states and states & {NeedState.approved, NeedState.rejected, NeedState.deferred}


def _count_queries(client, path):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_pages_cost_the_same_queries_whatever_the_number_of_decisions(client_as, open_as, database_url, recommended):
    need_id, it, hr = recommended
    head, deputy, head_hr = client_as("department_head"), client_as("deputy_head"), open_as("chef.hr")
    paths = [f"/needs/{need_id}", "/decisions", "/my/decisions"]
    few = [_count_queries(head, path) for path in paths]
    for n in range(3):
        assert _decide(head if n % 2 else deputy, need_id, it, "defer", f"Omgång {n}", days="").status_code == 303
    assert _decide(head_hr, need_id, hr, "approve", days="2").status_code == 303
    other = _ready_need(client_as("coordinator"), database_url)
    assert _recommend(client_as("steering_member"), other).status_code == 303
    assert [_count_queries(head, path) for path in paths] == few


def _reopen(client, need_id, reason="Behovet har ändrats: fler system ska ingå.", **extra):
    return client.post(f"/needs/{need_id}/reopen", data={"reopen_reason": reason} | extra)


def test_a_decided_need_is_closed_and_says_how_it_is_reopened(client_as, open_as, database_url, recommended):
    need_id, it, hr = recommended
    head_it, head_hr, steering = client_as("department_head"), open_as("chef.hr"), client_as("steering_member")
    assert _decide(head_it, need_id, it, "approve", days="3").status_code == 303
    assert _decide(head_hr, need_id, hr, "reject", days="").status_code == 303
    assert _decide(head_hr, need_id, hr, "approve", days="2").status_code == 303  # agreement: approved
    assert _state(database_url, need_id) is NeedState.approved
    english = {"Accept-Language": "en"}
    for client in (head_it, head_hr, steering):
        client.headers["accept-language"] = "en"
    # A head's change and a new recommendation are refused, each saying how to go on.
    changed = _decide(head_it, need_id, it, "reject", days="")
    assert changed.status_code == 422 and "its line decisions are closed" in changed.text
    again = _recommend(steering, need_id)
    assert again.status_code == 422 and "The steering group can reopen it" in again.text
    page = parse(steering.get(f"/needs/{need_id}", headers=english).text).find("section", id="decisions")
    notice = page.find("div", id="decided-notice").text
    assert "This need is decided (Decided: approved) and closed to new line decisions and recommendations." in notice
    assert "the area's steering group reopens it with the reason" in notice
    assert page.find("form", action=f"/needs/{need_id}/reopen") is not None
    # The head of HR (not in the area's steering group) sees the notice but may not reopen.
    head_page = parse(head_hr.get(f"/needs/{need_id}").text).find("section", id="decisions")
    assert head_page.find("div", id="decided-notice") is not None
    assert head_page.find_all("form", action=f"/needs/{need_id}/reopen") == []
    assert _reopen(head_hr, need_id).status_code == 403


def test_the_steering_group_reopens_a_decided_need_for_a_new_round(client_as, open_as, database_url, recommended):
    need_id, it, hr = recommended
    head_it, head_hr, steering = client_as("department_head"), open_as("chef.hr"), client_as("steering_member")
    assert _decide(head_it, need_id, it, "reject", days="").status_code == 303
    assert _decide(head_hr, need_id, hr, "reject", days="").status_code == 303
    assert _state(database_url, need_id) is NeedState.rejected  # rejected is a closed state
    decisions_before = _sql(database_url, select(m.LineDecision.id, m.LineDecision.outcome).order_by(m.LineDecision.id))
    # The reason is required.
    english = {"Accept-Language": "en"}
    steering.headers["accept-language"] = "en"
    missing = _reopen(steering, need_id, reason="  ")
    assert missing.status_code == 422 and "Say why the need is reopened" in missing.text
    assert _state(database_url, need_id) is NeedState.rejected
    assert _reopen(steering, need_id).status_code == 303
    assert _state(database_url, need_id) is NeedState.ready
    transition = _sql(
        database_url,
        select(m.NeedTransition.from_state, m.NeedTransition.to_state, m.NeedTransition.comment)
        .where(m.NeedTransition.need_id == need_id)
        .order_by(m.NeedTransition.id.desc())
        .limit(1),
    )[0]
    assert transition[:2] == ("rejected", "ready") and "Behovet har ändrats" in transition[2]
    assert any(
        "Behovet har ändrats" in (message or "")
        for (message,) in _sql(database_url, select(m.ChangeRecord.message).where(m.ChangeRecord.object_type == "need"))
    )
    # Nothing is overwritten: the earlier decisions are all still there, shown as earlier ones.
    assert _sql(database_url, select(m.LineDecision.id, m.LineDecision.outcome).order_by(m.LineDecision.id)) == (
        decisions_before
    )
    page = parse(steering.get(f"/needs/{need_id}", headers=english).text).find("section", id="decisions")
    assert "Not decided yet" in page.text and "Earlier decisions of" in page.text
    assert page.find_all("div", id="decided-notice") == []
    # A ready need is not decided: reopening again is refused.
    assert _reopen(steering, need_id).status_code == 422
    # The new recommendation opens a new round: the departments decide again, on it.
    assert _recommend(steering, need_id, "now", "Nu med fler system.").status_code == 303
    assert _decide(head_it, need_id, it, "approve", days="4").status_code == 303
    assert _state(database_url, need_id) is NeedState.recommended  # HR has not decided in this round
    assert _decide(head_hr, need_id, hr, "approve", days="1").status_code == 303
    assert _state(database_url, need_id) is NeedState.approved
    assert _count(database_url, m.LineDecision) == len(decisions_before) + 2
    assert _count(database_url, m.Recommendation) == 2
