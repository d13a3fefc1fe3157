"""Processes and benefits in the browser: the process owner appoints a process responsible, the team
gets a member, a new mandate is drafted and approved, the RACI matrix keeps its one-A rule, and a benefit
is measured; then the cross-department graph is explored and exported."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import download

pytestmark = pytest.mark.browser

PROCESS = "/processes/kundtjanst-infrastruktur"


def test_appoint_team_mandate_raci_and_benefit(open_context, look, later, tmp_path: Path) -> None:
    page = open_context("process_owner").new_page()
    page.goto(PROCESS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kundtjänst för infrastrukturtjänster")
    look(page, "process")

    # The owner appoints a process responsible; the appointment is kept with who and from when.
    page.get_by_label("Appoint").select_option(label="Lars Lund (Enhetschef)")
    page.get_by_role("button", name="Appoint").click()
    appointments = page.get_by_role("table", name="Appointments of the process responsible")
    expect(appointments.get_by_role("row").filter(has_text="Lars Lund")).to_contain_text("Ingrid Processägare")

    # A new team member with a role and allocated time.
    page.get_by_role("link", name="Add a member").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team member")
    look(page, "team-member")
    page.get_by_label("Person").select_option(label="Anders Isaksson (Avdelningschef)")
    page.get_by_label("Role in the process").fill("Contact for the service desk")
    page.get_by_label("Allocated time", exact=False).first.fill("8")
    page.get_by_role("button", name="Save").click()
    team = page.get_by_role("table", name="Process team")
    expect(team.get_by_role("row").filter(has_text="Anders Isaksson")).to_contain_text("Contact for the service desk")

    # A new version of the mandate, approved by the owner.
    page.get_by_role("link", name="Draft a new version").click()
    page.get_by_label("Goals").fill("One entrance for every question; no question sent on more than once.")
    look(page, "mandate-draft")
    page.get_by_role("button", name="Save").click()
    approve = page.get_by_role("button", name=re.compile(r"Approve version \d+"))
    version = re.search(r"\d+", approve.inner_text()).group(0)
    approve.click()
    expect(approve).to_have_count(0)  # an approved version is final: nothing left to approve
    page.goto(PROCESS)
    expect(
        page.get_by_text(re.compile(rf"In force: version {version}, approved by Ingrid Processägare"))
    ).to_be_visible()

    # RACI: two A's on one activity are refused with the rule in words; one A is saved.
    page.get_by_role("link", name="RACI matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("RACI matrix"))
    look(page, "raci")
    row = page.locator("tbody tr").first
    activity = row.locator("input[name=name]").input_value()
    cells = row.locator("select[name=cells]")
    cells.nth(0).select_option(label="A")
    cells.nth(1).select_option(label="A")
    row.get_by_role("button", name=f"Save {activity}").click()
    expect(page.locator("main").get_by_role("alert")).to_contain_text("exactly one A")
    expect(page.locator("tbody tr").first.locator("select[name=cells]").nth(1)).to_have_value(re.compile(":A$"))
    look(page, "raci-refused")
    row = page.locator("tbody tr").first
    row.locator("select[name=cells]").nth(1).select_option(label="R")
    row.get_by_role("button", name=f"Save {activity}").click()
    expect(page.locator("main").get_by_role("alert")).to_have_count(0)
    expect(page.locator("tbody tr").first.locator("select[name=cells]").nth(0)).to_have_value(re.compile(":A$"))

    def raci_excel() -> None:
        saved = download(page, page.get_by_role("link", name="Download (Excel)"), tmp_path)
        assert saved.suffix == ".xlsx", saved.name
        cells = [str(c.value) for s in openpyxl.load_workbook(saved) for r in s.iter_rows() for c in r]
        assert activity in cells

    later(raci_excel, "the RACI matrix as an Excel file")

    # A benefit of the process is measured; the table and the picture show the new value.
    page.goto(PROCESS)
    page.locator("section:has(#benefits-heading) tbody a").first.click()
    expect(page.get_by_role("heading", name="Measurements")).to_be_visible()
    look(page, "benefit")
    page.get_by_label(re.compile(r"^Value")).fill("37")
    page.get_by_label("Note").fill("Counted from the case system")
    page.locator("form[action$='/measurements']").get_by_role("button", name="Save").click()
    measured = page.get_by_role("table", name="Measured values and the expected path")
    expect(measured).to_contain_text("Counted from the case system")
    expect(page.locator("img[src$='chart.svg'], object[data$='chart.svg']").first).to_be_visible()
    later.verify()


def test_explore_and_export_the_graph(open_context, look, later, tmp_path: Path) -> None:
    page = open_context("coordinator").new_page()
    page.goto("/graph")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"Tied to the most departments: .*IT och digital"))
    look(page, "graph")

    # Filter by an area: the address and the tables follow.
    page.locator("main form[method=get] select").first.select_option(label="VSO för infrastruktur")
    page.locator("main form[method=get]").get_by_role("button").first.click()
    expect(page).to_have_url(re.compile(r"area=\d+"))
    look(page, "graph-filtered")
    filtered = page.url

    def graphml() -> None:
        page.goto(filtered)
        saved = download(page, page.get_by_role("link", name="GraphML"), tmp_path)
        assert saved.suffix == ".graphml", saved.name
        tree = ElementTree.fromstring(saved.read_text(encoding="utf-8"))
        assert tree.tag.endswith("graphml") and "IT och digital infrastruktur" in ElementTree.tostring(tree, "unicode")

    later(graphml, "the graph saved as GraphML")
    # The JSON and the SVG picture open in the browser, with the same filter.
    for name, kind in (("Node-link JSON", "json"), ("Picture (SVG)", "svg")):
        page.goto(filtered)
        page.get_by_role("link", name=name).click()
        page.wait_for_url(re.compile(rf"/graph\.{kind}\?.*area=\d+"))
        if kind == "json":
            body = page.locator("body").inner_text()
            assert json.loads(body)["nodes"], body[:300]
        else:
            body = page.content()
            expect(page.locator("svg").first).to_be_visible()
        assert "IT och digital infrastruktur" in body, body[:300]
    later.verify()
