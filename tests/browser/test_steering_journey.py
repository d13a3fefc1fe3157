"""From the steering group to the line, in the browser: a member scores; the coordinator holds a meeting
(agenda, capacity, meeting mode with a conflicting save from a second screen, closing, the minutes
downloaded and opened); then each affected department head decides."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import BrowserContext, expect
from pypdf import PdfReader

from tests.browser.conftest import download

pytestmark = pytest.mark.browser

AREA = "VSO för infrastruktur"
IT = "Avd. för IT och digital infrastruktur"
CAMPUS = "Avd. för fastighets- och campusplanering"


def _option(html: str, label: str) -> str:
    return re.search(rf'<option value="(\d+)"[^>]*>{re.escape(label)}</option>', html).group(1)


def ready_need(context: BrowserContext, title: str, efforts: dict[str, int]) -> int:
    """A need in AREA made ready for the steering group, through the same forms the coordinator's
    journey (test_need_journeys) walks in the browser, posted directly to keep this journey short."""
    token = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "registry_csrf")
    headers = {"x-csrftoken": token}
    sent = context.request.post(
        "/intake",
        form={"raised_by_name": "Frida Kvist", "title": title, "description": f"{title}: for the steering group."},
        headers=headers,
    )
    assert "sent=" in sent.url, (sent.status, sent.url, sent.text()[:3000])
    number = int(re.search(r"sent=(\d+)", sent.url).group(1))
    edit = context.request.get(f"/needs/{number}/edit").text()
    area = {"field": "owning_area_id", "owning_area_id": _option(edit, AREA)}
    assert context.request.post(f"/needs/{number}/field", form=area, headers=headers).ok
    page = context.request.get(f"/needs/{number}").text()
    fields = []
    for index, (name, days) in enumerate(efforts.items()):
        role = "lead" if index == 0 else "contributes"
        fields += [("department_id", _option(page, name)), ("role", role), ("effort_days", str(days))]
    body = "&".join(f"{key}={value}" for key, value in fields)
    form_headers = {**headers, "content-type": "application/x-www-form-urlencoded"}
    assert context.request.post(f"/needs/{number}/departments", data=body, headers=form_headers).ok
    for state in ("clarified", "ready"):
        assert context.request.post(f"/needs/{number}/transition", form={"state": state}, headers=headers).ok
    return number


def test_score_meet_close_and_decide(open_context, look, later, tmp_path: Path) -> None:
    coordinator = open_context("coordinator")
    first = ready_need(coordinator, "Single sign-on for the booking system", {IT: 12, CAMPUS: 4})
    second = ready_need(coordinator, "Door access cards for doctoral students", {IT: 6})

    # A steering-group member scores the first need, criterion by criterion.
    member = open_context("steering_member").new_page()
    member.goto(f"/needs/{first}/scores")
    expect(member.get_by_role("heading", level=1)).to_contain_text(f"#{first}")
    look(member, "scores")
    form = member.locator(f"form[action='/needs/{first}/scores']")
    for name in sorted(set(form.locator("input[type=radio]").evaluate_all("els => els.map(e => e.name)"))):
        form.locator(f"input[name='{name}'][value='3']").check()
    form.get_by_role("button", name=re.compile("Save")).click()
    raters = member.get_by_role("table", name="Each rater's scores")
    expect(raters).to_contain_text("Lars Lund")
    look(member, "scored")

    # The coordinator plans the meeting: the agenda is the area's ready needs, best-ranked first.
    page = coordinator.new_page()
    page.goto("/meetings/new")
    page.get_by_label("Support-service area").select_option(label=AREA)
    page.get_by_label("Title").fill("Steering group, infrastructure, December")
    page.get_by_label("Capacity period from").fill(f"{date.today().year + 1}-01-01")
    page.get_by_label("Capacity period to").fill(f"{date.today().year + 1}-06-30")
    look(page, "meeting-new")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Steering group, infrastructure, December")
    meeting_url = page.url
    agenda = page.get_by_role("table", name="Agenda")
    expect(agenda).to_contain_text("Single sign-on for the booking system")
    expect(agenda).to_contain_text("Door access cards for doctoral students")
    # The scored need comes before the unscored one (other journeys may have readied needs of their own).
    order = agenda.locator("tbody tr").all_inner_texts()
    position = {number: next(i for i, row in enumerate(order) if f"#{number} " in row) for number in (first, second)}
    assert position[first] < position[second], order
    look(page, "meeting-planned")

    # Capacity: the IT department has 14 person-days, so both needs (18 days from IT) do not fit.
    capacity = page.locator("form#field-capacity")
    capacity.get_by_label(IT).fill("14")
    capacity.get_by_label(CAMPUS).fill("10")
    capacity.get_by_role("button", name="Save capacity").click()
    # What is left is in the load table beside the form (steering-tools moved it out of the form):
    # available, above the line, left.
    load_row = page.get_by_role("table", name="Load against capacity").get_by_role("row").filter(has_text=IT)
    expect(load_row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^2([.,]0)?$"))  # 14 available, 12 above
    it_row = page.locator("form#field-capacity").get_by_role("row").filter(has_text=IT)
    expect(it_row.get_by_label(IT)).to_have_value(re.compile(r"^14([.,]0)?$"))

    # Meeting mode on the room's screen and on a second screen opened before the first one saves.
    page.get_by_role("link", name="Meeting mode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Meeting mode"))
    second_screen = open_context("coordinator").new_page()
    second_screen.goto(f"{meeting_url}/live")
    ranking = page.get_by_role("table", name="Ranked list and cut-line")
    expect(ranking.get_by_role("row").filter(has_text="Single sign-on")).to_contain_text("fits the capacity")
    expect(ranking.get_by_role("row").filter(has_text="Door access cards")).not_to_contain_text("fits the capacity")
    look(page, "meeting-mode")

    page.get_by_label("Discussion notes").fill("Everyone agrees it saves time at every start of term.")
    page.get_by_label("Prioritise now").check()
    page.get_by_label("Rationale").fill("Serves every goal; IT has the capacity this period.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(ranking.get_by_role("row").filter(has_text="Single sign-on")).to_contain_text("Prioritise now")

    # The second screen still shows the old version: its save is refused with a message, its text kept.
    look(second_screen, "second-screen", axe=False)
    second_screen.get_by_label("Prioritise later").check()
    second_screen.get_by_label("Rationale").fill("Wait for the new booking system.")
    second_screen.get_by_role("button", name="Save", exact=True).click()
    later(
        lambda: expect(second_screen.locator("main").get_by_role("alert")).to_contain_text(
            re.compile("saved|changed", re.I)
        ),
        "the conflicting save shows its message",
    )
    later(
        lambda: expect(second_screen.get_by_label("Rationale")).to_have_value("Wait for the new booking system."),
        "the refused recommendation is kept",
    )
    look(second_screen, "meeting-mode-conflict", axe=False)

    # The next item: not now.
    page.get_by_role("link", name=re.compile("Door access cards")).first.click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Door access cards"))).to_be_visible()
    page.get_by_label("Prioritise later").check()
    page.get_by_label("Rationale").fill("Next period, when IT has room.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(ranking.get_by_role("row").filter(has_text="Door access cards")).to_contain_text("Prioritise later")

    # Closing freezes the record and makes the minutes, in HTML, Excel and PDF.
    page.goto(meeting_url)
    # Closing goes through a confirmation page listing what is frozen and written (branch steering-tools).
    page.get_by_role("link", name="Close the meeting…").click()
    page.get_by_role("button", name="Close the meeting for good").click()
    expect(page.get_by_text(re.compile("Closed .* by Frida Kvist"))).to_be_visible()
    page.get_by_role("link", name="Minutes").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Steering group, infrastructure, December")
    expect(page.locator("main")).to_contain_text("Single sign-on for the booking system")
    look(page, "minutes")
    minutes_url = page.url

    def minutes_excel() -> None:
        saved = download(page, page.get_by_role("link", name="Excel"), tmp_path)
        assert saved.suffix == ".xlsx", saved.name
        workbook = openpyxl.load_workbook(saved)
        cells = " ".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)
        assert "Single sign-on for the booking system" in cells and "Door access cards" in cells

    def minutes_pdf() -> None:
        page.goto(minutes_url)
        saved = download(page, page.get_by_role("link", name="PDF"), tmp_path)
        assert saved.suffix == ".pdf", saved.name
        text = " ".join(p.extract_text() for p in PdfReader(saved).pages)
        assert "Single sign-on" in text and "Door access cards" in text, text[:500]

    later(minutes_excel, "the minutes as an Excel file")
    later(minutes_pdf, "the minutes as a PDF file")

    # Each affected head decides for their own department; the need is decided when both have.
    for username, days in (("chef.it", "12"), ("chef.campus", "4")):
        head = open_context(username).new_page()
        head.goto("/my/decisions")
        look(head, f"my-decisions-{username}")
        head.get_by_role("link", name=re.compile("Single sign-on for the booking system")).first.click()
        decision = head.locator(f"form[action='/needs/{first}/decisions']")
        decision.get_by_label("Approve", exact=False).first.check()
        decision.get_by_label("Rationale").fill("Fits our plan for the spring.")
        decision.get_by_label("Committed person-days").fill(days)
        decision.get_by_role("button", name="Record the decision").click()
        expect(head.locator("#decisions, section:has(#decisions-heading)").first).to_contain_text(
            "Fits our plan for the spring."
        )
        look(head, f"decided-{username}")
    expect(head.locator("p .state")).to_have_text("Decided: approved")
    later.verify()
