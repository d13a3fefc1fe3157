"""iCalendar feeds of meetings: per area (logged in, or with a person's key) and per person (secret link)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from registry.db import models as m
from tests.database import scalar, sql
from tests.htmlpage import parse


def _id(url, model, slug):
    return scalar(url, select(model.id).where(model.slug == slug))


def _meeting(url, area_slug, title, forum="steering_group", days=7):
    return scalar(
        url,
        m.Meeting.__table__.insert()
        .values(
            area_id=_id(url, m.SupportArea, area_slug),
            forum=forum,
            title=title,
            held_on=date.today() + timedelta(days=days),
            location="Sal 2",
            state="planned",
            closed_by_name="",
            created_at=func.now(),
            updated_at=func.now(),
        )
        .returning(m.Meeting.__table__.c.id),
    )


def _events(response) -> dict[str, object]:
    assert response.status_code == 200, response.status_code
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def _token(client) -> str:
    page = client.post("/calendar/link")
    assert page.status_code in (200, 201), page.status_code
    address = parse(page.text).find("input", id="my-feed").get("value")
    return re.search(r"/calendar/feed/([^/]+)/meetings\.ics", address).group(1)


def test_an_areas_feed(client_as, anonymous_client, database_url):
    first = _meeting(database_url, "infrastruktur", "Styrgruppsmöte maj")
    _meeting(database_url, "infrastruktur", "Dialogarena våren", forum="dialogue_arena", days=20)
    _meeting(database_url, "utbildning", "Annat område")
    events = _events(
        client_as("viewer").get("/calendar/areas/infrastruktur/meetings.ics", headers={"Accept-Language": "en"})
    )
    assert set(events) == {
        "Styrgruppsmöte maj (Steering group, VSO för infrastruktur)",
        "Dialogarena våren (Dialogue arena, VSO för infrastruktur)",
    }
    event = events["Styrgruppsmöte maj (Steering group, VSO för infrastruktur)"]
    assert event.decoded("dtstart") == date.today() + timedelta(days=7)
    assert str(event["uid"]) == f"meeting-{first}@vso-registry" and str(event["location"]) == "Sal 2"
    # Not for anyone without a log-in or a key.
    assert anonymous_client.get("/calendar/areas/infrastruktur/meetings.ics").status_code in (303, 401)
    assert anonymous_client.get("/calendar/areas/infrastruktur/meetings.ics?token=wrong").status_code in (303, 401)
    assert client_as("viewer").get("/calendar/areas/nowhere/meetings.ics").status_code == 404


def test_a_persons_feed_behind_a_secret_link(client_as, anonymous_client, database_url):
    _meeting(database_url, "infrastruktur", "Styrgruppsmöte maj")
    _meeting(database_url, "infrastruktur", "Dialogarena våren", forum="dialogue_arena")
    _meeting(database_url, "utbildning", "Annat område")
    attended = _meeting(database_url, "utbildning", "Besök hos utbildning")
    member = scalar(database_url, select(m.Account.person_id).where(m.Account.username == "styrgrupp"))
    sql(
        database_url,
        m.MeetingAttendee.__table__.insert().values(
            meeting_id=attended, person_id=member, created_at=func.now(), updated_at=func.now()
        ),
    )
    steering = client_as("steering_member")
    token = _token(steering)
    events = _events(anonymous_client.get(f"/calendar/feed/{token}/meetings.ics", headers={"Accept-Language": "sv"}))
    # Their steering group's meetings and the one they attended; not the arena's, not other areas'.
    assert set(events) == {
        "Styrgruppsmöte maj (Styrgrupp, VSO för infrastruktur)",
        "Besök hos utbildning (Styrgrupp, VSO för utbildning)",
    }
    # The key opens the area feeds too.
    assert anonymous_client.get(f"/calendar/areas/utbildning/meetings.ics?token={token}").status_code == 200
    # A new link replaces the old one; the change is logged, the token is not.
    newer = _token(steering)
    assert anonymous_client.get(f"/calendar/feed/{token}/meetings.ics").status_code == 404
    assert anonymous_client.get(f"/calendar/feed/{newer}/meetings.ics").status_code == 200
    logged = sql(
        database_url,
        select(m.ChangeRecord.before, m.ChangeRecord.after).where(m.ChangeRecord.object_type == "calendar_feed"),
    )
    assert len(logged) == 2
    assert all("token_hash" not in (after or {}) for _before, after in logged)
