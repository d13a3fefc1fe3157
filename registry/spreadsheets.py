"""The one way the registry writes CSV and Excel files, so that no cell it writes runs as a formula.

A text a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return: OWASP's
list for CSV injection) is written as text: in CSV with a leading apostrophe (which `undefuse` takes off
again when such a file is imported, so that a file round-trips unchanged), in xlsx as a text cell.

CSV is UTF-8 with a byte-order mark (so that Excel shows å, ä and ö right), separated by semicolons (Excel
set to Swedish or Norwegian uses the comma as its decimal sign) and with CRLF line ends.

Pure: no database, no web.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

CSV_SEPARATOR = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run the text as a formula (or it is such a text, escaped already)."""
    return text.lstrip("'").startswith(FORMULA_START)


def defuse(value: Any) -> Any:
    """A text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def undefuse(value: str) -> str:
    """`defuse` undone, for a file coming back in."""
    if value.startswith("'") and looks_like_formula(value[1:]):
        return value[1:]
    return value


def to_csv(frame: pd.DataFrame, *, header: bool = True, bom: bool = True) -> bytes:
    """The frame as CSV (with a byte-order mark unless `bom` is false: a file written in chunks has it
    only in the first)."""
    text = frame.map(defuse).to_csv(sep=CSV_SEPARATOR, index=False, header=header, lineterminator="\r\n")
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def as_text(cell: Any) -> Any:
    """An openpyxl cell holding a string is text, never a formula, whatever the string starts with."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


class XlsxWriter:
    """An Excel workbook written row by row (openpyxl's write-only mode keeps memory flat): a header of
    `columns` in bold, then rows of plain values."""

    def __init__(self, title: str, columns: Sequence[str], widths: Mapping[str, float] | None = None):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=str(title)[:31])
        self.columns = list(columns)
        for index, name in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = (widths or {}).get(name, 22)
        self.sheet.freeze_panes = "A2"
        self.sheet.append([self.cell(name, bold=True) for name in self.columns])

    def cell(self, value: Any, *, bold: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cell = as_text(WriteOnlyCell(self.sheet, value=value))
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, frame: pd.DataFrame) -> None:
        # Plain values are written as they are (a date gets openpyxl's yyyy-mm-dd by itself): a cell
        # object for every value costs several times more. Only a text openpyxl would take for a
        # formula is wrapped in a cell that says it is text.
        for record in frame.itertuples(index=False, name=None):
            row = [_plain(value) for value in record]
            self.sheet.append([self.cell(v) if isinstance(v, str) and v.startswith("=") else v for v in row])

    def save(self, target: Any) -> None:
        self.workbook.save(target)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy numbers
        return value.item()
    return value


def to_xlsx(frame: pd.DataFrame, title: str) -> bytes:
    """The frame as a workbook of one sheet, its own column names as the header."""
    writer = XlsxWriter(title, [str(name) for name in frame.columns])
    writer.append(frame)
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()
