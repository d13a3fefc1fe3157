"""Needs in and out of spreadsheets: the filtered list exported to CSV and Excel, and imports from
either that write every row or, with any error named by row, column and reason, nothing at all.

Every database test runs on SQLite and PostgreSQL. Pages are read in English (the language cookie),
so that reasons can be matched; the messages are translated like all others (tests/test_i18n.py).
"""

from __future__ import annotations

import asyncio
import codecs
import io
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from registry import spreadsheets
from registry.accounts.models import Account
from registry.accounts.principal import Principal, load_roles
from registry.config import async_url
from registry.db import models as m
from registry.i18n import reset_language, set_language
from registry.needs import import_batches, services, transfer
from registry.needs.models import Need, NeedDepartment, NeedState, NeedTag
from tests.htmlpage import parse

HEADER = ";".join(transfer.COLUMN_NAMES)


@pytest.fixture
def english(client):
    client.cookies.set("registry_language", "en")
    return client


# ---------------------------------------------------------------- helpers


def run(database_url: str, work: Callable[[AsyncSession], Any]) -> Any:
    """Run `work(session)` in one committed transaction on the test's database."""

    async def main() -> Any:
        engine = create_async_engine(async_url(database_url))
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(main())


async def principal_of(session: AsyncSession, username: str) -> Principal:
    account = await session.scalar(select(Account).where(Account.username == username))
    roles = await load_roles(session, account.person_id)
    return Principal(
        person_id=account.person_id, account_id=account.id, session_id=0, name=username, username=username, **roles
    )


def ids_by(database_url: str, model, column: str = "slug") -> dict[str, int]:
    async def work(session):
        return {key: id_ for id_, key in (await session.execute(select(model.id, getattr(model, column)))).all()}

    return run(database_url, work)


def make_needs(database_url: str) -> dict[str, int]:
    """Three needs through the services: two owned by infrastruktur (one with departments, tags and
    another area), one by styrning."""
    areas = ids_by(database_url, m.SupportArea)
    departments = ids_by(database_url, m.Department)

    async def work(session):
        admin = await principal_of(session, "admin")
        first = await services.save_need(
            session,
            admin,
            {
                "title": "Gemensam rutin för lokalbokning",
                "description": 'Rum bokas dubbelt; "ofta" på måndagar',
                "cause": "=SUMMA(A1:A2) ser ut som en formel",
                "raised_by_name": "Åsa Öberg, Inst. för fysik",
                "owning_area_id": areas["infrastruktur"],
                "other_area_ids": [areas["styrning"]],
                "kind": "development_project",
                "channel": "dialogue_arena",
                "raised_on": "2025-03-14",
                "category": "Lokaler",
                "tags": "lokaler, bokning",
            },
            departments=[
                {"department_id": departments["hr"], "role": "lead", "effort_days": "5"},
                {"department_id": departments["biblioteket"], "role": "affected", "effort_days": ""},
                {
                    "department_id": departments["it-och-digital-infrastruktur"],
                    "role": "contributes",
                    "effort_days": "2.5",
                },
            ],
        )
        second = await services.save_need(
            session,
            admin,
            {
                "title": "Wi-fi i aulan",
                "description": "Rad ett\nrad två",
                "owning_area_id": areas["infrastruktur"],
                "kind": "small_improvement",
                "raised_on": "2025-04-01",
            },
        )
        third = await services.save_need(
            session,
            admin,
            {
                "title": "Rekryteringsstöd",
                "owning_area_id": areas["styrning"],
                "raised_on": "2025-05-01",
            },
        )
        return {"first": first.id, "second": second.id, "third": third.id}

    return run(database_url, work)


def counts(database_url: str) -> dict[str, int]:
    async def work(session):
        return {
            "needs": await session.scalar(select(func.count(Need.id))),
            "changes": await session.scalar(select(func.count(m.ChangeRecord.id))),
            "departments": await session.scalar(select(func.count(NeedDepartment.id))),
            "tags": await session.scalar(select(func.count(NeedTag.id))),
        }

    return run(database_url, work)


