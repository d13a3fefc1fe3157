"""Post/redirect/get ends on a page that says what the save did: once, in the reader's language, and
never after a refusal, a log-in or a change of language (registry/web/flash.py)."""

from __future__ import annotations

import pytest

from tests.conftest import open_client, post_form
from tests.htmlpage import parse

ENGLISH = {"Accept-Language": "en"}
NEED = {
    "title": "Bättre bokning av grupprum",
    "description": "Studenter hittar inte lediga rum",
    "kind": "development_project",
    "channel": "email",
    "raised_on": "2026-10-01",
}
# The confirmation is the web layer's; one engine is enough.
pytestmark = pytest.mark.parametrize("engine_name", ["sqlite"])


def _confirmation(client, address, headers=None):
    confirmations = parse(client.get(address, headers=headers or {}).text).find_all(id="confirmation")
    return confirmations[0] if confirmations else None


def test_a_save_is_confirmed_once_on_the_page_it_leads_to(client_as):
    coordinator = client_as("coordinator")
    saved = post_form(coordinator, "/needs/new", NEED, headers=ENGLISH)
    assert saved.status_code == 303
    confirmation = _confirmation(coordinator, saved.headers["location"], ENGLISH)
    assert confirmation is not None and confirmation.get("role") == "status"
    assert confirmation.text == "Your changes have been saved."
    assert _confirmation(coordinator, saved.headers["location"]) is None  # a reload says nothing new


def test_the_confirmation_is_in_the_language_the_save_was_made_in(client_as):
    coordinator = client_as("coordinator")
    saved = post_form(coordinator, "/needs/new", NEED, headers={"Accept-Language": "nb"})
    assert _confirmation(coordinator, saved.headers["location"]).text == "Endringene dine er lagret."


def test_a_refused_save_is_not_confirmed(client_as):
    coordinator = client_as("coordinator")
    refused = post_form(coordinator, "/needs/new", NEED | {"title": ""}, headers=ENGLISH)
    assert refused.status_code == 422
    assert "confirmation" not in refused.text
    assert _confirmation(coordinator, "/needs") is None


def test_a_save_with_words_of_its_own_says_them_instead(client_as):
    viewer = client_as("viewer")
    sent = post_form(
        viewer, "/intake", {"raised_by_name": "Lars", "title": "Skrivare", "description": "Trasig"}, headers=ENGLISH
    )
    assert sent.status_code == 303
    number = int(sent.headers["location"].split("sent=")[1])
    page = parse(viewer.get(sent.headers["location"], headers=ENGLISH).text)
    assert page.find(id="confirmation").text == f"Thank you. Your need has been registered as #{number}."
    assert page.find("tr", class_="just-sent").find("a").get("href") == f"/needs/{number}"


def test_logging_in_and_out_and_choosing_a_language_are_not_saves(settings):
    visitor = open_client(settings, None)
    logged_in = post_form(visitor, "/login", {"username": "samordnare", "password": "vso-demo-2026", "next": "/"})
    assert logged_in.status_code == 303
    assert _confirmation(visitor, "/") is None
    assert post_form(visitor, "/language", {"language": "en", "next": "/"}).status_code == 303
    assert _confirmation(visitor, "/") is None
    assert post_form(visitor, "/logout", {}).status_code == 303
    assert _confirmation(visitor, "/login") is None
