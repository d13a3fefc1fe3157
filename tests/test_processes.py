"""Processes: appointments, the team's time and representation, mandate versions and approval, the
RACI matrix's one-A rule, links to needs, and fixed query counts. Database tests run on both engines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from sqlalchemy import func, insert, select

from registry.db import models as m
from registry.processes import raci, rules
from tests.database import sql as _sql
from tests.htmlpage import parse
from tests.test_queries import statements_to

KUNDTJANST = "kundtjanst-infrastruktur"  # demo: owner processagare, responsible samordnare (coordinator)


def _id(url, model, **where):
    return _sql(url, select(model.id).where(*(getattr(model, k) == v for k, v in where.items())))[0][0]


def _changes(url, object_type):
    return _sql(url, select(func.count()).select_from(m.ChangeRecord).where(m.ChangeRecord.object_type == object_type))[
        0
    ][0]


# ---------------------------------------------------------------- plain rules


def test_one_a_rule_names_the_activity():
    assert raci.one_a_problem("Urval", ["R", "A", "C", ""]) is None
    none = raci.one_a_problem("Urval", ["R", "", "C"])
    two = raci.one_a_problem("Urval", ["A", "A", "I"])
    assert "Urval" in none and "A" in none
    assert "Urval" in two and "2" in two
    assert raci.problems({"Urval": ["A"], "Besked": [], "Arkiv": ["A", "A"]}).keys() == {"Besked", "Arkiv"}


def test_team_time_counts_current_members_in_hours_and_shares_of_full_time():
    today = date(2026, 6, 1)
    members = [
        (Decimal("40"), "hours_per_month", None, None),
        (Decimal("10"), "percent", date(2026, 1, 1), None),  # 17.3 hours
        (Decimal("99"), "hours_per_month", date(2025, 1, 1), date(2025, 12, 31)),  # ended
        (Decimal("99"), "hours_per_month", date(2026, 7, 1), None),  # not begun
    ]
    time = rules.team_time(members, today)
    assert time.hours_per_month == Decimal("57.3")
    assert time.members == 2
    assert time.full_time_equivalents == Decimal("0.33")
    assert rules.unrepresented([1, 2, 3], [1, None, 3]) == {2}


def test_mandate_expiry_flags():
    today = date(2026, 6, 1)
    assert rules.expiry(date(2026, 5, 31), today) == "ended"
    assert rules.expiry(date(2026, 7, 1), today) == "ending"
    assert rules.expiry(today + timedelta(days=60), today) == "ending"
    assert rules.expiry(today + timedelta(days=61), today) is None


def test_text_diff_marks_removed_and_added_words():
    pieces = rules.text_diff("Rapporterar varje kvartal.", "Rapporterar varje månad.")
    assert ("removed", "kvartal.") in pieces and ("added", "månad.") in pieces
    assert "".join(t for op, t in pieces if op != "added") == "Rapporterar varje kvartal."
    result = rules.compare({"goals": "a", "purpose": "x"}, {"goals": "a b", "purpose": "x"}, ["purpose", "goals"])
    assert [(r["field"], r["changed"]) for r in result] == [("purpose", False), ("goals", True)]


# ---------------------------------------------------------------- appointments


def test_only_the_owner_appoints_and_every_appointment_is_kept(client_as, database_url):
    url = database_url
    process_id = _id(url, m.Process, slug=KUNDTJANST)
    viewer = _id(url, m.Account, username="lasare")
    viewer_person = _sql(url, select(m.Account.person_id).where(m.Account.id == viewer))[0][0]
    responsible = client_as("coordinator")  # the current process responsible may not appoint
    response = responsible.post(f"/processes/{KUNDTJANST}/appoint", data={"person_id": viewer_person})
    assert response.status_code == 403

    owner = client_as("process_owner")
    too_early = (date.today() - timedelta(days=400)).isoformat()
    response = owner.post(f"/processes/{KUNDTJANST}/appoint", data={"person_id": viewer_person, "starts_on": too_early})
    assert response.status_code == 422
    assert "Must be after the current appointment began" in response.text or "Måste" in response.text
    before = _changes(url, "process")
    today = date.today()
    response = owner.post(
        f"/processes/{KUNDTJANST}/appoint", data={"person_id": viewer_person, "starts_on": today.isoformat()}
    )
    assert response.status_code == 303
    rows = _sql(
        url,
        select(m.ProcessAppointment.person_id, m.ProcessAppointment.starts_on, m.ProcessAppointment.ended_on)
        .where(m.ProcessAppointment.process_id == process_id)
        .order_by(m.ProcessAppointment.id),
    )
    assert len(rows) == 2
    assert rows[0].ended_on == today - timedelta(days=1)
    assert (rows[1].person_id, rows[1].starts_on, rows[1].ended_on) == (viewer_person, today, None)
    assert _changes(url, "process") == before + 1
    record = _sql(
        url,
        select(m.ChangeRecord.actor_name, m.ChangeRecord.after)
        .where(m.ChangeRecord.object_type == "process")
        .order_by(m.ChangeRecord.id.desc())
        .limit(1),
    )[0]
    assert record.actor_name == "Ingrid Processägare" and len(record.after["appointments"]) == 2

    page = parse(owner.get(f"/processes/{KUNDTJANST}").text)
    history = page.find("section", aria_labelledby="responsible-heading").find("table").text
    assert "Frida Kvist" in history and "Nils Läsare" in history and "Ingrid Processägare" in history
    # The new responsible now edits the team; the previous one no longer does.
    assert client_as("viewer").get(f"/processes/{KUNDTJANST}/team/new").status_code == 200
    assert client_as("coordinator").get(f"/processes/{KUNDTJANST}/team/new").status_code == 403


# ---------------------------------------------------------------- the team


def test_team_total_time_and_representation(client_as, database_url):
    url = database_url
    responsible = client_as("coordinator")
    page = parse(responsible.get(f"/processes/{KUNDTJANST}").text)
    team = page.find("section", aria_labelledby="team-heading").text
    assert "57.3" in team  # 40 hours + 10 % of 173.3
    assert "Avd. för fastighets- och campusplanering" in team  # not represented yet

    campus = _id(url, m.Department, slug="fastighets-och-campusplanering")
    styrgrupp = _sql(url, select(m.Account.person_id).where(m.Account.username == "styrgrupp"))[0][0]
    bad = responsible.post(
        f"/processes/{KUNDTJANST}/team/new",
        data={"person_id": styrgrupp, "role": "Lokalfrågor", "allocation": "120", "allocation_unit": "percent"},
    )
    assert bad.status_code == 422
    form = parse(bad.text)
    assert form.find("input", id="field-allocation").get("value") == "120"  # what was typed is kept
    assert "100" in form.find("p", id="error-allocation").text
    response = responsible.post(
        f"/processes/{KUNDTJANST}/team/new",
        data={
            "person_id": styrgrupp,
            "department_id": campus,
            "role": "Lokalfrågor",
            "allocation": "5",
            "allocation_unit": "hours_per_month",
        },
    )
    assert response.status_code == 303
    team = parse(responsible.get(f"/processes/{KUNDTJANST}").text).find("section", aria_labelledby="team-heading")
    assert "62.3" in team.text
    assert team.find("span", class_="flag-ok")
    assert client_as("viewer").post(f"/processes/{KUNDTJANST}/team/new", data={"role": "x"}).status_code == 403


# ---------------------------------------------------------------- the mandate


MANDATE = {
    "purpose": "Processteamet gör det enkelt att få hjälp.",
    "scope": "IT-support och lokalfrågor.",
    "goals": "Färre ärenden som bollas runt.",
    "deliverables": "Månadsrapport.",
    "reporting": "Rapporterar varje månad.",
    "resources": "Teamets tid.",
}


def test_mandate_versions_approval_immutability_and_comparison(client_as, database_url):
    url = database_url
    process_id = _id(url, m.Process, slug=KUNDTJANST)
    first = _sql(url, select(m.Mandate.__table__).where(m.Mandate.process_id == process_id, m.Mandate.version == 1))[0]
    responsible, owner = client_as("coordinator"), client_as("process_owner")
    # The demo mandate ends within 60 days: flagged on the list and the page.
    listing = parse(responsible.get("/processes").text).find("table").text
    assert "Upphör snart" in listing or "Expires soon" in listing

    today = date.today()
    wrong = responsible.post(
        f"/processes/{KUNDTJANST}/mandate/new",
        data=MANDATE | {"starts_on": today.isoformat(), "ends_on": (today - timedelta(days=1)).isoformat()},
    )
    assert wrong.status_code == 422 and parse(wrong.text).find("p", id="error-ends_on")
    response = responsible.post(
        f"/processes/{KUNDTJANST}/mandate/new",
        data=MANDATE | {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=365)).isoformat()},
    )
    assert response.status_code == 303 and response.headers["location"].endswith("/mandate/2")
    versions = _sql(
        url,
        select(m.Mandate.version, m.Mandate.approved_at, m.Mandate.drafted_by_name)
        .where(m.Mandate.process_id == process_id)
        .order_by(m.Mandate.version),
    )
    assert [(v.version, v.approved_at is not None) for v in versions] == [(1, True), (2, False)]
    assert versions[1].drafted_by_name == "Frida Kvist"

    assert responsible.post(f"/processes/{KUNDTJANST}/mandate/2/approve").status_code == 403
    assert owner.post(f"/processes/{KUNDTJANST}/mandate/2/approve").status_code == 303
    approved = _sql(url, select(m.Mandate.__table__).where(m.Mandate.process_id == process_id, m.Mandate.version == 2))[
        0
    ]
    assert approved.approved_by_name == "Ingrid Processägare" and approved.approved_at is not None
    again = owner.post(f"/processes/{KUNDTJANST}/mandate/2/approve")
    assert again.status_code == 422
    assert "2" in parse(again.text).find("div", class_="error-summary").text
    # An older draft cannot be approved over a newer approved version; approved versions stay as they were.
    unchanged = _sql(
        url, select(m.Mandate.__table__).where(m.Mandate.process_id == process_id, m.Mandate.version == 1)
    )[0]
    assert (unchanged.purpose, unchanged.reporting, unchanged.approved_at) == (
        first.purpose,
        first.reporting,
        first.approved_at,
    )
    page = parse(owner.get(f"/processes/{KUNDTJANST}").text)
    assert "v2" not in page.find("section", aria_labelledby="mandate-heading").find("ul").text
    assert not page.find_all("div", class_="notice-warning")  # the new mandate runs a year

    compare = parse(responsible.get(f"/processes/{KUNDTJANST}/mandate/compare?from=1&to=2").text)
    table = compare.find("table", class_="compare")
    reporting = [row for row in table.find_all("tr") if "Rapport" in row.text or "Reporting" in row.text][0]
    assert reporting.find("del") and reporting.find("ins")
    assert any("månad" in ins.text for ins in reporting.find_all("ins"))
    assert responsible.get(f"/processes/{KUNDTJANST}/mandate/compare?from=9").status_code == 422


# ---------------------------------------------------------------- the RACI matrix


def _matrix(url, process_id):
    activities = _sql(
        url,
        select(m.RaciActivity.id, m.RaciActivity.name)
        .where(m.RaciActivity.process_id == process_id)
        .order_by(m.RaciActivity.position),
    )
    columns = _sql(
        url,
        select(m.RaciColumn.id).where(m.RaciColumn.process_id == process_id).order_by(m.RaciColumn.position),
    )
    cells = _sql(url, select(m.RaciAssignment.activity_id, m.RaciAssignment.column_id, m.RaciAssignment.value))
    return activities, [c.id for c in columns], {(a, c): v.value for a, c, v in cells}


def test_raci_rows_need_exactly_one_a(client_as, database_url):
    url = database_url
    process_id = _id(url, m.Process, slug=KUNDTJANST)
    activities, columns, cells = _matrix(url, process_id)
    first_id, first_name = activities[0]
    responsible = client_as("coordinator")

    two = responsible.post(
        f"/processes/{KUNDTJANST}/raci/activities/{first_id}",
        data={"name": first_name, "cells": [f"{columns[0]}:A", f"{columns[1]}:A", f"{columns[2]}:R"]},
    )
    assert two.status_code == 422
    assert first_name in parse(two.text).find("p", id=f"row-error-{first_id}").text
    assert _matrix(url, process_id)[2] == cells  # nothing saved
    # The row the htmx form swaps in: only the row, with the message and the choices kept.
    fragment = responsible.post(
        f"/processes/{KUNDTJANST}/raci/activities/{first_id}",
        data={"name": first_name, "cells": [f"{columns[0]}:C", f"{columns[1]}:R"]},
        headers={"hx-request": "true", "hx-target": f"activity-{first_id}"},
    )
    assert fragment.status_code == 422 and fragment.text.lstrip().startswith("<tr")
    assert "<html" not in fragment.text and first_name in fragment.text

    saved = responsible.post(
        f"/processes/{KUNDTJANST}/raci/activities/{first_id}",
        data={"name": first_name, "cells": [f"{columns[0]}:A", f"{columns[1]}:R", f"{columns[2]}:"]},
        headers={"hx-request": "true", "hx-target": f"activity-{first_id}"},
    )
    assert saved.status_code == 200 and saved.text.lstrip().startswith("<tr")
    now = _matrix(url, process_id)[2]
    assert now[(first_id, columns[0])] == "A" and now[(first_id, columns[1])] == "R"
    assert (first_id, columns[2]) not in now

    none = responsible.post(
        f"/processes/{KUNDTJANST}/raci/activities", data={"name": "Arkivera", "cells": [f"{columns[0]}:R"]}
    )
    assert none.status_code == 422 and "Arkivera" in none.text
    assert (
        responsible.post(
            f"/processes/{KUNDTJANST}/raci/activities", data={"name": "Arkivera", "cells": [f"{columns[3]}:A"]}
        ).status_code
        == 303
    )
    # A column holding an activity's A cannot go; one without can.
    refused = responsible.post(f"/processes/{KUNDTJANST}/raci/columns/{columns[0]}/delete")
    assert refused.status_code == 422 and first_name in refused.text
    assert client_as("viewer").post(f"/processes/{KUNDTJANST}/raci/activities", data={"name": "x"}).status_code == 403

    from openpyxl import load_workbook

    export = responsible.get(f"/processes/{KUNDTJANST}/raci.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_row=3 + len(activities) + 1)]
    assert rows[1][0] == first_name and rows[1][1] == "A"
    assert rows[-1][0] == "Arkivera" and rows[-1][4] == "A"


# ---------------------------------------------------------------- needs


def test_processes_and_needs_link_both_ways(client_as, database_url):
    url = database_url
    area = _id(url, m.SupportArea, slug="infrastruktur")
    need_id = _sql(
        url,
        insert(m.Need)
        .values(title="Bättre felanmälan", raised_on=date.today(), owning_area_id=area, state="submitted")
        .returning(m.Need.id),
    )[0][0]
    responsible = client_as("coordinator")
    assert responsible.post(f"/processes/{KUNDTJANST}/needs", data={"need_id": "999999"}).status_code == 422
    assert responsible.post(f"/processes/{KUNDTJANST}/needs", data={"need_id": f"#{need_id}"}).status_code == 303
    assert responsible.post(f"/processes/{KUNDTJANST}/needs", data={"need_id": need_id}).status_code == 422
    process_page = parse(responsible.get(f"/processes/{KUNDTJANST}").text)
    assert "Bättre felanmälan" in process_page.find("section", aria_labelledby="needs-heading").text
    need_page = parse(responsible.get(f"/needs/{need_id}").text)
    assert "Kundtjänst för infrastrukturtjänster" in need_page.find("section", id="processes").text
    assert responsible.post(f"/processes/{KUNDTJANST}/needs/{need_id}/delete").status_code == 303
    need_page = parse(responsible.get(f"/needs/{need_id}").text)
    assert "Kundtjänst" not in need_page.find("section", id="processes").text


def test_creating_a_process_makes_the_creator_its_owner(client_as, database_url):
    owner = client_as("process_owner")
    person = _sql(database_url, select(m.Account.person_id).where(m.Account.username == "processagare"))[0][0]
    other = _sql(database_url, select(m.Account.person_id).where(m.Account.username == "lasare"))[0][0]
    refused = owner.post("/processes/new", data={"name": "Examination", "owner_id": other})
    assert refused.status_code == 422 and parse(refused.text).find("p", id="error-owner_id")
    assert parse(refused.text).find("input", id="field-name").get("value") == "Examination"
    assert owner.post("/processes/new", data={"name": "Examination"}).status_code == 303
    assert _sql(database_url, select(m.Process.owner_id).where(m.Process.slug == "examination"))[0][0] == person
    assert owner.post("/processes/new", data={"name": "Examination"}).status_code == 422  # name in use
    assert client_as("coordinator").post("/processes/new", data={"name": "Annat"}).status_code == 403


def test_process_pages_cost_a_fixed_number_of_statements(client_as, database_url):
    client = client_as("admin")

    def count(path):
        client.get(path)
        with statements_to(database_url) as seen:
            assert client.get(path).status_code == 200
        return len(seen)

    before = {path: count(path) for path in ("/processes", f"/processes/{KUNDTJANST}", "/benefits")}
    for number in range(3):
        assert client.post("/processes/new", data={"name": f"Process {number}"}).status_code == 303
        assert (
            client.post(
                f"/processes/{KUNDTJANST}/team/new",
                data={"person_id": 1, "role": f"Roll {number}", "allocation": "2", "allocation_unit": "percent"},
            ).status_code
            == 303
        )
    after = {path: count(path) for path in before}
    assert after == before


def test_demo_processes_are_complete_and_load_once(database_url):
    import asyncio

    from registry.cli import _in_session
    from registry.config import Settings
    from registry.processes.demo import PROCESSES, load_demo_processes

    url = database_url
    before = _sql(url, select(func.count()).select_from(m.ChangeRecord))[0][0]
    assert asyncio.run(_in_session(Settings(database_url=url), load_demo_processes)) == 0
    assert _sql(url, select(func.count()).select_from(m.ChangeRecord))[0][0] == before
    owner = _sql(url, select(m.Account.person_id).where(m.Account.username == "processagare"))[0][0]
    for plan in PROCESSES:
        process_id, owner_id = _sql(url, select(m.Process.id, m.Process.owner_id).where(m.Process.slug == plan.slug))[0]
        assert owner_id == owner
        current = _sql(
            url,
            select(m.ProcessAppointment.appointed_by_id).where(
                m.ProcessAppointment.process_id == process_id, m.ProcessAppointment.ended_on.is_(None)
            ),
        )
        assert [row.appointed_by_id for row in current] == [owner]
        assert len(_sql(url, select(m.TeamMember.id).where(m.TeamMember.process_id == process_id))) == len(plan.team)
        approved = _sql(
            url,
            select(m.Mandate.approved_by_id).where(
                m.Mandate.process_id == process_id, m.Mandate.approved_at.is_not(None)
            ),
        )
        assert [row.approved_by_id for row in approved] == [owner]
        activities, columns, cells = _matrix(url, process_id)
        matrix = {name: [cells.get((activity_id, c), "") for c in columns] for activity_id, name in activities}
        assert len(matrix) == len(plan.activities) and raci.problems(matrix) == {}
        measured = _sql(
            url,
            select(func.count(m.Measurement.id))
            .join(m.Benefit, m.Benefit.id == m.Measurement.benefit_id)
            .where(m.Benefit.process_id == process_id),
        )[0][0]
        assert measured == len(plan.measurements)


PAGES = [
    "/processes",
    "/processes/new",
    f"/processes/{KUNDTJANST}",
    f"/processes/{KUNDTJANST}/edit",
    f"/processes/{KUNDTJANST}/team/new",
    f"/processes/{KUNDTJANST}/mandate/new",
    f"/processes/{KUNDTJANST}/mandate/1",
    f"/processes/{KUNDTJANST}/mandate/compare",
    f"/processes/{KUNDTJANST}/raci",
    "/benefits",
    "/benefits/1",
    "/benefits/1/edit",
    "/benefits/new?process=kundtjanst-infrastruktur",
]


def test_process_and_benefit_pages_are_labelled_and_need_no_inline_code(client_as, database_url):
    client = client_as("admin")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        document = parse(response.text)
        assert len(document.find_all("h1")) == 1, url
        labels = {label.get("for") for label in document.find_all("label")}
        for tag in ("input", "select", "textarea"):
            for control in document.find_all(tag):
                if control.get("type") in ("hidden", "submit"):
                    continue
                assert control.get("id") in labels or control.get("aria-label"), (url, control)
        for table in document.find_all("table"):
            assert table.find_all("caption") or table.find_all("th"), url
            for header in table.find("thead").find_all("th"):
                assert header.get("scope") == "col", (url, header)
        assert all(script.get("src") and not script.text for script in document.find_all("script")), url
        assert ' style="' not in response.text, url
    image = parse(client.get("/benefits/1").text).find("img")
    assert image.get("alt") and image.get("src") == "/benefits/1/chart.svg"
