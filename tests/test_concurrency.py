"""Optimistic concurrency: two people change the same object; the later save is refused with a clear
message, keeps what was typed and shows what changed, instead of silently overwriting the earlier.
Forms carry the version they were opened at; the API answers GET with an ETag and honours If-Match.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.db import models as m
from tests.conftest import post_form
from tests.database import insert_need, scalar, sql
from tests.htmlpage import parse


def _need(url: str, state: str = "submitted") -> int:
    area_id = scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))
    return scalar(url, insert_need(area_id, "Gemensam lokalbokning", state=state))


def _hidden_version(html: str) -> str:
    return parse(html).find("input", name="version").get("value", "")


def _english(client):
    client.cookies.set("registry_language", "en")
    return client


def test_a_need_edit_form_opened_before_another_save_is_refused_and_keeps_the_input(database_url, client_as):
    need = _need(database_url)
    first, second = _english(client_as("admin")), client_as("coordinator")
    opened = _hidden_version(first.get(f"/needs/{need}/edit").text)
    form = {"title": "Lokalbokning för hela campus", "description": "Min beskrivning", "version": opened}
    assert (
        post_form(second, f"/needs/{need}/edit", {"title": "Bokning av lokaler", "version": opened}).status_code == 303
    )

    refused = post_form(first, f"/needs/{need}/edit", form)
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("text/html")
    page = parse(refused.text)
    summary = page.find(class_="error-summary").text
    assert "Someone else saved first" in summary
    assert "Bokning av lokaler" in summary and "Lokalbokning för hela campus" in summary  # theirs beside yours
    assert page.find("input", name="title").get("value") == "Lokalbokning för hela campus"  # input kept
    assert scalar(database_url, select(m.Need.title).where(m.Need.id == need)) == "Bokning av lokaler"

    again = {**form, "version": _hidden_version(refused.text)}  # saving again after looking is allowed
    assert post_form(first, f"/needs/{need}/edit", again).status_code == 303
    assert scalar(database_url, select(m.Need.title).where(m.Need.id == need)) == "Lokalbokning för hela campus"


def test_an_in_place_field_edit_from_an_old_page_is_refused_and_keeps_the_text(database_url, client_as):
    need = _need(database_url)
    first, second = _english(client_as("admin")), client_as("coordinator")
    opened = _hidden_version(first.get(f"/needs/{need}").text)
    saved = post_form(second, f"/needs/{need}/field", {"field": "cause", "cause": "Deras orsak", "version": opened})
    assert saved.status_code == 303

    refused = post_form(first, f"/needs/{need}/field", {"field": "cause", "cause": "Min orsak", "version": opened})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("text/html")
    section = parse(refused.text).find(id="field-cause")
    assert "someone else changed this need" in section.text
    assert "Deras orsak" in section.find(class_="text").text  # what is saved now
    assert section.find("textarea").text == "Min orsak"  # what was typed
    assert scalar(database_url, select(m.Need.cause).where(m.Need.id == need)) == "Deras orsak"


def test_the_api_gives_an_etag_and_honours_if_match(database_url, client):
    need = _need(database_url)
    url = f"/api/v1/needs/{need}"
    read = client.get(url)
    etag = read.headers["etag"]
    assert etag == f'"{read.json()["version"]}"'
    changed = client.patch(url, json={"title": "Ny titel"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag

    stale = client.patch(url, json={"title": "Gammal titel"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert "changed since you read it" in stale.json()["detail"] or stale.json()["status"] == 412
    assert scalar(database_url, select(m.Need.title).where(m.Need.id == need)) == "Ny titel"
    assert client.patch(url, json={"title": "Utan villkor"}).status_code == 200  # If-Match is optional


def test_a_score_saved_in_another_tab_is_not_overwritten(database_url, client_as):
    goals = [row[0] for row in sql(database_url, select(m.StrategicGoal.id).order_by(m.StrategicGoal.position))]
    need = _need(database_url, state="ready")
    member = _english(client_as("steering_member"))
    form = {"benefit": "3", "urgency": "2", "risk_reduction": "1", "comment": ""} | {f"goal_{g}": "2" for g in goals}
    first_tab = _hidden_version(member.get(f"/needs/{need}/scores").text)
    second_tab = _hidden_version(member.get(f"/needs/{need}/scores").text)
    assert first_tab == second_tab == ""  # no score yet
    assert post_form(member, f"/needs/{need}/scores", {**form, "version": first_tab}).status_code == 303

    refused = post_form(member, f"/needs/{need}/scores", {**form, "benefit": "0", "version": second_tab})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("text/html")
    assert "saved from another tab or window" in refused.text
    assert "checked" in parse(refused.text).find("input", name="benefit", value="0").attrs
    assert scalar(database_url, select(m.NeedScore.benefit).where(m.NeedScore.need_id == need)) == 3

    current = _hidden_version(refused.text)
    assert re.fullmatch(r"\d+", current)
    assert post_form(member, f"/needs/{need}/scores", {**form, "benefit": "0", "version": current}).status_code == 303
    assert scalar(database_url, select(m.NeedScore.benefit).where(m.NeedScore.need_id == need)) == 0


# ---------------------------------------------------------------- the register's edit forms


def _form_state(html: str) -> dict[str, object]:
    """What a browser would post from the page's edit form as it stands."""
    form = parse(html).find("form", class_="form")
    state: dict[str, object] = {}
    for element in form.descendants():
        name = element.get("name")
        if not name or name == "_csrf_token":
            continue
        if element.tag == "input" and element.get("type") == "checkbox":
            if "checked" in element.attrs:
                state.setdefault(name, []).append(element.get("value"))
        elif element.tag == "input":
            state[name] = element.get("value", "")
        elif element.tag == "textarea":
            state[name] = element.text
        elif element.tag == "select":
            chosen = [o for o in element.find_all("option") if "selected" in o.attrs]
            state[name] = chosen[0].get("value", "") if chosen else ""
    return state


