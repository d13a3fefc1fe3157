"""A need's way in, as people meet it in the browser: raised through the intake form, followed under
"My needs", clarified, routed and made ready by the coordinator; the needs list filtered, exported and
saved as a view; a file imported with a bad row."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from registry.spreadsheets import CSV_SEPARATOR
from tests.browser.conftest import download

pytestmark = pytest.mark.browser

INFRASTRUCTURE = "VSO för infrastruktur"
IT = "Avd. för IT och digital infrastruktur"


def raise_need(page: Page, look, title: str) -> int:
    """Raise a need through /intake; returns its number as the confirmation shows it."""
    page.goto("/intake")
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a need or an idea")
    look(page, "intake")
    page.get_by_label("What do you need?").fill(title)
    page.get_by_label("Describe the need").fill(
        "Teachers book the computer rooms by e-mail to Avd. för IT och digital infrastruktur; nobody sees "
        "which rooms are free (infrastruktur)."
    )
    page.get_by_label("Why is it needed?").fill("Double bookings every week at the start of term.")
    page.get_by_role("button", name="Send").click()
    confirmation = page.get_by_text(re.compile(r"Your need has been registered as #\d+"))
    expect(confirmation).to_be_visible()
    return int(re.search(r"#(\d+)", confirmation.inner_text()).group(1))


def test_intake_to_my_needs(open_context, look, later) -> None:
    page = open_context("viewer").new_page()
    page.goto("/intake")
    # An empty form: the error summary names both required fields, and what was typed is kept.
    page.get_by_label("Who are you?").fill("Nils Läsare, Institutionen för fysik")
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("2 fields need correcting")
    expect(summary.get_by_role("link", name=re.compile("What do you need"))).to_contain_text("required")
    later(lambda: expect(summary).to_be_focused(), "the error summary takes the focus")
    expect(page.get_by_label("Who are you?")).to_have_value("Nils Läsare, Institutionen för fysik")
    look(page, "intake-errors")

    number = raise_need(page, look, "Shared booking of computer rooms")
    expect(page).to_have_url(re.compile(r"/my/needs"))
    row = page.get_by_role("row", name=re.compile("Shared booking of computer rooms"))
    expect(row).to_contain_text(str(number))
    expect(row).to_contain_text("Submitted")
    look(page, "my-needs")
    later.verify()


def test_coordinator_clarifies_routes_and_readies(open_context, look, later) -> None:
    number = raise_need(open_context("viewer").new_page(), look, "Booking of teaching rooms for exams")
    page = open_context("coordinator").new_page()
    page.goto("/needs")
    page.get_by_label("Search title, description and cause").fill("teaching rooms for exams")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Booking of teaching rooms for exams").click()
    later(lambda: expect(page).to_have_url(re.compile(rf"/needs/{number}$")), "the address is the need's")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#{number} Booking of teaching rooms for exams")
    look(page, "need-submitted")

    # The routing suggestion names the area the text names; routing takes one click.
    suggestion = page.locator("section.notice")
    expect(suggestion).to_contain_text(INFRASTRUCTURE)
    suggestion.get_by_role("listitem").filter(has_text=INFRASTRUCTURE).get_by_role(
        "button", name="Route to this area"
    ).click()
    expect(page.locator("dl")).to_contain_text(INFRASTRUCTURE)

    # Clarify in place.
    section = page.locator("#field-clarified_need")
    section.get_by_text("Edit").click()
    section.get_by_role("textbox").fill("One booking calendar for all computer rooms, open to every teacher.")
    section.get_by_role("button", name="Save").click()
    expect(page.locator("#field-clarified_need .text")).to_have_text(
        "One booking calendar for all computer rooms, open to every teacher."
    )

    # Departments affected, with role and effort.
    departments = page.locator("form[action$='/departments']")
    departments.get_by_label("Department 1", exact=True).select_option(label=IT)
    departments.get_by_label("Role 1", exact=True).select_option(label="Lead")
    departments.get_by_label("Effort (person-days) 1", exact=True).fill("12")
    departments.get_by_role("button", name="Save departments").click()
    expect(page.locator("#departments-heading + *, section:has(#departments-heading)").first).to_contain_text(IT)
    # The save is confirmed on the page it leads to, where a screen reader announces it.
    expect(page.get_by_role("status").filter(has_text="Your changes have been saved.")).to_be_visible()
    look(page, "need-clarified")

    # Submitted → clarified → ready for the steering group.
    for state in ("Clarified", "Ready for the steering group"):
        page.get_by_label("Move to").select_option(label=state)
        page.locator("#move-comment").fill(f"Now {state.lower()}")
        page.get_by_role("button", name="Move").click()
        expect(page.locator("p .state")).to_have_text(state)
    expect(page.locator("section:has(#timeline-heading)")).to_contain_text("Ready for the steering group")
    look(page, "need-ready")
    later.verify()


def test_filter_export_and_save_a_view(open_context, look, later, tmp_path: Path) -> None:
    page = open_context("coordinator").new_page()
    page.goto("/needs")
    look(page, "needs")
    page.locator("#filter-area").select_option(label=INFRASTRUCTURE)
    page.locator("#filter-state").select_option(label="Submitted")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"state=submitted"))
    rows = page.locator("#bulk-form tbody tr")
    shown = rows.count()
    assert shown > 0
    for index in range(shown):
        expect(rows.nth(index)).to_contain_text("Submitted")
    look(page, "needs-filtered")
    filtered = page.url

    # The exports carry the filter: exactly the rows on the page.
    def csv_export() -> None:
        page.goto(filtered)
        saved = download(page, page.get_by_role("link", name="Export CSV"), tmp_path)
        assert saved.suffix == ".csv", saved.name
        exported = pd.read_csv(saved, sep=CSV_SEPARATOR, encoding="utf-8-sig")
        assert len(exported) == shown, f"the CSV has {len(exported)} rows, the page shows {shown}"
        assert set(exported["state"]) == {"submitted"}, set(exported["state"])

    def excel_export() -> None:
        page.goto(filtered)
        saved = download(page, page.get_by_role("link", name="Export Excel"), tmp_path)
        assert saved.suffix == ".xlsx", saved.name
        sheet = openpyxl.load_workbook(saved).active
        assert sheet.max_row - 1 == shown, f"the workbook has {sheet.max_row - 1} rows, the page shows {shown}"

    later(csv_export, "the CSV export holds the filtered needs")
    later(excel_export, "the Excel export holds the filtered needs")

    # Save the view, then open it again from the list of views.
    page.goto(filtered)

    def saved_views():
        views = page.locator("details.views")
        if views.get_attribute("open") is None:
            views.locator("summary").click()
        return views

    saved_views().get_by_label("Save this filter as").fill("Infrastructure, submitted")
    saved_views().locator("form[action='/needs/views'] button[type=submit]").click()
    expect(page.locator("details.views summary")).to_contain_text("(1)")
    expect(saved_views().get_by_role("link", name="Infrastructure, submitted")).to_be_visible()
    page.goto("/needs")
    saved_views().get_by_role("link", name="Infrastructure, submitted").click()
    expect(page).to_have_url(re.compile(r"state=submitted"))
    expect(page.locator("#bulk-form tbody tr")).to_have_count(shown)
    look(page, "needs-view")
    later.verify()


def test_import_a_file_with_a_bad_row(open_context, look, later, tmp_path: Path) -> None:
    page = open_context("coordinator").new_page()
    page.goto("/needs/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import needs")
    look(page, "import")

    def template_downloads() -> None:
        saved = download(page, page.get_by_role("link", name="Download an empty Excel template"), tmp_path)
        assert saved.suffix == ".xlsx", saved.name
        header = [cell.value for cell in openpyxl.load_workbook(saved).active[1]]
        assert "title" in header and "description" in header, header

    later(template_downloads, "the Excel template is saved as a file")
    page.goto("/needs/import")

    rows = pd.DataFrame(
        [
            {"title": "Imported: wifi in the lecture halls", "description": "From the import"},
            {"title": "", "description": "The second need has no title"},
        ]
    )
    upload = tmp_path / "needs.csv"
    rows.to_csv(upload, index=False)
    page.get_by_label("File (.csv or .xlsx)").set_input_files(upload)
    page.get_by_role("button", name="Check and import").click()
    # The file's third line (its header is line 1) is named, with the column and the reason.
    expect(page.get_by_text(re.compile(r"Nothing was saved: the file has 1 error"))).to_be_visible()
    errors = page.get_by_role("table").filter(has_text="Reason")
    expect(errors.get_by_role("row").nth(1)).to_have_text(re.compile(r"3\s*title\s*This field is required"))
    look(page, "import-refused")
    # All or nothing: the good row was not imported either.
    page.goto("/needs?q=wifi+in+the+lecture+halls")
    expect(page.get_by_role("link", name="Imported: wifi in the lecture halls")).to_have_count(0)
    later.verify()
