"""Notifications end to end: who is told what, in the registry and by e-mail through a real SMTP
server on loopback (aiosmtpd), in the recipient's language, after the commit, retried when the server
was down, and never sent twice."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import replace
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from registry.app import create_engine
from registry.db import models as m
from registry.notifications.mail import deliver_pending
from tests.conftest import open_client
from tests.database import scalar, sql
from tests.htmlpage import parse

ENGLISH = {"Accept-Language": "en"}


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on loopback, started on a free port; `start()` / `stop()` it at will."""

    class Server:
        def __init__(self) -> None:
            self.port = _free_port()
            self.inbox = Inbox()
            self.controller = None

        def start(self):
            self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
            self.controller.start()
            return self

        def stop(self):
            if self.controller is not None:
                self.controller.stop()
                self.controller = None

    server = Server()
    yield server
    server.stop()


@pytest.fixture
def mailing(settings, smtp):
    """Clients of an app that sends e-mail to the loopback server (retrying every second)."""
    mail_settings = replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port, mail_retry_seconds=1)
    opened = []

    def make(username):
        opened.append(open_client(mail_settings, username))
        return opened[-1]

    make.settings = mail_settings
    yield make
    for client in opened:
        client.__exit__(None, None, None)


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _id(url, model, slug):
    return scalar(url, select(model.id).where(model.slug == slug))


def _person(url, username):
    return scalar(url, select(m.Account.person_id).where(m.Account.username == username))


def _notifications(url, username):
    return sql(
        url,
        select(m.Notification.kind, m.Notification.need_id, m.Notification.read_at)
        .where(m.Notification.person_id == _person(url, username))
        .order_by(m.Notification.id),
    )


def _intake(client, title="Bättre kaffe"):
    response = client.post(
        "/intake", data={"raised_by_name": "Lars Läsare", "title": title, "description": "Kaffet är kallt."}
    )
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].split("sent=")[1])


