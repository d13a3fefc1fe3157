"""The one place where the registry notices what to tell whom.

SQLAlchemy session events watch every write path at once (needs, decisions, meetings, processes):
`after_flush` notes what happened (new transitions, recommendations, line decisions, mandates, needs
arriving in or routed to an area); `before_commit` turns the notes into notifications and e-mails in
the same transaction; `after_commit` wakes the mail sender. Only sessions of the running app carry a
`Notifier` in `session.info`, so scripts (the demo loader, imports at the command line) stay quiet.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from registry.changes.service import current_actor
from registry.config import Settings
from registry.db import models as m
from registry.i18n import DEFAULT_LANGUAGE, LANGUAGES, reset_language, set_language
from registry.needs.models import NeedState
from registry.notifications import messages
from registry.notifications.models import NotificationKind as K

NOTIFIER = "notifier"
PENDING = "notifications_pending"
QUEUED = "emails_queued"


@dataclass
class Notifier:
    """What an app's sessions need to notify: its settings and its mail sender (if it sends e-mail)."""

    settings: Settings
    wake: Any = None  # called after a commit that queued e-mails


@dataclass
class Happened:
    kind: K
    need_id: int | None = None
    process_id: int | None = None
    area_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: int | None = None
    created: bool = False  # a need that was just registered


# ---------------------------------------------------------------- noting


def _note(session: Session, happened: Happened) -> None:
    session.info.setdefault(PENDING, []).append(happened)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    # Who follows what is kept on every write path (scripts and imports too); telling people only
    # where the app's sessions carry a notifier.
    telling = NOTIFIER in session.info
    actor = current_actor.get()
    base: dict[str, Any] = {"actor": actor.name} if actor.person_id else {}
    for obj in session.new:
        if not telling and not isinstance(obj, (m.Need, m.NeedTransition)):
            continue
        if isinstance(obj, m.NeedTransition) and obj.from_state is not None:
            data = base | {"to_state": obj.to_state.value, "comment": obj.comment}
            if obj.to_state is NeedState.merged:
                _note(session, Happened(K.merged, obj.need_id, data=data, actor_id=actor.person_id))
            elif obj.to_state is not NeedState.recommended:  # the recommendation says it, with its outcome
                _note(session, Happened(K.state_changed, obj.need_id, data=data, actor_id=actor.person_id))
        elif isinstance(obj, m.Recommendation):
            data = base | {"outcome": obj.outcome.value, "comment": obj.rationale}
            _note(session, Happened(K.recommended, obj.need_id, data=data, actor_id=actor.person_id))
            if obj.outcome is not m.RecommendationOutcome.clarify:
                _note(session, Happened(K.decision_awaited, obj.need_id, data=base, actor_id=actor.person_id))
        elif isinstance(obj, m.LineDecision):
            data = base | {"outcome": obj.outcome.value, "department_id": obj.department_id, "comment": obj.rationale}
            _note(session, Happened(K.decided, obj.need_id, data=data, actor_id=actor.person_id))
        elif isinstance(obj, m.Need):
            _note(
                session,
                Happened(
                    K.need_arrived,
                    obj.id,
                    area_id=obj.owning_area_id,
                    data=base,
                    actor_id=actor.person_id,
                    created=True,
                ),
            )
        elif isinstance(obj, m.Mandate) and not obj.is_approved:
            data = base | {"version": obj.version}
            _note(session, Happened(K.mandate_awaits, process_id=obj.process_id, data=data, actor_id=actor.person_id))
    for obj in session.dirty if telling else ():
        if isinstance(obj, m.Need):
            added = inspect(obj).attrs.owning_area_id.history.added
            if added and added[0] is not None:
                _note(session, Happened(K.routed, obj.id, area_id=added[0], data=base, actor_id=actor.person_id))
                _note(session, Happened(K.need_arrived, obj.id, area_id=added[0], data=base, actor_id=actor.person_id))


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(QUEUED, None)