def _as_fields(state: dict[str, object]) -> list[tuple[str, str]]:
    return [(k, v) for k, value in state.items() for v in (value if isinstance(value, list) else [value])]


_BENEFIT = {
    "benefit_type": "time",
    "indicator": "Tid till nytt lösenord",
    "unit": "minuter",
    "baseline": "45",
    "starts_on": "2026-01-01",
    "target": "5",
    "target_date": "2027-01-01",
    "method": "Från ärendesystemet.",
    "frequency": "monthly",
}


def _edit_url(url: str, kind: str) -> tuple[str, str, object]:
    """The edit form of one object of the kind, a text field on it, and the column behind that field."""
    if kind == "area":
        return (
            "/areas/infrastruktur/edit",
            "purpose",
            select(m.SupportArea.purpose).where(m.SupportArea.slug == "infrastruktur"),
        )
    if kind == "department":
        return "/departments/hr/edit", "description", select(m.Department.description).where(m.Department.slug == "hr")
    if kind == "person":
        person = scalar(url, select(m.Person.id).order_by(m.Person.id))
        return f"/people/{person}/edit", "title", select(m.Person.title).where(m.Person.id == person)
    if kind == "benefit":
        benefit = scalar(url, select(m.Benefit.id).order_by(m.Benefit.id.desc()))
        return f"/benefits/{benefit}/edit", "method", select(m.Benefit.method).where(m.Benefit.id == benefit)
    process = scalar(url, select(m.Process.slug).order_by(m.Process.id))
    return f"/processes/{process}/edit", "description", select(m.Process.description).where(m.Process.slug == process)


@pytest.mark.parametrize("kind", ["area", "department", "person", "process", "benefit"])
def test_an_edit_form_of_the_register_opened_before_another_save_is_refused(database_url, client_as, kind):
    first, second = _english(client_as("admin")), client_as("admin")
    if kind == "benefit":
        planned = post_form(first, "/benefits/new?process=kundtjanst-infrastruktur", _BENEFIT)
        assert planned.status_code == 303
    edit, field, column = _edit_url(database_url, kind)
    opened = _form_state(first.get(edit).text)
    assert opened.get("version"), "the form carries the version it was opened at"
    theirs = _form_state(second.get(edit).text)
    assert post_form(second, edit, _as_fields({**theirs, field: "Deras text"})).status_code == 303

    refused = post_form(first, edit, _as_fields({**opened, field: "Min text"}))
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("text/html")
    summary = parse(refused.text).find(class_="error-summary").text
    assert "Someone else saved first" in summary and "Deras text" in summary and "Min text" in summary
    assert _form_state(refused.text)[field] == "Min text"  # what was typed is kept
    assert scalar(database_url, column) == "Deras text"  # the earlier save stands

    assert post_form(first, edit, _as_fields(_form_state(refused.text))).status_code == 303  # saved after a look
    assert scalar(database_url, column) == "Min text"


@pytest.mark.parametrize("path", ["/api/v1/areas/infrastruktur", "/api/v1/departments/hr"])
def test_the_register_api_gives_an_etag_and_honours_if_match(database_url, client, path):
    etag = client.get(path).headers["etag"]
    changed = client.patch(path, json={"description": "Ny"} if "departments" in path else {"purpose": "Ny"})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    stale = client.patch(
        path,
        json={"description": "Gammal"} if "departments" in path else {"purpose": "Gammal"},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    assert (
        client.patch(
            path, json={"name": client.get(path).json()["name"]}, headers={"If-Match": changed.headers["etag"]}
        ).status_code
        == 200
    )


def test_a_meeting_edit_form_opened_before_another_save_is_refused_and_keeps_the_input(database_url, client_as):
    from tests.test_meetings import _meeting

    first, second = _english(client_as("coordinator")), client_as("admin")
    meeting = _meeting(first, database_url)
    opened = parse(first.get(f"/meetings/{meeting}/edit").text)
    form = {
        field.get("name"): field.get("value", "")
        for field in opened.find_all("input")
        if field.get("name") not in (None, "_csrf_token")
    }
    assert form["version"]
    theirs = {**form, "title": "Styrgruppen flyttar", "location": "Aulan"}
    assert post_form(second, f"/meetings/{meeting}/edit", theirs).status_code == 303

    refused = post_form(first, f"/meetings/{meeting}/edit", {**form, "location": "Rum 7"})
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("text/html")
    page = parse(refused.text)
    summary = page.find(class_="error-summary").text
    assert "Someone else saved first" in summary and "Aulan" in summary and "Rum 7" in summary
    assert page.find("input", name="location").get("value") == "Rum 7"  # what was typed stays
    assert scalar(database_url, select(m.Meeting.location).where(m.Meeting.id == meeting)) == "Aulan"

    again = {**form, "location": "Rum 7", "version": _hidden_version(refused.text)}
    assert post_form(first, f"/meetings/{meeting}/edit", again).status_code == 303
    assert scalar(database_url, select(m.Meeting.location).where(m.Meeting.id == meeting)) == "Rum 7"
