"""Steering-group meetings: life cycle, agenda, capacity cut-line on the page, meeting mode with
edit conflicts, the frozen snapshot and the minutes; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine, func, select, update

from registry.config import sync_url
from registry.db import models as m
from registry.meetings.models import SnapshotIsFrozen
from tests.conftest import post_form
from tests.database import insert_need
from tests.database import scalar as _scalar
from tests.database import sql as _sql

ENGLISH = {"Accept-Language": "en"}


def _area(url, slug="infrastruktur"):
    return _scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))


def _department(url, slug):
    return _scalar(url, select(m.Department.id).where(m.Department.slug == slug))


def _need(url, title, state="ready", efforts=()):
    need = _scalar(url, insert_need(_area(url), title, state=state))
    for department, days in efforts:
        _sql(
            url,
            m.NeedDepartment.__table__.insert().values(
                need_id=need,
                department_id=department,
                role="lead",
                effort_days=days,
                created_at=func.now(),
                updated_at=func.now(),
            ),
        )
    return need


def _score(client, url, need, level):
    goals = [row[0] for row in _sql(url, select(m.StrategicGoal.id))]
    form = {"benefit": level, "urgency": level, "risk_reduction": level} | {f"goal_{g}": level for g in goals}
    assert post_form(client, f"/needs/{need}/scores", form).status_code == 303


def _meeting(client, url, **values):
    form = {
        "area_id": str(_area(url)),
        "forum": "steering_group",
        "title": "Styrgruppen i december",
        "held_on": date.today().isoformat(),
        "location": "Rum 4",
        "period_from": "2027-01-01",
        "period_to": "2027-06-30",
    } | values
    response = post_form(client, "/meetings/new", form)
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _items(url, meeting):
    return [
        row[0]
        for row in _sql(
            url, select(m.AgendaItem.need_id).where(m.AgendaItem.meeting_id == meeting).order_by(m.AgendaItem.position)
        )
    ]


def _item(url, meeting, need):
    return _scalar(url, select(m.AgendaItem.id).where(m.AgendaItem.meeting_id == meeting, m.AgendaItem.need_id == need))


def _version(url, item):
    return _scalar(url, select(m.AgendaItem.version).where(m.AgendaItem.id == item))


@pytest.fixture
def prepared(database_url, client_as):
    """Three ready needs scored high, middle and low, with IT efforts 30, 50 and 10 days."""
    it = _department(database_url, "it-och-digital-infrastruktur")
    member = client_as("steering_member")
    needs = {}
    for title, level, days in (("Hög", "3", 30), ("Mellan", "2", 50), ("Låg", "1", 10)):
        needs[title] = _need(database_url, title, efforts=[(it, days)])
        _score(member, database_url, needs[title], level)
    return {"it": it, "needs": needs, "coordinator": client_as("coordinator"), "member": member}


def test_a_new_steering_group_meeting_gets_the_ready_needs_best_ranked_first(database_url, prepared):
    meeting = _meeting(prepared["coordinator"], database_url)
    needs = prepared["needs"]
    assert _items(database_url, meeting) == [needs["Hög"], needs["Mellan"], needs["Låg"]]
    page = prepared["coordinator"].get(f"/meetings/{meeting}")
    assert page.status_code == 200 and "Styrgruppen i december" in page.text
    assert (
        _scalar(
            database_url,
            select(func.count()).select_from(m.ChangeRecord).where(m.ChangeRecord.object_type == "meeting"),
        )
        == 1
    )


def test_the_coordinator_changes_the_agenda_and_every_change_is_logged(database_url, prepared):
    coordinator, needs = prepared["coordinator"], prepared["needs"]
    meeting = _meeting(coordinator, database_url)
    extra = _need(database_url, "Tillagd", state="ready")
    assert post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": f"#{extra}"}).status_code == 303
    assert _items(database_url, meeting)[-1] == extra
    low = _item(database_url, meeting, needs["Låg"])
    assert post_form(coordinator, f"/meetings/{meeting}/agenda/{low}/move", {"direction": "up"}).status_code == 303
    assert _items(database_url, meeting) == [needs["Hög"], needs["Låg"], needs["Mellan"], extra]
    high = _item(database_url, meeting, needs["Hög"])
    assert post_form(coordinator, f"/meetings/{meeting}/agenda/{high}/delete", {}).status_code == 303
    assert needs["Hög"] not in _items(database_url, meeting)
    # Bad input: a need that does not exist, one already there, a move past the end.
    missing = post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": "999999"})
    assert missing.status_code == 422 and "999999" in missing.text and 'value="999999"' in missing.text
    assert post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(extra)}).status_code == 422
    assert post_form(coordinator, f"/meetings/{meeting}/agenda/{low}/move", {"direction": "up"}).status_code == 422
    records = _sql(
        database_url,
        select(m.ChangeRecord.action, m.ChangeRecord.after)
        .where(m.ChangeRecord.object_type == "meeting")
        .order_by(m.ChangeRecord.id),
    )
    assert len(records) == 4  # created, added, moved, removed
    agenda = sorted(records[-1][1]["agenda"], key=lambda row: row[1])  # [need, position] pairs
    assert [row[0] for row in agenda] == [needs["Låg"], needs["Mellan"], extra]
    # Only the area's coordinators (and admins) prepare the meeting.
    assert (
        post_form(prepared["member"], f"/meetings/{meeting}/agenda", {"need_id": str(needs["Hög"])}).status_code == 403
    )


def test_only_needs_the_steering_group_can_recommend_go_on_its_agenda(database_url, prepared):
    coordinator = prepared["coordinator"]
    meeting = _meeting(coordinator, database_url)
    for state, reason in (
        ("clarified", "Only a need that is ready for the steering group"),
        ("done", "Only a need that is ready for the steering group"),
        ("approved", "The need is decided (Decided: approved) and closed to new recommendations."),
    ):
        need = _need(database_url, f"Behov ({state})", state=state)
        refused = post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(need)}, headers=ENGLISH)
        assert refused.status_code == 422, state
        assert f"Need #{need} cannot be recommended: {reason}" in refused.text
        assert f'value="{need}"' in refused.text and need not in _items(database_url, meeting)
    deferred = _need(database_url, "Uppskjutet", state="deferred")
    refused = post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(deferred)}, headers=ENGLISH)
    assert refused.status_code == 422 and "A deferred need goes back on the agenda first" in refused.text
    elsewhere = _scalar(database_url, insert_need(_area(database_url, "styrning"), "Annat område", state="ready"))
    refused = post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(elsewhere)}, headers=ENGLISH)
    assert refused.status_code == 422 and "belongs to another area" in refused.text
    again = _need(database_url, "Redan rekommenderat", state="recommended")  # may be recommended anew
    assert post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(again)}).status_code == 303


def _messages(url, meeting):
    return [
        row[0]
        for row in _sql(
            url,
            select(m.ChangeRecord.message)
            .where(m.ChangeRecord.object_type == "meeting", m.ChangeRecord.object_id == meeting)
            .order_by(m.ChangeRecord.id),
        )
    ]


def test_a_meeting_is_edited_rescheduled_with_a_reason_and_cancelled_with_a_reason(database_url, prepared):
    coordinator, needs = prepared["coordinator"], prepared["needs"]
    meeting = _meeting(coordinator, database_url)
    form = coordinator.get(f"/meetings/{meeting}/edit", headers=ENGLISH)
    assert form.status_code == 200 and 'value="Styrgruppen i december"' in form.text
    moved = {"title": "Styrgruppen i januari", "held_on": "2030-01-15", "location": "Rum 5", "period_from": ""}
    refused = post_form(coordinator, f"/meetings/{meeting}/edit", moved | {"reason": ""}, headers=ENGLISH)
    assert refused.status_code == 422 and "Say why the meeting moves to another date" in refused.text
    assert 'value="Styrgruppen i januari"' in refused.text  # what was typed is kept
    assert _scalar(database_url, select(m.Meeting.held_on).where(m.Meeting.id == meeting)) == date.today()
    ok = post_form(
        coordinator, f"/meetings/{meeting}/edit", moved | {"reason": "Krockar med budgetmötet"}, headers=ENGLISH
    )
    assert ok.status_code == 303
    saved = select(m.Meeting.title, m.Meeting.held_on, m.Meeting.location, m.Meeting.period_from)
    assert _sql(database_url, saved.where(m.Meeting.id == meeting)) == [
        ("Styrgruppen i januari", date(2030, 1, 15), "Rum 5", None)
    ]
    assert _messages(database_url, meeting)[-1] == (
        f"Rescheduled from {date.today().isoformat()} to 2030-01-15: Krockar med budgetmötet"
    )
    # An edit that keeps the date needs no reason.
    assert post_form(coordinator, f"/meetings/{meeting}/edit", moved | {"title": "Januarimötet"}).status_code == 303
    # Cancelling needs its reason; then the meeting's record no longer changes.
    assert post_form(coordinator, f"/meetings/{meeting}/cancel", {"reason": " "}).status_code == 422
    assert post_form(coordinator, f"/meetings/{meeting}/cancel", {"reason": "Inga ärenden i år"}).status_code == 303
    assert _sql(database_url, select(m.Meeting.state, m.Meeting.cancel_reason).where(m.Meeting.id == meeting)) == [
        ("cancelled", "Inga ärenden i år")
    ]
    assert "Inga ärenden i år" in _messages(database_url, meeting)[-1]
    page = coordinator.get(f"/meetings/{meeting}", headers=ENGLISH).text
    assert "Cancelled" in page and "Inga ärenden i år" in page and f"/meetings/{meeting}/edit" not in page
    for path, body in (
        ("agenda", {"need_id": str(needs["Låg"])}),
        ("edit", moved | {"reason": "Igen"}),
        ("cancel", {"reason": "Igen"}),
        ("close", {"confirm": "yes"}),
    ):
        refused = post_form(coordinator, f"/meetings/{meeting}/{path}", body, headers=ENGLISH)
        assert refused.status_code == 422 and "The meeting is cancelled" in refused.text, path
    assert coordinator.get("/meetings", headers=ENGLISH).text.count("Cancelled") == 1
    assert post_form(prepared["member"], f"/meetings/{meeting}/cancel", {"reason": "x"}).status_code == 403


def test_closing_asks_for_confirmation_listing_what_is_frozen_and_written(database_url, prepared):
    coordinator, member, needs = prepared["coordinator"], prepared["member"], prepared["needs"]
    meeting = _meeting(coordinator, database_url)
    item = _item(database_url, meeting, needs["Hög"])
    advice = {"notes": "", "advice": "now", "rationale": "Stor nytta", "version": str(_version(database_url, item))}
    assert post_form(member, f"/meetings/{meeting}/items/{item}", advice).status_code == 303
    # The meeting page links to the confirmation; a bare POST (no confirmation) closes nothing.
    assert f'href="/meetings/{meeting}/close"' in coordinator.get(f"/meetings/{meeting}").text
    bare = post_form(coordinator, f"/meetings/{meeting}/close", {})
    assert bare.status_code == 303 and bare.headers["location"] == f"/meetings/{meeting}/close"
    assert _scalar(database_url, select(m.Meeting.state).where(m.Meeting.id == meeting)) == "planned"
    page = coordinator.get(f"/meetings/{meeting}/close", headers=ENGLISH)
    assert page.status_code == 200
    assert "The ranked list of 3 needs on the agenda" in page.text and "Frozen in the minutes" in page.text
    written = page.text.split('id="written-heading"')[1]
    assert f"#{needs['Hög']} Hög" in written and "Prioritise now" in written and "Stor nytta" in written
    assert "2 items have no recommendation" in written
    assert 'name="confirm" value="yes"' in page.text and "<script" not in page.text.split("<main")[-1]
    assert post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"}).status_code == 303
    assert _scalar(database_url, select(m.Meeting.state).where(m.Meeting.id == meeting)) == "closed"
    # A meeting on a later day shows why it cannot be closed yet.
    later = _meeting(coordinator, database_url, held_on="2099-01-01")
    early = coordinator.get(f"/meetings/{later}/close", headers=ENGLISH).text
    assert "The meeting cannot be closed now" in early and 'name="confirm"' not in early


def test_the_cut_line_follows_the_entered_capacity(database_url, prepared):
    coordinator, it, needs = prepared["coordinator"], prepared["it"], prepared["needs"]
    meeting = _meeting(coordinator, database_url)
    response = post_form(
        coordinator, f"/meetings/{meeting}/capacity", [("department_id", str(it)), ("available_days", "60")]
    )
    assert response.status_code == 303
    live = coordinator.get(f"/meetings/{meeting}/ranking", headers=ENGLISH).text
    # IT has 60 days: Hög (30) fits; Mellan (50) is 20 days short and skipped; Låg (10) still fits.
    assert (
        live.index(f"#{needs['Hög']} Hög")
        < live.index(f"#{needs['Låg']} Låg")
        < live.index('class="cut-line"')
        < live.index(f"#{needs['Mellan']} Mellan")
    )
    assert "Avd. för IT och digital infrastruktur short by 20 days" in live
    assert 'hx-trigger="every 10s"' in live and "How the line is drawn" in live
    # The load against the capacity, as a bar with its figures in text, and the bottleneck.
    assert '<meter min="0" max="60.0" value="40.0"' in live and "40 of 60 days (67 %)" in live
    assert "Bottleneck: Avd. för IT och digital infrastruktur" in live
    bad = post_form(
        coordinator, f"/meetings/{meeting}/capacity", [("department_id", str(it)), ("available_days", "sextio")]
    )
    assert bad.status_code == 422 and f'href="#field-capacity_{it}"' in bad.text
    # Forcing Mellan in (with a reason) puts it above the line; Hög no longer fits.
    item = _item(database_url, meeting, needs["Mellan"])
    form = {"forced": "in", "force_reason": "Lagkrav", "version": str(_version(database_url, item))}
    assert post_form(prepared["member"], f"/meetings/{meeting}/items/{item}/force", form).status_code == 303
    live = coordinator.get(f"/meetings/{meeting}/ranking").text
    assert (
        live.index(f"#{needs['Mellan']} Mellan")
        < live.index(f"#{needs['Låg']} Låg")
        < live.index('class="cut-line"')
        < live.index(f"#{needs['Hög']} Hög")
    )
    no_reason = {"forced": "out", "force_reason": "", "version": str(_version(database_url, item))}
    assert post_form(prepared["member"], f"/meetings/{meeting}/items/{item}/force", no_reason).status_code == 422


def test_a_department_outside_the_area_gets_a_capacity_and_limits_the_line(database_url, prepared):
    """HR is not in the infrastructure area; a need that also needs HR is limited by HR's capacity,
    and a need with an unestimated effort is not counted as 0 days."""
    coordinator, it = prepared["coordinator"], prepared["it"]
    hr = _department(database_url, "hr")
    meeting = _meeting(coordinator, database_url)
    staffed = _need(database_url, "Med HR", efforts=[(it, 5), (hr, 8)])
    unknown = _need(database_url, "Oskattad", efforts=[(it, None)])
    for need in (staffed, unknown):
        assert post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(need)}).status_code == 303
    page = coordinator.get(f"/meetings/{meeting}", headers=ENGLISH).text
    assert f'id="field-capacity_{hr}"' in page and "outside the area" in page
    rows = [("department_id", str(it)), ("available_days", "100"), ("department_id", str(hr)), ("available_days", "6")]
    assert post_form(coordinator, f"/meetings/{meeting}/capacity", rows).status_code == 303
    live = coordinator.get(f"/meetings/{meeting}/ranking", headers=ENGLISH).text
    line = live.index('class="cut-line"')
    assert live.index(f"#{staffed} Med HR") > line and "Avd. för HR short by 2 days" in live
    assert live.index(f"#{unknown} Oskattad") > line and "effort not estimated" in live
    assert "Bottleneck: Avd. för HR" in live


def test_a_later_edit_from_a_stale_page_is_refused_with_a_clear_message(database_url, prepared, client_as):
    meeting = _meeting(prepared["coordinator"], database_url)
    item = _item(database_url, meeting, prepared["needs"]["Hög"])
    opened = _version(database_url, item)  # both people open the item
    first = {"notes": "Anteckning A", "advice": "now", "rationale": "Stor nytta", "version": str(opened)}
    second = {"notes": "Anteckning B", "advice": "not", "rationale": "För dyrt", "version": str(opened)}
    assert post_form(prepared["member"], f"/meetings/{meeting}/items/{item}", first).status_code == 303
    refused = post_form(client_as("department_head"), f"/meetings/{meeting}/items/{item}", second)
    assert refused.status_code == 409
    assert "Anteckning B" in refused.text  # what the later person typed is kept for them
    assert _sql(database_url, select(m.AgendaItem.notes, m.AgendaItem.advice).where(m.AgendaItem.id == item)) == [
        ("Anteckning A", "now")
    ]
    # With the fresh version, the second person's save goes through.
    second["version"] = str(_version(database_url, item))
    assert post_form(client_as("department_head"), f"/meetings/{meeting}/items/{item}", second).status_code == 303
    # A recommendation needs its rationale.
    missing = {"notes": "", "advice": "later", "rationale": "", "version": str(_version(database_url, item))}
    assert post_form(prepared["member"], f"/meetings/{meeting}/items/{item}", missing).status_code == 422


def test_closing_freezes_a_snapshot_that_later_changes_cannot_alter(database_url, prepared):
    coordinator, member, needs, it = prepared["coordinator"], prepared["member"], prepared["needs"], prepared["it"]
    meeting = _meeting(coordinator, database_url)
    post_form(coordinator, f"/meetings/{meeting}/capacity", [("department_id", str(it)), ("available_days", "60")])
    attendee = _scalar(database_url, select(m.Account.person_id).where(m.Account.username == "styrgrupp"))
    assert post_form(coordinator, f"/meetings/{meeting}/attendees", {"person_id": str(attendee)}).status_code == 303
    item = _item(database_url, meeting, needs["Hög"])
    advice = {
        "notes": "Diskuterat",
        "advice": "now",
        "rationale": "Stor nytta",
        "version": str(_version(database_url, item)),
    }
    post_form(member, f"/meetings/{meeting}/items/{item}", advice)
    assert coordinator.get(f"/meetings/{meeting}/minutes").status_code == 404  # no minutes before closing
    closed = post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"})
    assert closed.status_code == 303, closed.text.split("error-summary")[-1][:800]
    # The recommendation went to the need: it now waits for the line decisions.
    assert _sql(
        database_url, select(m.Recommendation.need_id, m.Recommendation.meeting_id, m.Recommendation.outcome)
    ) == [(needs["Hög"], meeting, "now")]
    assert _scalar(database_url, select(m.Need.state).where(m.Need.id == needs["Hög"])) == "recommended"
    minutes = coordinator.get(f"/meetings/{meeting}/minutes")
    assert minutes.status_code == 200 and "Stor nytta" in minutes.text and "Lars Lund" in minutes.text
    frozen = _scalar(database_url, select(m.MeetingSnapshot.data).where(m.MeetingSnapshot.meeting_id == meeting))
    first = frozen["items"][0]
    assert first["need_id"] == needs["Hög"] and first["advice"] == "now" and first["above"] is True
    assert frozen["capacity"][0] == {
        "department": "Avd. för IT och digital infrastruktur",
        "available": 60.0,
        "load": 40.0,  # Hög 30 + Låg 10; Mellan (50) does not fit
        "remaining": 20.0,
    }
    assert frozen["bottleneck"] == ["Avd. för IT och digital infrastruktur"]
    # Later changes: scores, weights and the need's title change; the minutes do not.
    _score(member, database_url, needs["Hög"], "0")
    _sql(database_url, update(m.Need).where(m.Need.id == needs["Hög"]).values(title="Nytt namn"))
    assert (
        _scalar(database_url, select(m.MeetingSnapshot.data).where(m.MeetingSnapshot.meeting_id == meeting)) == frozen
    )
    again = coordinator.get(f"/meetings/{meeting}/minutes").text
    assert "Hög" in again and "Nytt namn" not in again
    # A closed meeting's record cannot change through the app…
    assert post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(needs["Låg"])}).status_code == 422
    assert (
        post_form(
            member, f"/meetings/{meeting}/items/{item}", advice | {"version": str(_version(database_url, item))}
        ).status_code
        == 422
    )
    assert post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"}).status_code == 422
    # …nor through the model.
    from sqlalchemy.orm import Session

    engine = create_engine(sync_url(database_url))
    with Session(engine) as session:
        snapshot = session.scalar(select(m.MeetingSnapshot).where(m.MeetingSnapshot.meeting_id == meeting))
        snapshot.data = {"items": []}
        with pytest.raises(SnapshotIsFrozen):
            session.flush()
    engine.dispose()
    # The minutes as Excel and PDF.
    xlsx = coordinator.get(f"/meetings/{meeting}/minutes.xlsx")
    frame = pd.read_excel(io.BytesIO(xlsx.content))
    assert len(frame) == 3 and "Stor nytta" in frame.astype(str).to_string()
    pdf = coordinator.get(f"/meetings/{meeting}/minutes.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_meeting_is_closed_on_its_day_or_later(database_url, prepared):
    coordinator = prepared["coordinator"]
    meeting = _meeting(coordinator, database_url, held_on="2099-01-01")
    refused = post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"})
    assert refused.status_code == 422 and "2099-01-01" in refused.text
    assert _scalar(database_url, select(m.Meeting.state).where(m.Meeting.id == meeting)) == "planned"


def test_a_recommendation_the_need_cannot_take_stops_the_close_and_names_the_need(database_url, prepared):
    coordinator, member, needs = prepared["coordinator"], prepared["member"], prepared["needs"]
    meeting = _meeting(coordinator, database_url)
    item = _item(database_url, meeting, needs["Mellan"])
    advice = {"notes": "", "advice": "later", "rationale": "Nästa år", "version": str(_version(database_url, item))}
    assert post_form(member, f"/meetings/{meeting}/items/{item}", advice).status_code == 303
    _sql(database_url, update(m.Need).where(m.Need.id == needs["Mellan"]).values(state="deferred"))
    refused = post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"})
    assert refused.status_code == 422 and f"#{needs['Mellan']}" in refused.text
    assert _scalar(database_url, select(m.Meeting.state).where(m.Meeting.id == meeting)) == "planned"
    assert _scalar(database_url, select(func.count()).select_from(m.MeetingSnapshot)) == 0
    assert _scalar(database_url, select(func.count()).select_from(m.Recommendation)) == 0


def test_a_need_raised_at_a_dialogue_arena_meeting_has_the_meeting_as_its_origin(database_url, client_as):
    coordinator = client_as("coordinator")
    meeting = _meeting(
        coordinator, database_url, forum="dialogue_arena", title="Dialogarena", period_from="", period_to=""
    )
    assert _items(database_url, meeting) == []  # an arena's agenda is not built from the backlog
    response = post_form(
        coordinator,
        f"/meetings/{meeting}/needs",
        {"title": "Fler laddplatser", "description": "Från institutionerna", "raised_by_name": "Kim"},
    )
    assert response.status_code == 303
    need = _scalar(database_url, select(m.RaisedAtMeeting.need_id).where(m.RaisedAtMeeting.meeting_id == meeting))
    assert _sql(database_url, select(m.Need.title, m.Need.channel, m.Need.raised_on).where(m.Need.id == need)) == [
        ("Fler laddplatser", "dialogue_arena", date.today())
    ]
    assert "Fler laddplatser" in coordinator.get(f"/meetings/{meeting}").text
    assert f'href="/meetings/{meeting}"' in coordinator.get(f"/needs/{need}").text  # its origin, on the need
    empty = post_form(coordinator, f"/meetings/{meeting}/needs", {"title": "", "description": "Utan rubrik"})
    assert empty.status_code == 422 and "Utan rubrik" in empty.text


def test_only_an_areas_coordinators_create_its_meetings_and_bad_input_is_named(database_url, client_as):
    member = client_as("steering_member")
    form = {"area_id": str(_area(database_url)), "forum": "steering_group", "title": "X", "held_on": "2026-12-10"}
    assert post_form(member, "/meetings/new", form).status_code == 403
    coordinator = client_as("coordinator")
    bad = post_form(
        coordinator,
        "/meetings/new",
        form | {"title": "", "held_on": "tisdag", "period_from": "2027-02-01", "period_to": "2027-01-01"},
    )
    assert bad.status_code == 422
    for name in ("title", "held_on"):
        assert f'href="#field-{name}"' in bad.text
    assert _scalar(database_url, select(func.count()).select_from(m.Meeting)) == 0


def test_two_simultaneous_saves_of_one_item_cannot_both_win_in_the_database(database_url, prepared):
    """Below the page's version check, the database guards too: the UPDATE carries the version the
    writer read, so of two transactions that read the same version only the first changes the row."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    meeting = _meeting(prepared["coordinator"], database_url)
    item_id = _item(database_url, meeting, prepared["needs"]["Hög"])
    engine = create_engine(sync_url(database_url))
    with Session(engine) as first, Session(engine) as second:
        mine, theirs = first.get(m.AgendaItem, item_id), second.get(m.AgendaItem, item_id)
        assert mine.version == theirs.version == 1
        mine.notes = "Först"
        first.commit()
        theirs.notes = "Sedan"
        with pytest.raises(StaleDataError):
            second.commit()
    engine.dispose()
    assert _sql(database_url, select(m.AgendaItem.notes, m.AgendaItem.version).where(m.AgendaItem.id == item_id)) == [
        ("Först", 2)
    ]


def test_a_capacity_form_opened_before_someone_elses_save_is_refused(database_url, prepared):
    coordinator, it = prepared["coordinator"], prepared["it"]
    meeting = _meeting(coordinator, database_url)
    page = coordinator.get(f"/meetings/{meeting}").text
    seen = page.split('name="seen" value="')[1].split('"')[0]  # both coordinators open the page
    first = [("seen", seen), ("department_id", str(it)), ("available_days", "60")]
    assert post_form(coordinator, f"/meetings/{meeting}/capacity", first).status_code == 303
    later = [("seen", seen), ("department_id", str(it)), ("available_days", "90")]
    refused = post_form(coordinator, f"/meetings/{meeting}/capacity", later)
    assert refused.status_code == 422 and 'href="#field-capacity"' in refused.text
    assert _scalar(database_url, select(m.DepartmentCapacity.available_days)) == 60