def _ready_need(coordinator, url, title="Gemensam inloggning") -> int:
    response = coordinator.post(
        "/needs/new",
        data={
            "title": title,
            "owning_area_id": str(_id(url, m.SupportArea, "infrastruktur")),
            "kind": "development_project",
            "channel": "email",
            "raised_on": (date.today() - timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 303, response.text[:1000]
    need_id = int(response.headers["location"].rsplit("/", 1)[1])
    it = str(_id(url, m.Department, "it-och-digital-infrastruktur"))
    response = coordinator.post(
        f"/needs/{need_id}/departments", data={"department_id": [it], "role": ["lead"], "effort_days": ["10"]}
    )
    assert response.status_code == 303
    for state in ("clarified", "ready"):
        assert coordinator.post(f"/needs/{need_id}/transition", data={"state": state}).status_code == 303
    return need_id


def test_the_submitter_is_told_in_the_registry_and_by_email_in_their_language(mailing, smtp, database_url):
    smtp.start()
    viewer, coordinator = mailing("lasare"), mailing("samordnare")
    # The viewer reads e-mail in Norwegian.
    saved = viewer.post(
        "/notifications/preferences",
        data={"language": "nb", "in_registry": ["state_changed", "routed"], "by_email": ["state_changed", "routed"]},
    )
    assert saved.status_code == 303
    need = _intake(viewer)
    assert _notifications(database_url, "lasare") == []  # one's own submission is no news
    area = _id(database_url, m.SupportArea, "infrastruktur")
    routed = coordinator.post(f"/needs/{need}/field", data={"field": "owning_area_id", "owning_area_id": str(area)})
    assert routed.status_code == 303
    moved = coordinator.post(f"/needs/{need}/transition", data={"state": "clarified", "comment": "Vi tar det"})
    assert moved.status_code == 303
    assert [(kind, need_id) for kind, need_id, _read in _notifications(database_url, "lasare")] == [
        ("routed", need),
        ("state_changed", need),
    ]
    assert _wait_for(lambda: len(smtp.inbox.to("lasare@demo.invalid")) == 2)
    bodies = [message.get_content() for message in smtp.inbox.to("lasare@demo.invalid")]
    assert f"#{need} Bättre kaffe er nå: Avklart." in bodies[1], bodies[1]
    assert "Hei" in bodies[1] and f"/needs/{need}" in bodies[1] and "Vi tar det" in bodies[1]
    assert smtp.inbox.to("lasare@demo.invalid")[1]["Content-Language"] == "nb"
    # Every row is marked sent, once (the sender marks a row just after the server has taken the message).
    def rows():
        return sql(database_url, select(m.OutboxEmail.sent_at, m.OutboxEmail.attempts))

    assert _wait_for(lambda: all(sent is not None for sent, _attempts in rows())), rows()
    assert len(rows()) == 2 and all(attempts == 1 for _sent, attempts in rows()), rows()
    # The header counts the unread ones; the list shows them in the reader's language.
    page = parse(viewer.get("/notifications", headers=ENGLISH).text)
    assert "2 unread" in page.find("a", href="/notifications").text
    assert f"#{need} Bättre kaffe is now: Clarified." in page.find("table").text
    assert viewer.post("/notifications/read", data={}).status_code == 303
    assert all(read is not None for *_x, read in _notifications(database_url, "lasare"))
    assert (
        not parse(viewer.get("/", headers=ENGLISH).text)
        .find("a", href="/notifications")
        .find_all("span", class_="badge")
    )


def test_heads_coordinators_owners_and_followers_are_told_what_concerns_them(client_as, database_url):
    admin = client_as("admin")
    # A need arriving in the infrastructure area: its coordinator is told (the admin did it, not they).
    need = _ready_need(admin, database_url)
    assert ("need_arrived", need) in [(k, n) for k, n, _r in _notifications(database_url, "samordnare")]
    # Someone follows the need and hears about it; the steering group's recommendation tells the
    # heads and deputies of the affected departments that a decision awaits them.
    lasare = client_as("viewer")
    assert lasare.post(f"/needs/{need}/follow").status_code == 303
    assert f'action="/needs/{need}/unfollow"' in lasare.get(f"/needs/{need}").text
    steering = client_as("steering_member")
    assert (
        steering.post(f"/needs/{need}/recommendations", data={"outcome": "now", "rationale": "Stor nytta."}).status_code
        == 303
    )
    for head in ("chef.it", "stf.chef.it"):
        assert ("decision_awaited", need) in [(k, n) for k, n, _r in _notifications(database_url, head)], head
    assert ("decision_awaited", need) not in [(k, n) for k, n, _r in _notifications(database_url, "chef.hr")]
    assert ("recommended", need) in [(k, n) for k, n, _r in _notifications(database_url, "lasare")]
    # The head decides: the followers hear it; the head (who did it) does not.
    it = _id(database_url, m.Department, "it-och-digital-infrastruktur")
    decided = client_as("department_head").post(
        f"/needs/{need}/decisions",
        data={"department_id": str(it), "outcome": "approve", "rationale": "Vi gör det.", "committed_days": "5"},
    )
    assert decided.status_code == 303
    told = [(k, n) for k, n, _r in _notifications(database_url, "lasare")]
    assert ("decided", need) in told and ("state_changed", need) in told
    assert ("decided", need) not in [(k, n) for k, n, _r in _notifications(database_url, "chef.it")]
    # Unfollowing ends it.
    assert lasare.post(f"/needs/{need}/unfollow").status_code == 303
    before = len(_notifications(database_url, "lasare"))
    assert admin.post(f"/needs/{need}/transition", data={"state": "in_progress"}).status_code == 303
    assert len(_notifications(database_url, "lasare")) == before
    # Follow and unfollow are in the change log.
    logged = scalar(database_url, select(func.count()).where(m.ChangeRecord.object_type == "need_follower"))
    assert logged == 2
    # A drafted mandate waits for the process owner.
    today = date.today()
    drafted = client_as("coordinator").post(
        "/processes/kundtjanst-infrastruktur/mandate/new",
        data={
            "purpose": "Hjälp.",
            "scope": "",
            "goals": "",
            "deliverables": "",
            "reporting": "",
            "resources": "",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert drafted.status_code == 303
    page = parse(client_as("process_owner").get("/notifications", headers=ENGLISH).text)
    assert "/processes/kundtjanst-infrastruktur/mandate/2" in {a.get("href") for a in page.find("table").find_all("a")}


def test_a_merged_needs_followers_follow_the_surviving_need(client_as, database_url):
    viewer, coordinator = client_as("viewer"), client_as("coordinator")
    merged = _intake(viewer, "Kaffe igen")
    survivor = _ready_need(client_as("admin"), database_url, "Bättre kaffe för alla")
    assert coordinator.post(f"/needs/{merged}/merge", data={"merged_into_id": str(survivor)}).status_code == 303
    assert ("merged", merged) in [(k, n) for k, n, _r in _notifications(database_url, "lasare")]
    followers = sql(database_url, select(m.NeedFollower.person_id).where(m.NeedFollower.need_id == survivor))
    assert (_person(database_url, "lasare"),) in followers


def test_preferences_choose_what_one_hears_and_how(mailing, smtp, database_url):
    smtp.start()
    viewer, coordinator = mailing("lasare"), mailing("samordnare")
    # State changes: in the registry only; routing: not at all.
    assert (
        viewer.post("/notifications/preferences", data={"in_registry": ["state_changed"], "by_email": []}).status_code
        == 303
    )
    need = _intake(viewer)
    area = _id(database_url, m.SupportArea, "infrastruktur")
    coordinator.post(f"/needs/{need}/field", data={"field": "owning_area_id", "owning_area_id": str(area)})
    coordinator.post(f"/needs/{need}/transition", data={"state": "clarified"})
    assert [k for k, _n, _r in _notifications(database_url, "lasare")] == ["state_changed"]
    assert scalar(database_url, select(func.count()).select_from(m.OutboxEmail)) == 0
    # A wrong language is refused by name, and what was ticked is kept.
    wrong = viewer.post("/notifications/preferences", data={"language": "de", "in_registry": ["merged"]})
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith("text/html"), wrong.text[:3000]
    form = parse(wrong.text)
    assert form.find("p", id="language-error")
    assert form.find("input", id="in_registry-merged").get("checked") is not None
    assert form.find("input", id="in_registry-state_changed").get("checked") is None


def test_email_is_off_by_default(client_as, database_url):
    viewer = client_as("viewer")
    need = _intake(viewer)
    client_as("coordinator").post(
        f"/needs/{need}/field",
        data={"field": "owning_area_id", "owning_area_id": str(_id(database_url, m.SupportArea, "infrastruktur"))},
    )
    assert [k for k, _n, _r in _notifications(database_url, "lasare")] == ["routed"]
    assert scalar(database_url, select(func.count()).select_from(m.OutboxEmail)) == 0


def test_a_refused_change_tells_nobody(client_as, database_url):
    viewer = client_as("viewer")
    need = _intake(viewer)
    refused = client_as("coordinator").post(f"/needs/{need}/transition", data={"state": "done"})
    assert refused.status_code == 422
    assert _notifications(database_url, "lasare") == []


def test_email_waits_while_the_server_is_down_and_is_sent_once_when_it_is_back(mailing, smtp, database_url):
    viewer, coordinator = mailing("lasare"), mailing("samordnare")
    need = _intake(viewer)
    area = _id(database_url, m.SupportArea, "infrastruktur")
    coordinator.post(f"/needs/{need}/field", data={"field": "owning_area_id", "owning_area_id": str(area)})
    # Nothing listens yet: the attempt fails, and the row keeps the reason and waits.
    assert _wait_for(lambda: scalar(database_url, select(func.max(m.OutboxEmail.attempts))) >= 1)
    row = sql(database_url, select(m.OutboxEmail.sent_at, m.OutboxEmail.last_error))[0]
    assert row.sent_at is None and row.last_error
    # The server comes back: the next round sends it, once.
    smtp.start()
    assert _wait_for(lambda: len(smtp.inbox.to("lasare@demo.invalid")) == 1)
    assert _wait_for(lambda: sql(database_url, select(m.OutboxEmail.sent_at))[0][0] is not None)
    engine = create_engine(mailing.settings)
    try:
        again = asyncio.run(deliver_pending(async_sessionmaker(engine, expire_on_commit=False), mailing.settings))
    finally:
        asyncio.run(engine.dispose())
    assert again == 0
    time.sleep(1.5)  # a retry round passes
    assert len(smtp.inbox.to("lasare@demo.invalid")) == 1


def test_needs_registered_outside_the_app_are_followed_by_their_submitters_too(database_url):
    """Scripts and the demo loader tell nobody, but the submitter still follows the need."""
    from registry.needs.demo import load_demo_needs
    from tests.test_needs_demo import run

    assert run(database_url, lambda session: load_demo_needs(session, 25)) == 25
    submitted = sql(database_url, select(m.Need.id, m.Need.submitted_by_id).where(m.Need.submitted_by_id.is_not(None)))
    assert submitted
    followers = set(sql(database_url, select(m.NeedFollower.need_id, m.NeedFollower.person_id)))
    assert {(need, person) for need, person in submitted} <= followers
    assert scalar(database_url, select(func.count()).select_from(m.Notification)) == 0