def upload(client, content: bytes, filename: str = "needs.csv", content_type: str = "text/csv"):
    return client.post("/needs/import", files={"file": (filename, content, content_type)})


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def result_of(response) -> tuple[str, list[tuple[str, str, str]]]:
    """The import page's outcome: its heading, and the error table's rows (row, column, reason)."""
    assert response.status_code == 200, response.text[:2000]
    page = parse(response.text)
    section = page.find("section", id="import-result")
    errors = []
    for table in section.find_all("table", class_="import-errors"):
        for tr in table.find("tbody").find_all("tr"):
            errors.append(tuple(td.text for td in tr.find_all("td")))
    return section.find("h2").text + " " + section.find_all("p")[0].text, errors


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# ---------------------------------------------------------------- the file format (no database)

AWKWARD = [
    "=SUMMA(A1)",
    "+46 70 123",
    "-minus",
    "@namn",
    "'=redan skyddad",
    "''=två",
    "'vanlig",
    "a;b,c",
    'säger "hej"',
    "rad ett\nrad två",
    "å ä ö Å Ä Ö",
    "",
]


def test_csv_keeps_awkward_text_and_no_formula_runs():
    frame = pd.DataFrame({"title": AWKWARD, "description": [str(n) for n in range(len(AWKWARD))]})
    content = spreadsheets.to_csv(frame)
    assert content.startswith(codecs.BOM_UTF8)
    assert "\r\n'=SUMMA(A1);0\r\n" in content.decode("utf-8-sig")
    back = transfer.read_upload("behov.csv", content)
    assert list(back.columns) == ["title", "description"]
    assert list(back["title"]) == AWKWARD
    assert list(back.index) == list(range(2, len(AWKWARD) + 2))


def test_rows_are_numbered_as_the_author_sees_them_and_any_separator_is_read():
    for separator in (";", ",", "\t"):
        content = csv_bytes(
            f"Title{separator}description", f"A{separator}x", "", f'B{separator}"två\nrader"', f"C{separator}y"
        )
        frame = transfer.read_upload("behov.csv", content)
        assert list(frame.index) == [2, 4, 5] and list(frame["title"]) == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("behov.csv", codecs.BOM_UTF16_LE + "title\r\nA".encode("utf-16-le"), "UTF-16"),
        ("behov.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel files (.xls)"),
        ("behov.csv", b"PK\x03\x04" + b"\x00" * 100, "This is an Excel file, not CSV."),
        ("behov.csv", b"title\r\nA\x00B\r\n", "This is not a text file"),
    ],
)
def test_files_that_cannot_be_read_say_why(filename, content, reason):
    token = set_language("en")
    with pytest.raises(transfer.ImportErrors) as raised:
        transfer.read_upload(filename, content)
    reset_language(token)
    assert reason in raised.value.errors[0].reason


# ---------------------------------------------------------------- export and round trip


