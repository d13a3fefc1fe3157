"""Uploads are bounded by what they unpack to and by their rows, not only by their bytes: a zip bomb is
refused at once, an xlsx whose stated size understates its data is read in full, and too many rows are
refused, each with a clear message on the import page."""

from __future__ import annotations

import io
import re
import resource
import time
import zipfile

import pytest
from openpyxl import Workbook

from registry.i18n import reset_language, set_language
from registry.needs import transfer
from registry.needs.transfer import ImportErrors, read_upload
from tests.test_needs_transfer import result_of, upload


def _workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "raised_on"])
    for n in range(rows):
        sheet.append([f"Behov {n}", "2025-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(item, data)
    return out.getvalue()


def _bomb(expanded_mb: int = 300) -> bytes:
    """A valid xlsx whose sheet unpacks to `expanded_mb` MB of blank rows: a few hundred KB zipped."""
    content = _workbook(1)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        sheet = source.read("xl/worksheets/sheet1.xml")
        head, tail = sheet.split(b"</sheetData>")
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head)
            chunk = b"<row/>" * (1024 * 1024 // 6)
            for _ in range(expanded_mb):
                part.write(chunk)
            part.write(b"</sheetData>" + tail)
    return out.getvalue()


@pytest.fixture
def in_english():
    """The messages below are asserted in English; outside a request the default language (Swedish) applies."""
    token = set_language("en")
    yield
    reset_language(token)


def _message(problem: pytest.ExceptionInfo) -> str:
    return " ".join(error.reason for error in problem.value.errors)


def test_a_decompression_bomb_is_refused_within_seconds_and_megabytes(in_english):
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(ImportErrors) as problem:
        read_upload("bomb.xlsx", bomb)
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert "unpacks to 300 MB" in _message(problem)
    assert elapsed < 3, elapsed
    assert grown_mb < 30, grown_mb


def test_a_sheet_whose_dimension_understates_its_data_is_read_in_full():
    understated = _rewrite_sheet(
        _workbook(40), lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A3"', xml)
    )
    frame = read_upload("behov.xlsx", understated)
    assert len(frame) == 40, "every row, not only the three the dimension names"
    assert list(frame.columns) == ["title", "raised_on"], "and every column"
    missing = _rewrite_sheet(_workbook(40), lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    assert len(read_upload("behov.xlsx", missing)) == 40


def test_too_many_rows_are_refused_naming_the_limit(monkeypatch, in_english):
    monkeypatch.setattr(transfer, "MAX_ROWS", 25)
    for name, content in (("behov.xlsx", _workbook(26)), ("behov.csv", ("title\n" + "x\n" * 26).encode())):
        with pytest.raises(ImportErrors) as problem:
            read_upload(name, content)
        assert "at most 25 needs" in _message(problem)
    assert len(read_upload("behov.xlsx", _workbook(25))) == 25


def test_the_import_page_says_why_a_bomb_was_refused(client, database_url):
    client.cookies.set("registry_language", "en")
    outcome, errors = result_of(upload(client, _bomb(150), "behov.xlsx", "application/octet-stream"))
    assert any("unpacks to 150 MB" in reason and "at most 120 MB" in reason for _row, _col, reason in errors), errors
