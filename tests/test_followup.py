"""Follow-up figures against hand-computed data, and the page, its charts and its Excel export."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from registry.db import models as m
from registry.followup import figures
from tests.database import insert_need, scalar, sql
from tests.htmlpage import parse

D = date.fromisoformat
STATES = [
    "submitted",
    "clarified",
    "ready",
    "recommended",
    "approved",
    "rejected",
    "deferred",
    "in_progress",
    "done",
    "followed_up",
    "withdrawn",
    "merged",
]
STATUSES = ["not_measured", "on_track", "at_risk", "missed", "achieved"]


@pytest.fixture
def frames():
    needs = pd.DataFrame(
        [
            (1, "Ett", "done", "A", "email", "X", D("2026-01-01"), D("2026-03-01")),
            (2, "Två", "approved", "A", "intake_form", "X", D("2026-01-10"), D("2026-02-10")),
            (3, "Tre", "submitted", "B", "email", None, D("2026-02-01"), D("2026-02-01")),
            (4, "Fyra", "ready", None, "email", "Y", D("2026-02-15"), D("2026-02-20")),
        ],
        columns=["id", "title", "state", "area", "channel", "institution", "raised_on", "state_since"],
    )
    transitions = pd.DataFrame(
        [
            (1, "recommended", D("2026-01-11")),
            (1, "approved", D("2026-01-21")),
            (1, "done", D("2026-03-01")),
            (2, "recommended", D("2026-01-20")),
            (2, "approved", D("2026-02-10")),
            (4, "ready", D("2026-02-20")),
        ],
        columns=["need_id", "to_state", "on"],
    )
    moved = pd.DataFrame({"need_id": [2, 3], "moves": [1, 4]})
    decisions = pd.DataFrame(
        [
            (1, 1, "IT", "approve"),
            (2, 1, "HR", "approve"),
            (3, 2, "IT", "reject"),
            (4, 2, "IT", "approve"),  # IT changed its mind: this one counts
            (5, 2, "HR", "defer"),
            (6, 3, "HR", "approve"),
        ],
        columns=["id", "need_id", "department", "outcome"],
    )
    benefits = pd.DataFrame({"id": [1, 2, 3], "status": ["on_track", "on_track", "missed"]})
    return needs, transitions, moved, decisions, benefits


def test_figures_match_the_hand_computed_ones(frames):
    needs, transitions, moved, decisions, benefits = frames
    figs = figures.compute(
        needs, transitions, moved, decisions, benefits, today=D("2026-03-11"), states=STATES, statuses=STATUSES
    )
    by_state = figs["by_state"]
    assert by_state.loc["submitted", "B"] == 1 and by_state.loc["approved", "A"] == 1
    assert by_state.loc["ready", "–"] == 1 and by_state.loc["total", "total"] == 4
    assert list(by_state.index) == ["submitted", "ready", "approved", "done", "total"]  # life-cycle order

    lead = figs["lead_times"]
    assert lead.loc["recommendation"].tolist() == [2, 10.0, 10.0]
    # Decisions after 20 and 31 days: median 25.5, 80th percentile 20 + 0.8 × 11 = 28.8.
    assert lead.loc["decision", "needs"] == 2 and lead.loc["decision", "median"] == 25.5
    assert lead.loc["decision", "p80"] == pytest.approx(28.8)
    assert lead.loc["done"].tolist() == [1, 59.0, 59.0]
    trend = figs["trend"]
    assert trend.loc["2026-01", "decision"] == 20 and trend.loc["2026-02", "decision"] == 31
    assert trend.loc["2026-01", "recommendation"] == 10 and trend.loc["2026-03", "done"] == 59

    assert figs["waiting"].loc["submitted", "B"] == 38 and figs["waiting"].loc["approved", "A"] == 29
    assert figs["oldest"]["id"].tolist() == [3, 2, 4, 1]
    assert figs["oldest"]["days"].tolist() == [38, 29, 19, 10]

    assert figs["moves"]["needs"].tolist() == [2, 1, 0, 1]
    assert figs["moves"]["share"].tolist() == [0.5, 0.25, 0.0, 0.25]
    assert figs["channels"].loc["email"].tolist() == [3, 0.75]
    assert figs["institutions"]["needs"].to_dict() == {"X": 2, "–": 1, "Y": 1}

    table = figs["decisions"]
    assert table.loc["HR", "approve"] == 2 and table.loc["HR", "defer"] == 1
    assert table.loc["IT", "approve"] == 2 and table.loc["IT"].get("reject", 0) == 0
    assert figs["disagreement"] == {"shared": 2, "split": 1, "share": 0.5}
    assert figs["disagreeing_pairs"].values.tolist() == [["HR", "IT", 1]]
    assert figs["benefits"]["benefits"].to_dict() == {
        "not_measured": 0,
        "on_track": 2,
        "at_risk": 0,
        "missed": 1,
        "achieved": 0,
    }


def test_figures_of_an_empty_registry_are_empty_not_errors():
    empty = pd.DataFrame(columns=["id", "title", "state", "area", "channel", "institution", "raised_on", "state_since"])
    figs = figures.compute(
        empty,
        pd.DataFrame(columns=["need_id", "to_state", "on"]),
        pd.DataFrame({"need_id": [7], "moves": [2]}),  # a need outside the choice
        pd.DataFrame(columns=["id", "need_id", "department", "outcome"]),
        pd.DataFrame(columns=["id", "status"]),
        today=D("2026-03-11"),
        states=STATES,
        statuses=STATUSES,
    )
    assert figs["lead_times"]["needs"].tolist() == [0, 0, 0]
    assert figs["disagreement"]["shared"] == 0 and figs["oldest"].empty
    assert figs["moves"]["needs"].tolist() == [0, 0, 0, 0]


def _area(url, slug):
    return scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))


def test_the_page_its_charts_and_its_export(client_as, anonymous_client, database_url):
    infra, education = _area(database_url, "infrastruktur"), _area(database_url, "utbildning")
    for title, area, state in (
        ("Skrivare", infra, "submitted"),
        ("Wifi", infra, "ready"),
        ("Schema", education, "clarified"),
    ):
        need = scalar(database_url, insert_need(area, title, state))
        sql(database_url, update(m.Need).where(m.Need.id == need).values(raised_on=D("2026-01-05")))
    viewer = client_as("viewer")
    response = viewer.get("/follow-up", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    state_table = page.find("section", aria_labelledby="state-heading").find("table")
    rows = {
        row.find("th").text: [td.text for td in row.find_all("td")] for row in state_table.find("tbody").find_all("tr")
    }
    assert rows["Total"][-1] == "3"
    for image in page.find_all("img"):
        assert image.get("alt"), image.get("src")
    chart = viewer.get("/follow-up/charts/by_state.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert "default-src 'none'" in chart.headers["content-security-policy"] and b"<svg" in chart.content
    assert viewer.get("/follow-up/charts/nothing.svg").status_code == 404
    # Filtered to one area, then exported with the same filter.
    only = parse(viewer.get(f"/follow-up?area={infra}", headers={"Accept-Language": "en"}).text)
    state_table = only.find("section", aria_labelledby="state-heading").find("table")
    rows = {
        row.find("th").text: [td.text for td in row.find_all("td")] for row in state_table.find("tbody").find_all("tr")
    }
    assert rows["Total"][-1] == "2"
    export = viewer.get(f"/follow-up/export.xlsx?area={infra}", headers={"Accept-Language": "en"})
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert {"Needs by state", "Lead times", "Moves", "Decisions", "Benefits"} <= set(book.sheetnames)
    sheet = book["Needs by state"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[-1][0] == "Total" and values[-1][-1] == 2
    # A date that cannot be read is named, and left out.
    wrong = parse(viewer.get("/follow-up?from=2026-13-01", headers={"Accept-Language": "en"}).text)
    assert "2026-13-01" in wrong.find("div", class_="error-summary").text
    # Staff only.
    assert anonymous_client.get("/follow-up").status_code in (302, 303, 401)
