"""The RACI matrix as an Excel workbook."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from registry.i18n import gettext as _
from registry.spreadsheets import as_text


def raci_xlsx(process_name: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> bytes:
    """One sheet: the activities down, the roles/people/departments across, R/A/C/I in the cells,
    and a key below."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "RACI"
    sheet.append([_("RACI matrix: %(process)s", process=process_name)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append([_("Activity"), *columns])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for name, cells in rows:
        sheet.append([name, *cells])
        for cell in sheet[sheet.max_row][1:]:
            cell.alignment = Alignment(horizontal="center")
    sheet.append([])
    for letter, meaning in legend():
        sheet.append([f"{letter} = {meaning}"])
    sheet.column_dimensions["A"].width = 48
    for index in range(2, len(columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 16
    sheet.freeze_panes = "B4"
    for row in sheet.iter_rows():  # activity and column names are what people typed: text, never formulas
        for cell in row:
            as_text(cell)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def legend() -> list[tuple[str, str]]:
    return [
        ("R", _("Responsible: does the work")),
        ("A", _("Accountable: answers for the result (exactly one per activity)")),
        ("C", _("Consulted before")),
        ("I", _("Informed after")),
    ]