# ---------------------------------------------------------------- telling


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    notifier: Notifier | None = session.info.get(NOTIFIER)
    pending: list[Happened] = session.info.pop(PENDING, [])
    if not pending:
        return
    told = _tell(session, notifier, pending)
    if told:
        session.info[QUEUED] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    notifier: Notifier | None = session.info.get(NOTIFIER)
    if session.info.pop(QUEUED, False) and notifier is not None and notifier.wake is not None:
        notifier.wake()


def _tell(session: Session, notifier: Notifier | None, pending: list[Happened]) -> int:
    """Keep the follows, and (with a notifier) write the notifications and e-mails for what happened.
    Returns the number of e-mails queued."""
    need_ids = {h.need_id for h in pending if h.need_id is not None}
    needs = {
        row.id: row
        for row in session.execute(
            select(m.Need.id, m.Need.title, m.Need.merged_into_id, m.Need.submitted_by_id).where(
                m.Need.id.in_(need_ids)
            )
        )
    }
    # A new need's submitter follows it; the followers of a merged need follow the need it went into.
    for h in pending:
        if h.created and h.need_id in needs and needs[h.need_id].submitted_by_id:
            _follow(session, h.need_id, [needs[h.need_id].submitted_by_id])
    followers: dict[int, set[int]] = defaultdict(set)
    for need_id, person_id in session.execute(
        select(m.NeedFollower.need_id, m.NeedFollower.person_id).where(m.NeedFollower.need_id.in_(need_ids))
    ):
        followers[need_id].add(person_id)
    merged_into = {
        h.need_id: needs[h.need_id].merged_into_id for h in pending if h.kind is K.merged and h.need_id in needs
    }
    for need_id, into in merged_into.items():
        if into is not None:
            _follow(session, into, followers[need_id])
    if notifier is None:
        return 0
    into_titles = dict(
        session.execute(
            select(m.Need.id, m.Need.title).where(m.Need.id.in_([i for i in merged_into.values() if i]))
        ).all()
    )
    area_ids = {h.area_id for h in pending if h.area_id is not None}
    areas = dict(
        session.execute(select(m.SupportArea.id, m.SupportArea.name).where(m.SupportArea.id.in_(area_ids))).all()
    )
    coordinators: dict[int, set[int]] = defaultdict(set)
    for area_id, person_id in session.execute(
        select(m.AreaCoordinator.area_id, m.AreaCoordinator.person_id).where(m.AreaCoordinator.area_id.in_(area_ids))
    ):
        coordinators[area_id].add(person_id)
    awaited = {h.need_id for h in pending if h.kind is K.decision_awaited}
    deciders: dict[int, list[tuple[int, str, set[int]]]] = defaultdict(list)  # need → (department, name, heads)
    for need_id, department_id, name, head, deputy in session.execute(
        select(
            m.NeedDepartment.need_id,
            m.Department.id,
            m.Department.name,
            m.Department.head_id,
            m.Department.deputy_head_id,
        )
        .join(m.Department, m.Department.id == m.NeedDepartment.department_id)
        .where(m.NeedDepartment.need_id.in_(awaited))
    ):
        deciders[need_id].append((department_id, name, {p for p in (head, deputy) if p}))
    department_ids = {h.data["department_id"] for h in pending if h.kind is K.decided}
    departments = dict(
        session.execute(select(m.Department.id, m.Department.name).where(m.Department.id.in_(department_ids))).all()
    )
    process_ids = {h.process_id for h in pending if h.process_id is not None}
    processes = {
        row.id: row
        for row in session.execute(
            select(m.Process.id, m.Process.name, m.Process.slug, m.Process.owner_id).where(
                m.Process.id.in_(process_ids)
            )
        )
    }

    # Who is told what: (person, kind, need, process, data, url), once each.
    messages_out: dict[tuple, tuple[int, Happened, dict[str, Any], str]] = {}

    def tell(person_id: int | None, h: Happened, data: dict[str, Any], url: str) -> None:
        if person_id is None or person_id == h.actor_id:
            return
        key = (person_id, h.kind, h.need_id, h.process_id, data.get("department_id"))
        messages_out.setdefault(key, (person_id, h, data, url))

    for h in pending:
        need = needs.get(h.need_id) if h.need_id is not None else None
        data = dict(h.data)
        if need is not None:
            data |= {"need_id": need.id, "title": need.title}
        url = f"/needs/{h.need_id}"
        if h.kind in (K.state_changed, K.routed, K.merged, K.recommended, K.decided):
            if need is None:
                continue
            if h.kind is K.routed:
                data["area"] = areas.get(h.area_id, "")
            if h.kind is K.merged:
                data |= {"into_id": need.merged_into_id, "into_title": into_titles.get(need.merged_into_id, "")}
            if h.kind is K.decided:
                data["department"] = departments.get(data["department_id"], "")
                url += "#decisions"
            for person_id in followers[need.id]:
                tell(person_id, h, data, url)
        elif h.kind is K.need_arrived and need is not None and h.area_id is not None:
            for person_id in coordinators[h.area_id]:
                tell(person_id, h, data | {"area": areas.get(h.area_id, "")}, url)
        elif h.kind is K.decision_awaited and need is not None:
            for department_id, name, heads in deciders[need.id]:
                for person_id in heads:
                    tell(person_id, h, data | {"department": name, "department_id": department_id}, url + "#decisions")
        elif h.kind is K.mandate_awaits and h.process_id in processes:
            process = processes[h.process_id]
            data |= {"process": process.name}
            tell(process.owner_id, h, data, f"/processes/{process.slug}/mandate/{data['version']}")
    if not messages_out:
        return 0
    recipients = {person_id for person_id, *_rest in messages_out.values()}
    people = {
        row.id: row
        for row in session.execute(
            select(m.Person.id, m.Person.name, m.Person.email, m.Person.language).where(m.Person.id.in_(recipients))
        )
    }
    preferences = {
        (p.person_id, p.kind): p
        for p in session.scalars(
            select(m.NotificationPreference).where(m.NotificationPreference.person_id.in_(recipients))
        )
    }
    queued = 0
    settings = notifier.settings
    for person_id, h, data, url in messages_out.values():
        preference = preferences.get((person_id, h.kind))
        in_registry = preference is None or preference.in_registry
        by_email = settings.sends_email and (preference is None or preference.by_email)
        person = people.get(person_id)
        if person is None or not (in_registry or by_email):
            continue
        data = {key: value for key, value in data.items() if value not in (None, "")}
        notification = m.Notification(
            person_id=person_id,
            kind=h.kind,
            need_id=h.need_id,
            process_id=h.process_id,
            data=data,
            url=url,
            # Heard by e-mail only: kept as read, so the registry's list shows it without counting it.
            read_at=None if in_registry else _now(),
        )
        session.add(notification)
        if by_email and person.email:
            language = (
                person.language if person.language in LANGUAGES else settings.default_language or DEFAULT_LANGUAGE
            )
            token = set_language(language)
            try:
                subject, body = messages.email(h.kind, data, settings.public_url + url, person.name)
            finally:
                reset_language(token)
            session.add(
                m.OutboxEmail(
                    recipient=person.email, language=language, subject=subject, body=body, notification=notification
                )
            )
            queued += 1
    return queued


def _follow(session: Session, need_id: int, people) -> None:
    people = set(people)
    if not people:
        return
    already = set(
        session.scalars(
            select(m.NeedFollower.person_id).where(
                m.NeedFollower.need_id == need_id, m.NeedFollower.person_id.in_(people)
            )
        )
    )
    for person_id in sorted(people - already):
        session.add(m.NeedFollower(need_id=need_id, person_id=person_id))
    session.flush()


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
