"""Meetings as an iCalendar document (RFC 5545), built with the `icalendar` package. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event


@dataclass(frozen=True)
class Entry:
    meeting_id: int
    title: str
    forum: str  # in words
    area: str
    held_on: date
    location: str
    cancelled: bool
    changed_at: datetime


def ical(name: str, entries: Iterable[Entry], base_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//VSO registry//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        # Meetings are kept by day: an all-day event, ending (exclusively) the next day.
        event.add("uid", f"meeting-{entry.meeting_id}@vso-registry")
        event.add("dtstamp", entry.changed_at)
        event.add("last-modified", entry.changed_at)
        event.add("dtstart", entry.held_on)
        event.add("dtend", entry.held_on + timedelta(days=1))
        event.add("summary", f"{entry.title} ({entry.forum}, {entry.area})")
        if entry.location:
            event.add("location", entry.location)
        event.add("url", f"{base_url}/meetings/{entry.meeting_id}")
        event.add("description", f"{entry.forum}: {entry.area}\n{base_url}/meetings/{entry.meeting_id}")
        calendar.add_component(event)
    return calendar.to_ical()