def test_export_csv_of_a_filtered_list_round_trips_unchanged(english, database_url):
    made = make_needs(database_url)
    area = ids_by(database_url, m.SupportArea)["infrastruktur"]
    response = english.get(f"/needs/export.csv?area={area}&sort=oldest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    content = response.content
    assert content.startswith(codecs.BOM_UTF8)
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == HEADER
    text = content.decode("utf-8-sig")
    # The two needs of the area (the third is styrning's only), in the table's order, as people see them.
    assert "Gemensam rutin för lokalbokning" in text and "Wi-fi i aulan" in text and "Rekryteringsstöd" not in text
    assert (
        "Avd. för HR:lead:5; Avd. för biblioteket:affected:; Avd. för IT och digital infrastruktur:contributes:2.5"
        in text
    )
    assert "'=SUMMA(A1:A2)" in text  # no formula runs when the file is opened
    assert text.index(str(made["first"]) + ";Gemensam") < text.index(str(made["second"]) + ";Wi-fi")

    before = counts(database_url)
    outcome, errors = result_of(upload(english, content))
    assert errors == []
    assert "0 created, 0 changed, 2 unchanged" in outcome
    assert counts(database_url) == before


def test_export_xlsx_of_a_filtered_list_round_trips_unchanged(english, database_url):
    make_needs(database_url)
    area = ids_by(database_url, m.SupportArea)["styrning"]
    response = english.get(f"/needs/export.xlsx?area={area}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    assert rows[0] == transfer.COLUMN_NAMES
    titles = {row[1] for row in rows[1:]}
    # styrning owns the third and is another area of the first.
    assert titles == {"Gemensam rutin för lokalbokning", "Rekryteringsstöd"}
    first = next(row for row in rows[1:] if row[1] == "Gemensam rutin för lokalbokning")
    assert first[transfer.COLUMN_NAMES.index("cause")] == "=SUMMA(A1:A2) ser ut som en formel"  # text, not a formula
    assert first[transfer.COLUMN_NAMES.index("raised_on")].date().isoformat() == "2025-03-14"

    before = counts(database_url)
    outcome, errors = result_of(upload(english, response.content, "needs.xlsx", "application/octet-stream"))
    assert errors == []
    assert "0 created, 0 changed, 2 unchanged" in outcome
    assert counts(database_url) == before


def test_an_export_of_nothing_is_the_header_alone(english, database_url):
    response = english.get("/needs/export.csv?q=finns-inte")
    assert response.content.decode("utf-8-sig").strip() == HEADER
    assert xlsx_rows(english.get("/needs/export.xlsx?q=finns-inte").content) == [transfer.COLUMN_NAMES]


def test_export_is_for_anyone_logged_in_and_import_template_for_importers(client_as, database_url):
    make_needs(database_url)
    viewer = client_as("viewer")
    assert viewer.get("/needs/export.csv").status_code == 200
    assert viewer.get("/needs/export.xlsx").status_code == 200
    anonymous = client_as("anonymous")
    response = anonymous.get("/needs/export.csv")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    template = client_as("coordinator").get("/needs/import/template.xlsx")
    assert template.status_code == 200
    workbook = load_workbook(io.BytesIO(template.content), read_only=True)
    assert [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)] == [transfer.COLUMN_NAMES]
    allowed = [list(r) for r in workbook.worksheets[1].iter_rows(values_only=True)]
    assert "Avd. för HR" in {row[1] for row in allowed}


# ---------------------------------------------------------------- creating and updating


def test_rows_without_id_create_needs_with_their_departments(english, database_url):
    async def institution(session):
        session.add(m.Institution(name="Institutionen för fysik", short_name="Fysik", slug="fysik"))

    run(database_url, institution)
    before = counts(database_url)
    content = csv_bytes(
        "title;description;owning_area;other_areas;kind;channel;raised_on;tags;departments;raised_by_name;"
        "raised_by_institution;raised_by_department",
        'Digital signering av avtal;"Pappersavtal tar veckor; ""snabbare"" behövs";VSO för styrning;'
        "utbildning;small_improvement;email;2025-02-03;avtal, Signering;"
        '"Avd. för HR:lead:3,5; ledningsstod-och-ekonomi:affected:"'
        ";Örjan Åberg;FYSIK;Avd. för  kommunikation",
        "Skrivare på campus;;infrastruktur;;;;;;;;;",
    )
    outcome, errors = result_of(upload(english, content))
    assert errors == []
    assert "2 created, 0 changed, 0 unchanged" in outcome
    after = counts(database_url)
    assert after["needs"] == before["needs"] + 2
    assert after["changes"] == before["changes"] + 1  # one change record for the import
    departments = ids_by(database_url, m.Department)
    areas = ids_by(database_url, m.SupportArea)

    async def work(session):
        need = await session.scalar(select(Need).where(Need.title == "Digital signering av avtal"))
        rows = (
            await session.execute(
                select(NeedDepartment.department_id, NeedDepartment.role, NeedDepartment.effort_days)
                .where(NeedDepartment.need_id == need.id)
                .order_by(NeedDepartment.department_id)
            )
        ).all()
        tags = sorted((await session.scalars(select(NeedTag.name).where(NeedTag.need_id == need.id))).all())
        other = (await session.scalars(select(m.NeedArea.area_id).where(m.NeedArea.need_id == need.id))).all()
        record = await session.scalar(select(m.ChangeRecord).order_by(m.ChangeRecord.id.desc()))
        second = await session.scalar(select(Need).where(Need.title == "Skrivare på campus"))
        return need, rows, tags, other, record, second

    need, rows, tags, other, record, second = run(database_url, work)
    assert need.description == 'Pappersavtal tar veckor; "snabbare" behövs'
    assert need.owning_area_id == areas["styrning"] and other == [areas["utbildning"]]
    assert need.kind.value == "small_improvement" and need.channel.value == "email"
    assert need.raised_on.isoformat() == "2025-02-03" and need.state is NeedState.submitted
    assert need.raised_by_name == "Örjan Åberg" and need.raised_by_person_id is None
    assert need.raised_by_institution_id == ids_by(database_url, m.Institution)["fysik"]
    assert need.raised_by_department_id == departments["kommunikation"]  # names match whatever the case and spacing
    assert tags == ["avtal", "signering"]
    assert sorted((d, r.value, e) for d, r, e in rows) == sorted(
        [(departments["hr"], "lead", 3.5), (departments["ledningsstod-och-ekonomi"], "affected", None)]
    )
    assert record.object_type == "need_import" and record.action.value == "create"
    assert record.after["created"] == 2 and record.after["import_batch_id"] == record.object_id
    assert record.after["need_ids"] == [[need.id, need.id + 1]] and second.id == need.id + 1
    assert second.owning_area_id == areas["infrastruktur"] and second.kind.value == "development_project"


def test_rows_with_id_update_those_needs(english, database_url):
    made = make_needs(database_url)
    exported = english.get("/needs/export.csv").content.decode("utf-8-sig")
    lines = exported.split("\r\n")
    changed = [
        line.replace("Wi-fi i aulan", "Wi-fi i aulan och biblioteket").replace(
            ";;small_improvement", ";;development_project"
        )
        if line.startswith(f"{made['second']};")
        else line
        for line in lines
    ]
    changed = [
        line.replace("Avd. för HR:lead:5; ", "") if line.startswith(f"{made['first']};") else line for line in changed
    ]
    before = counts(database_url)
    outcome, errors = result_of(upload(english, "\r\n".join(changed).encode("utf-8-sig")))
    assert errors == []
    assert "0 created, 2 changed, 1 unchanged" in outcome
    after = counts(database_url)
    assert after["needs"] == before["needs"]
    assert after["changes"] == before["changes"] + 2
    assert after["departments"] == before["departments"] - 1

    async def work(session):
        second = await session.get(Need, made["second"])
        record = await session.scalar(
            select(m.ChangeRecord)
            .where(m.ChangeRecord.object_type == "need", m.ChangeRecord.object_id == made["first"])
            .order_by(m.ChangeRecord.id.desc())
        )
        return second, record

    second, record = run(database_url, work)
    assert second.title == "Wi-fi i aulan och biblioteket" and second.kind.value == "development_project"
    assert list(record.after) == ["departments"]  # only what changed is recorded


def test_a_file_with_only_some_columns_leaves_the_others_alone(english, database_url):
    made = make_needs(database_url)
    content = csv_bytes("id,title", f"{made['first']},Ny titel")  # commas separate too
    outcome, errors = result_of(upload(english, content))
    assert errors == [] and "1 changed" in outcome

    async def work(session):
        need = await session.get(Need, made["first"])
        departments = await session.scalar(
            select(func.count(NeedDepartment.id)).where(NeedDepartment.need_id == need.id)
        )
        return need, departments

    need, departments = run(database_url, work)
    assert need.title == "Ny titel" and need.category == "Lokaler" and departments == 3


# ---------------------------------------------------------------- broken files: every error named, nothing written


def _cp1252(_made) -> bytes:
    return ("title;description\r\nLokalbokning;Rummen på Östra campus\r\n").encode("cp1252")


BROKEN = {
    "missing column": (
        lambda made: csv_bytes("id;description", f"{made['first']};x"),
        "needs.csv",
        [("1", "title", "This column is required.")],
    ),
    "extra column": (
        lambda made: csv_bytes("title;priority", "Ny;hög"),
        "needs.csv",
        [("1", "priority", "Unknown column.")],
    ),
    "bad date": (
        lambda made: csv_bytes("title;raised_on", "Ny;2025-02-30", "Annan;14/3/2025"),
        "needs.csv",
        [("2", "raised_on", "Not a date; use YYYY-MM-DD."), ("3", "raised_on", "Not a date")],
    ),
    "unknown department": (
        lambda made: csv_bytes("title;departments", "Ny;Avd. för HR:lead:2", "Ny 2;Avd. för magi:lead:"),
        "needs.csv",
        [("3", "departments", "No such department: “Avd. för magi”.")],
    ),
    "unknown role and bad effort": (
        lambda made: csv_bytes("title;departments", "Ny;Avd. för HR:boss:2", "Ny 2;hr:lead:mycket"),
        "needs.csv",
        [("2", "departments", "Unknown role “boss”"), ("3", "departments", "Effort for hr")],
    ),
    "unknown area and institution": (
        lambda made: csv_bytes("title;owning_area;raised_by_institution", "Ny;VSO för rymden;Inst. X"),
        "needs.csv",
        [
            ("2", "raised_by_institution", "No such institution"),
            ("2", "owning_area", "No such support-service area: “VSO för rymden”."),
        ],
    ),
    "duplicate ids": (
        lambda made: csv_bytes("id;title", f"{made['first']};A", f"{made['second']};B", f"{made['first']};C"),
        "needs.csv",
        [("4", "id", "is also in row 2")],
    ),
    "nonexistent id": (
        lambda made: csv_bytes("id;title", f"{made['first']};A", "999999;B"),
        "needs.csv",
        [("3", "id", "No need has the id 999999.")],
    ),
    "state changed": (
        lambda made: csv_bytes("id;title;state", f"{made['first']};A;approved"),
        "needs.csv",
        [("2", "state", "An import does not change a need's state")],
    ),
    "wrong encoding": (
        _cp1252,
        "needs.csv",
        [("2", "–", "The file is not in UTF-8: byte 0xE5"), ("2", "–", "Windows-1252")],
    ),
    "empty file": (lambda made: b"", "needs.csv", [("–", "–", "The file is empty.")]),
    "header only": (
        lambda made: csv_bytes(HEADER),
        "needs.csv",
        [("2", "–", "The file has a header row but no needs.")],
    ),
    "huge cell": (
        lambda made: csv_bytes("title;description", "Ny;" + "å" * 1_000_000),
        "needs.csv",
        [("2", "description", "At most 20000 characters (you typed 1000000).")],
    ),
    "title too long": (
        lambda made: csv_bytes("title", "x" * 201),
        "needs.csv",
        [("2", "title", "At most 200 characters")],
    ),
    "not csv or xlsx": (
        lambda made: b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "picture.png",
        [("–", "–", "Upload a CSV file")],
    ),
    "png named csv": (
        lambda made: b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)),
        "picture.csv",
        [("1", "–", "not in UTF-8")],
    ),
    "broken xlsx": (
        lambda made: b"PK\x03\x04 not really a workbook",
        "needs.xlsx",
        [("–", "–", "This is not an Excel workbook")],
    ),
    "unclosed quote": (
        lambda made: csv_bytes("title;description", 'Ny;"aldrig stängd'),
        "needs.csv",
        [("2", "–", "A quoted cell starts in this row and is never closed.")],
    ),
    "too many cells": (
        lambda made: csv_bytes("title;description", "Ny;a;b"),
        "needs.csv",
        [("2", "–", "This row has 3 cells")],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_names_every_error_and_writes_nothing(english, database_url, case):
    made = make_needs(database_url)
    build, filename, expected = BROKEN[case]
    before = counts(database_url)
    outcome, errors = result_of(upload(english, build(made), filename, "application/octet-stream"))
    assert outcome.startswith("Nothing was saved"), outcome
    for row, column, reason in expected:
        assert any(e[0] == row and e[1] == column and reason in e[2] for e in errors), (case, errors)
    assert counts(database_url) == before


def test_errors_in_many_rows_are_all_listed_and_nothing_is_saved(english, database_url):
    before = counts(database_url)
    lines = ["title;raised_on;kind"] + [f"Behov {n};2025-01-{n:02d};small_improvement" for n in range(1, 29)]
    lines[5] = "Behov 5;igår;small_improvement"
    lines[9] = ";2025-01-09;stort"
    outcome, errors = result_of(upload(english, csv_bytes(*lines)))
    assert "3 errors" in outcome
    assert [(e[0], e[1]) for e in errors] == [("6", "raised_on"), ("10", "title"), ("10", "kind")]
    assert counts(database_url) == before


def test_an_xlsx_upload_with_errors_names_its_rows(english, database_url):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "raised_on", "departments"])
    sheet.append(["Ny", "2025-01-01", "Avd. för HR:lead:1"])
    sheet.append([None, None, None])
    sheet.append(["Annan", "inte ett datum", "hr:affected:1.25"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts(database_url)
    outcome, errors = result_of(upload(english, buffer.getvalue(), "Behov.XLSX", "application/octet-stream"))
    assert [(e[0], e[1]) for e in errors] == [("4", "raised_on"), ("4", "departments")]
    assert counts(database_url) == before


def test_no_file_or_a_file_too_large_is_refused_with_the_form(english, database_url):
    response = english.post("/needs/import", files={"other": ("x.txt", b"x", "text/plain")})
    assert response.status_code == 422
    assert "Choose a file to import." in parse(response.text).find("div", class_="error-summary").text
    huge = b"title\r\n" + b"x" * (transfer.MAX_UPLOAD_BYTES + 2 * 1024 * 1024)
    response = upload(english, huge)
    assert response.status_code == 413
    assert "The file is larger than 20 MB" in parse(response.text).find("div", class_="error-summary").text


# ---------------------------------------------------------------- who may import


def test_viewers_may_not_import_and_anonymous_visitors_are_sent_to_log_in(client_as, database_url):
    before = counts(database_url)
    viewer = client_as("viewer")
    assert viewer.get("/needs/import").status_code == 403
    assert upload(viewer, csv_bytes("title", "Ny")).status_code == 403
    anonymous = client_as("anonymous")
    for response in (anonymous.get("/needs/import"), upload(anonymous, csv_bytes("title", "Ny"))):
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert counts(database_url) == before


def test_a_coordinator_imports_only_for_the_areas_they_coordinate(client_as, database_url):
    made = make_needs(database_url)
    coordinator = client_as("coordinator")  # coordinates infrastruktur
    coordinator.cookies.set("registry_language", "en")
    page = coordinator.get("/needs/import")
    assert page.status_code == 200
    form = parse(page.text).find("form", action="/needs/import")
    assert form.get("enctype") == "multipart/form-data"
    assert parse(page.text).find("label", for_="import-file")
    before = counts(database_url)
    content = csv_bytes(
        "id;title;owning_area",
        f"{made['second']};Wi-fi överallt;VSO för infrastruktur",
        f"{made['third']};Rekrytering;VSO för styrning",
        ";Nytt i fel område;VSO för styrning",
    )
    outcome, errors = result_of(upload(coordinator, content))
    assert [(e[0], e[1]) for e in errors] == [("3", "id"), ("3", "owning_area"), ("4", "owning_area")]
    assert counts(database_url) == before
    content = csv_bytes(
        "id;title;owning_area", f"{made['second']};Wi-fi överallt;VSO för infrastruktur", ";Nytt och orutat;"
    )
    outcome, errors = result_of(upload(coordinator, content))
    assert errors == [] and "1 created, 1 changed" in outcome


# ---------------------------------------------------------------- size


def test_ten_thousand_rows_import_with_progress(english, database_url, engine_name):
    lines = ["title;description;raised_by_name;raised_on;owning_area;kind;channel;category;departments"]
    for n in range(10_000):
        department = "Avd. för HR:lead:2" if n % 2 else "it-och-digital-infrastruktur:contributes:"
        lines.append(
            f"Behov nr {n};Beskrivning av behov {n}: åäö;Person {n % 97};2025-{n % 12 + 1:02d}-{n % 28 + 1:02d};"
            f"VSO för {'infrastruktur' if n % 3 else 'styrning'};"
            f"{'small_improvement' if n % 4 else 'development_project'};"
            f"email;Kategori {n % 5};{department}"
        )
    content = csv_bytes(*lines)
    before = counts(database_url)
    started = time.monotonic()
    response = upload(english, content)
    elapsed = time.monotonic() - started
    outcome, errors = result_of(response)
    assert errors == []
    assert "10,000 created, 0 changed, 0 unchanged" in outcome
    progress = [li.text for li in parse(response.text).find("ol", class_="import-progress").find_all("li")]
    assert progress[0] == "Checked 200 of 10,000 rows…" and "Checked 10,000 of 10,000 rows…" in progress
    assert progress[-1] == "Saved 10,000 of 10,000 needs…" and len(progress) == 50 + 10_000 // import_batches.BATCH
    after = counts(database_url)
    assert after["needs"] == before["needs"] + 10_000
    assert after["changes"] == before["changes"] + 1  # one record for the import
    assert after["departments"] == before["departments"] + 10_000
    print(f"10 000 rows imported on {engine_name} in {elapsed:.1f} s")
    assert elapsed < 120
