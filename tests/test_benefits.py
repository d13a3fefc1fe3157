"""Benefits realisation: the status derived from measurements (a plain function), planning benefits for
approved needs and for processes, measurements, the chart, and the portfolio with costs. Database
tests run on both engines."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select

from registry.benefits.status import Status, expected_progress, status
from registry.db import models as m
from tests.database import sql as _sql
from tests.htmlpage import parse

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 364 days
MIDDLE = date(2026, 7, 1)  # day 181: about half-way


# ---------------------------------------------------------------- the status, as a plain function


def test_not_measured_yet_until_the_first_measurement():
    assert status(10, 20, START, END, [], today=MIDDLE) is Status.not_measured
    assert status(10, 20, START, END, [], today=END + timedelta(days=1)) is Status.missed


def test_rising_indicator_on_track_at_risk_achieved_and_missed():
    assert expected_progress(MIDDLE, START, END) == 181 / 364
    assert status(10, 20, START, END, [(MIDDLE, 15)], today=MIDDLE) is Status.on_track
    assert status(10, 20, START, END, [(MIDDLE, 14.2)], today=MIDDLE) is Status.on_track  # within the tolerance
    assert status(10, 20, START, END, [(MIDDLE, 13.5)], today=MIDDLE) is Status.at_risk
    assert status(10, 20, START, END, [(MIDDLE, 21)], today=MIDDLE) is Status.achieved
    assert status(10, 20, START, END, [(END, 18)], today=END + timedelta(days=1)) is Status.missed
    # Only the latest measurement counts, whatever order they come in.
    points = [(MIDDLE, 11), (date(2026, 2, 1), 19)]
    assert status(10, 20, START, END, points, today=MIDDLE) is Status.at_risk


def test_falling_indicator_where_less_is_better():
    # Lead time from 30 days down to 10.
    assert status(30, 10, START, END, [(MIDDLE, 20)], today=MIDDLE) is Status.on_track
    assert status(30, 10, START, END, [(MIDDLE, 26)], today=MIDDLE) is Status.at_risk
    assert status(30, 10, START, END, [(MIDDLE, 35)], today=MIDDLE) is Status.at_risk  # got worse
    assert status(30, 10, START, END, [(MIDDLE, 9)], today=MIDDLE) is Status.achieved
    assert status(30, 10, START, END, [(END, 12)], today=END + timedelta(days=3)) is Status.missed


def test_early_measurements_are_judged_against_the_start_of_the_line():
    early = date(2026, 1, 10)
    assert status(30, 10, START, END, [(early, 30)], today=early) is Status.on_track
    assert status(30, 10, START, END, [(START - timedelta(days=5), 30)], today=early) is Status.on_track


# ---------------------------------------------------------------- pages and services


def _need(url, state="approved", effort="12.5"):
    area = _sql(url, select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur"))[0][0]
    it = _sql(url, select(m.Department.id).where(m.Department.slug == "it-och-digital-infrastruktur"))[0][0]
    need_id = _sql(
        url,
        insert(m.Need)
        .values(title="Självservice för lösenord", raised_on=date.today(), owning_area_id=area, state=state)
        .returning(m.Need.id),
    )[0][0]
    _sql(url, insert(m.NeedDepartment).values(need_id=need_id, department_id=it, role="lead", effort_days=effort))
    return need_id


def _benefit_form(**values):
    today = date.today()
    return {
        "benefit_type": "time",
        "indicator": "Tid till nytt lösenord",
        "unit": "minuter",
        "baseline": "45",
        "starts_on": (today - timedelta(days=100)).isoformat(),
        "target": "5",
        "target_date": (today + timedelta(days=100)).isoformat(),
        "method": "Från ärendesystemet.",
        "frequency": "monthly",
    } | values


def test_benefits_are_planned_for_approved_needs_by_the_area(client_as, database_url):
    url = database_url
    submitted_need = _need(url, state="submitted")
    coordinator = client_as("coordinator")
    refused = coordinator.post(f"/benefits/new?need={submitted_need}", data=_benefit_form())
    assert refused.status_code == 422
    assert "approved" in refused.text or "godkänt" in refused.text
    assert _sql(url, select(m.Benefit.id).where(m.Benefit.need_id == submitted_need)) == []

    need_id = _need(url)
    wrong = coordinator.post(
        f"/benefits/new?need={need_id}", data=_benefit_form(baseline="mycket", target_date="2020-01-01")
    )
    assert wrong.status_code == 422
    page = parse(wrong.text)
    assert page.find("p", id="error-baseline") and page.find("p", id="error-target_date")
    assert page.find("input", id="field-baseline").get("value") == "mycket"
    assert client_as("process_owner").post(f"/benefits/new?need={need_id}", data=_benefit_form()).status_code == 403
    response = coordinator.post(f"/benefits/new?need={need_id}", data=_benefit_form(baseline="45,0"))
    assert response.status_code == 303
    benefit_id = int(response.headers["location"].rsplit("/", 1)[1])
    need_page = parse(coordinator.get(f"/needs/{need_id}").text).find("section", id="benefits")
    assert "Tid till nytt lösenord" in need_page.text
    assert need_page.find("span", class_="status-not_measured")

    # A falling indicator, measured over time: the status follows the latest measurement.
    today = date.today()
    assert (
        coordinator.post(
            f"/benefits/{benefit_id}/measurements",
            data={"measured_on": (today - timedelta(days=50)).isoformat(), "value": "40"},
        ).status_code
        == 303
    )
    page = parse(coordinator.get(f"/benefits/{benefit_id}").text)
    assert page.find("span", class_="status-at_risk")
    assert (
        coordinator.post(
            f"/benefits/{benefit_id}/measurements",
            data={"measured_on": today.isoformat(), "value": "20", "note": "Ny portal"},
        ).status_code
        == 303
    )
    page = parse(coordinator.get(f"/benefits/{benefit_id}").text)
    assert page.find("span", class_="status-on_track")
    table = page.find("div", class_="chart-and-table").find("table").text
    assert "Ny portal" in table and "40" in table and "20" in table
    assert page.find("img").get("alt")
    chart = coordinator.get(f"/benefits/{benefit_id}/chart.svg")
    assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content

    future = coordinator.post(
        f"/benefits/{benefit_id}/measurements",
        data={"measured_on": (today + timedelta(days=3)).isoformat(), "value": "x"},
    )
    assert future.status_code == 422
    errors = parse(future.text).find("div", class_="error-summary").text
    assert "future" in errors or "framtiden" in errors
    assert client_as("viewer").post(f"/benefits/{benefit_id}/measurements", data={"value": "1"}).status_code == 403
    records = _sql(
        url,
        select(m.ChangeRecord.object_type, m.ChangeRecord.action, m.ChangeRecord.actor_name)
        .where(m.ChangeRecord.object_type.in_(["benefit", "benefit_measurement"]))
        .order_by(m.ChangeRecord.id.desc())
        .limit(3),
    )
    assert [(t, a.value, who) for t, a, who in records] == [
        ("benefit_measurement", "create", "Frida Kvist"),
        ("benefit_measurement", "create", "Frida Kvist"),
        ("benefit", "create", "Frida Kvist"),
    ]


def test_the_benefit_responsible_may_measure_but_not_replan(client_as, database_url):
    url = database_url
    viewer = _sql(url, select(m.Account.person_id).where(m.Account.username == "lasare"))[0][0]
    owner = client_as("process_owner")
    response = owner.post(
        "/benefits/new?process=kundtjanst-infrastruktur", data=_benefit_form(responsible_id=str(viewer))
    )
    assert response.status_code == 303
    benefit_id = int(response.headers["location"].rsplit("/", 1)[1])
    reader = client_as("viewer")
    assert (
        reader.post(
            f"/benefits/{benefit_id}/measurements", data={"measured_on": date.today().isoformat(), "value": "30"}
        ).status_code
        == 303
    )
    assert reader.post(f"/benefits/{benefit_id}/edit", data=_benefit_form(target="1")).status_code == 403
    assert reader.get(f"/benefits/{benefit_id}/edit").status_code == 403


def test_portfolio_filters_and_weighs_costs_against_benefits(client_as, database_url):
    url = database_url
    need_id = _need(url)
    coordinator = client_as("coordinator")
    assert coordinator.post(f"/benefits/new?need={need_id}", data=_benefit_form()).status_code == 303

    page = parse(coordinator.get("/benefits").text)
    rows = page.find("table").find("tbody").find_all("tr")
    assert len(rows) == 3  # the two demo process benefits and this one
    costs = page.find("section", aria_labelledby="costs-heading").find("tbody").text
    assert "12.5" in costs  # the need's person-days
    assert "57.3" in costs  # the customer service team's hours per month

    only_needs = parse(coordinator.get("/benefits?belongs_to=need").text).find("table").find("tbody")
    assert [row.find("a").text for row in only_needs.find_all("tr")] == ["Tid till nytt lösenord"]
    not_measured = parse(coordinator.get("/benefits?status=not_measured").text).find("table").find("tbody")
    assert "Tid till nytt lösenord" in not_measured.text and "Nöjdhet" not in not_measured.text
    satisfaction = parse(coordinator.get("/benefits?type=satisfaction").text).find("table").find("tbody")
    assert "Nöjdhet med kundtjänsten" in satisfaction.text and "lösenord" not in satisfaction.text
