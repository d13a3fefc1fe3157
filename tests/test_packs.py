"""The steering-group pack (Excel and PDF) and the yearly follow-up report, opened with openpyxl and
a PDF text extractor."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from registry.db import models as m
from tests.database import scalar, sql
from tests.htmlpage import parse
from tests.test_notifications import _ready_need

ENGLISH = {"Accept-Language": "en"}


def _id(url, model, slug):
    return scalar(url, select(model.id).where(model.slug == slug))


def _sheet(book, name) -> list[list]:
    return [[cell.value for cell in row] for row in book[name].iter_rows()]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _arrange(client_as, url):
    """Need A recommended and approved by IT (5 days), need B scored and waiting; a meeting with IT's
    capacity; a benefit on A."""
    admin = client_as("admin")
    decided = _ready_need(admin, url, "Gemensam inloggning")
    waiting = _ready_need(admin, url, "Nytt passersystem")
    rater = scalar(url, select(m.Account.person_id).where(m.Account.username == "styrgrupp"))
    sql(
        url,
        m.NeedScore.__table__.insert().values(
            need_id=waiting,
            rater_id=rater,
            rater_name="Styrgrupp",
            benefit=3,
            urgency=2,
            risk_reduction=1,
            alignment={},
            comment="",
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    steering = client_as("steering_member")
    assert (
        steering.post(
            f"/needs/{decided}/recommendations", data={"outcome": "now", "rationale": "Stor nytta."}
        ).status_code
        == 303
    )
    it = _id(url, m.Department, "it-och-digital-infrastruktur")
    assert (
        client_as("department_head")
        .post(
            f"/needs/{decided}/decisions",
            data={"department_id": str(it), "outcome": "approve", "rationale": "Vi gör det.", "committed_days": "5"},
        )
        .status_code
        == 303
    )
    area = _id(url, m.SupportArea, "infrastruktur")
    meeting = scalar(
        url,
        m.Meeting.__table__.insert()
        .values(
            area_id=area,
            forum="steering_group",
            title="Styrgruppsmöte",
            held_on=date.today(),
            location="",
            state="planned",
            closed_by_name="",
            created_at=func.now(),
            updated_at=func.now(),
        )
        .returning(m.Meeting.__table__.c.id),
    )
    sql(
        url,
        m.DepartmentCapacity.__table__.insert().values(
            meeting_id=meeting, department_id=it, available_days=20, created_at=func.now(), updated_at=func.now()
        ),
    )
    sql(
        url,
        m.Benefit.__table__.insert().values(
            need_id=decided,
            benefit_type="time",
            indicator="Inloggningstid",
            description="",
            unit="s",
            baseline=30,
            target=5,
            starts_on=date.today(),
            target_date=date(2030, 1, 1),
            method="",
            frequency="monthly",
            created_at=func.now(),
            updated_at=func.now(),
        ),
    )
    return area, decided, waiting


def test_the_steering_group_pack_in_excel_and_pdf(client_as, database_url):
    area, decided, waiting = _arrange(client_as, database_url)
    viewer = client_as("viewer")
    response = viewer.get(f"/follow-up/pack.xlsx?area={area}", headers=ENGLISH)
    assert response.status_code == 200, response.text[:500]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ranked backlog", "Recommendations", "Line decisions", "Capacity", "Benefits"]
    backlog = _sheet(book, "Ranked backlog")
    assert backlog[0][:3] == ["Rank", "Need", "Title"]
    assert [row[1:3] for row in backlog[1:]] == [[f"#{waiting}", "Nytt passersystem"]]
    recommendations = _sheet(book, "Recommendations")
    assert recommendations[1][1:3] == [f"#{decided} Gemensam inloggning", "Prioritise now"]
    decisions = _sheet(book, "Line decisions")
    assert decisions[1][2:5] == ["Avd. för IT och digital infrastruktur", "Approve", 5]
    capacity = _sheet(book, "Capacity")
    assert capacity[1] == ["Avd. för IT och digital infrastruktur", 20, 5]
    assert _sheet(book, "Benefits")[1][1:4] == ["Inloggningstid", "2030-01-01", "Not measured yet"]

    pdf = viewer.get(f"/follow-up/pack.pdf?area={area}", headers=ENGLISH)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    for expected in (
        "Steering-group pack: VSO för infrastruktur",
        "Ranked backlog",
        "Nytt passersystem",
        "Gemensam inloggning",
        "Prioritise now",
        "Inloggningstid",
    ):
        assert expected in text, expected
    # Swedish too.
    swedish = _pdf_text(viewer.get(f"/follow-up/pack.pdf?area={area}", headers={"Accept-Language": "sv"}).content)
    assert "Prioritera nu" in swedish


def test_a_pack_without_an_area_or_with_a_reversed_period_is_refused_by_name(client_as):
    viewer = client_as("viewer")
    response = viewer.get("/follow-up/pack.xlsx", headers=ENGLISH)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "area" in parse(response.text).find("main").text
    reversed_period = viewer.get("/follow-up/pack.pdf?area=1&from=2026-05-01&to=2026-04-01", headers=ENGLISH)
    assert reversed_period.status_code == 400 and "ends before it starts" in reversed_period.text


def test_the_yearly_report(client_as, database_url):
    _arrange(client_as, database_url)
    viewer = client_as("viewer")
    year = date.today().year
    book = load_workbook(io.BytesIO(viewer.get(f"/follow-up/report.xlsx?year={year}", headers=ENGLISH).content))
    assert {"Needs by state", "Lead times", "Decisions", "Benefits"} <= set(book.sheetnames)
    totals = _sheet(book, "Needs by state")[-1]
    assert totals[0] == "Total" and totals[-1] == 2
    text = _pdf_text(viewer.get(f"/follow-up/report.pdf?year={year}", headers=ENGLISH).content)
    assert f"Follow-up of the VSO model {year}" in text and "Lead times" in text
    # Another year has none of these needs.
    other = load_workbook(io.BytesIO(viewer.get(f"/follow-up/report.xlsx?year={year - 5}", headers=ENGLISH).content))
    assert not [row for row in _sheet(other, "Needs by state") if row[0] == "Total"]
    assert viewer.get("/follow-up/report.pdf?year=nineteen", headers=ENGLISH).status_code == 400
