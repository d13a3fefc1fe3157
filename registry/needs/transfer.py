"""Development needs in and out of spreadsheets: the filtered list exported to CSV or Excel (xlsx),
and needs imported from either, all or nothing.

The file: one need per row, the column names of `COLUMNS` in row 1 (in any order), in English so
that a file works whatever language its author reads the registry in. Names, not ids, stand for
departments, areas and institutions, as people see them (the full name; the slug or short name
is accepted too). Codes stand for channel, kind, state and department role.

CSV is written in UTF-8 with a byte-order mark (so that Excel shows å, ä and ö right), separated by
semicolons: Excel set to Swedish or Norwegian uses the comma as its decimal sign and opens a
semicolon-separated file straight into columns. An import reads either separator, and refuses a
file in another encoding than UTF-8, saying what it looks like and how to save it right.

Importing is checked in full before anything is written (`validate`, pure: no database), then
`import_needs` writes every row through the needs services, in the caller's transaction. Any error
raises `ImportErrors` with every error found, each naming its row (the header is row 1), its column
and the reason; the caller rolls back, and nothing is written.
"""

from __future__ import annotations

import asyncio
import codecs
import io
import re
import zipfile
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import anyio.to_thread
import pandas as pd
from anyio import from_thread
from litestar.exceptions import PermissionDeniedException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from registry.accounts.principal import Principal
from registry.db import models as m
from registry.forms import MAX_ID, FormErrors, clean
from registry.i18n import gettext as _
from registry.i18n import lazy_gettext as _l
from registry.needs import queries, services
from registry.needs.models import Channel, DepartmentRole, Need, NeedKind, NeedState

MAX_ROWS = 100_000  # an export stops here, and a file may hold no more
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROGRESS_EVERY = 200
CHUNK = 500  # needs read from, or compared with, the database at a time
CSV_SEPARATOR = ";"
MAX_SHOWN_NAME = 60  # how much of an unknown name an error quotes back


@dataclass(frozen=True)
class Column:
    name: str
    help: Any  # a lazy translation: what the column holds
    example: str = ""
    max_length: int = 200


COLUMNS: list[Column] = [
    Column(
        "id", _l("The need's number. Empty: the row creates a new need. A number: the row changes that need."), "12", 20
    ),
    Column("title", _l("Title (required, at most 200 characters)."), "Gemensam rutin för lokalbokning"),
    Column("description", _l("Description."), "", 20000),
    Column("clarified_need", _l("The clarified need: what is actually needed."), "", 20000),
    Column("cause", _l("Cause: why the need arose."), "", 20000),
    Column("proposed_coordination", _l("Proposed coordination."), "", 20000),
    Column("raised_by_name", _l("Who raised the need, as they wrote it."), "Anna Berg, Inst. för fysik"),
    Column("raised_by_institution", _l("The institution that raised it: its name."), ""),
    Column("raised_by_department", _l("The department that raised it: its name."), "Avd. för HR"),
    Column("channel", _l("How it came in: one of the codes listed below."), "dialogue_arena", 40),
    Column(
        "raised_on",
        _l("Date raised, YYYY-MM-DD. Empty: today for a new need, unchanged for an old one."),
        "2025-03-14",
        40,
    ),
    Column("owning_area", _l("The owning support-service area: its name."), "VSO för infrastruktur"),
    Column(
        "other_areas",
        _l("Other areas concerned: names separated by semicolons."),
        "VSO för styrning; VSO för utbildning",
        2000,
    ),
    Column("kind", _l("small_improvement or development_project."), "development_project", 40),
    Column("category", _l("Category (at most 100 characters)."), "", 100),
    Column("tags", _l("Tags separated by commas (at most 20)."), "lokaler, bokning", 500),
    Column(
        "state",
        _l("The need's state: written by the export, never changed by an import (move a need on its own page)."),
        "submitted",
        40,
    ),
    Column(
        "departments",
        _l(
            "Departments concerned, separated by semicolons, each as name:role:effort in person-days "
            "(role lead, contributes or affected; effort may be empty)."
        ),
        "Avd. för HR:lead:5; Avd. för biblioteket:affected:",
        5000,
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = ("title",)
_MAX_LENGTH = {column.name: column.max_length for column in COLUMNS}
# The need fields whose checks (`registry.forms.clean`) apply to a column as it stands.
_PLAIN_FIELDS = (
    "title",
    "description",
    "clarified_need",
    "cause",
    "proposed_coordination",
    "raised_by_name",
    "raised_on",
    "category",
    "tags",
)
_FIELD_OF_COLUMN = {
    "raised_by_institution": "raised_by_institution_id",
    "raised_by_department": "raised_by_department_id",
    "owning_area": "owning_area_id",
    "other_areas": "other_area_ids",
    "channel": "channel",
    "kind": "kind",
    **{name: name for name in _PLAIN_FIELDS},
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- results and errors


@dataclass(frozen=True, order=True)
class RowError:
    """One thing wrong with an uploaded file. Row 1 is the header; 0 stands for the file as a whole."""

    row: int
    column: str
    reason: str


class ImportErrors(Exception):
    """The file cannot be imported; nothing was written (the caller rolls back)."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, _column_order(e.column), e.reason))
        super().__init__(f"{len(self.errors)} errors")


@dataclass
class ImportRow:
    """A checked row: what to hand the services."""

    row: int
    need_id: int | None
    raw: dict[str, Any]  # for services.save_need(partial=True): only the columns the file has
    values: dict[str, Any]  # the same, cleaned (to tell whether an existing need changes at all)
    departments: list[dict[str, Any]] | None  # for services.set_departments; None: column absent


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Lookups:
    """What `validate` needs to know about the register, by normalised name."""

    departments: dict[str, int] = field(default_factory=dict)
    areas: dict[str, int] = field(default_factory=dict)
    institutions: dict[str, int] = field(default_factory=dict)
    needs: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # id → (owning area id, state)
    is_admin: bool = True
    coordinated: frozenset[int] = frozenset()  # area ids, for a coordinator


Progress = Callable[[str, int, int], Any]  # (stage "check" or "save", rows done, rows in all)


def _column_order(name: str) -> int:
    return COLUMN_NAMES.index(name) if name in COLUMN_NAMES else len(COLUMN_NAMES)


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_NAME else text[: MAX_SHOWN_NAME - 1] + "…"


# ---------------------------------------------------------------- export


def _effort(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def export_row(need: Need) -> dict[str, Any]:
    """One need as a row of the file. The need is loaded with `export_options()`."""
    return {
        "id": need.id,
        "title": need.title,
        "description": need.description or "",
        "clarified_need": need.clarified_need or "",
        "cause": need.cause or "",
        "proposed_coordination": need.proposed_coordination or "",
        "raised_by_name": need.raised_by_name or "",
        "raised_by_institution": need.raised_by_institution.name if need.raised_by_institution else "",
        "raised_by_department": need.raised_by_department.name if need.raised_by_department else "",
        "channel": need.channel.value if need.channel else "",
        "raised_on": need.raised_on,
        "owning_area": need.owning_area.name if need.owning_area else "",
        "other_areas": "; ".join(sorted(area.name for area in need.other_areas)),
        "kind": need.kind.value if need.kind else "",
        "category": need.category or "",
        "tags": ", ".join(tag.name for tag in need.tags),
        "state": need.state.value,
        "departments": "; ".join(
            f"{row.department.name}:{row.role.value}:{_effort(row.effort_days)}" for row in need.departments
        ),
    }


def export_frame(needs: Iterable[Need]) -> pd.DataFrame:
    """Needs as a table of the file's columns: `id` a number, `raised_on` a date, the rest text."""
    return pd.DataFrame([export_row(need) for need in needs], columns=COLUMN_NAMES)


def _looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run the text as a formula (or it is such a text, escaped already)."""
    return text.lstrip("'").startswith(_FORMULA_START)


def _defuse(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice
    against CSV injection); `read_upload` takes it off again, so a file round-trips unchanged."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def _undefuse(value: str) -> str:
    if value.startswith("'") and _looks_like_formula(value[1:]):
        return value[1:]
    return value


def to_csv(frame: pd.DataFrame, *, header: bool = True, bom: bool = True) -> bytes:
    """CSV in UTF-8 (with a byte-order mark unless `bom` is false), `;`-separated, CRLF line ends."""
    text = frame.map(_defuse).to_csv(sep=CSV_SEPARATOR, index=False, header=header, lineterminator="\r\n")
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


class XlsxWriter:
    """An Excel workbook written row by row (openpyxl's write-only mode keeps memory flat)."""

    def __init__(self, title: str | None = None, columns: Sequence[str] = COLUMN_NAMES):
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=(title or _("Needs"))[:31])
        self.columns = list(columns)
        widths = {"id": 8, "title": 40, "description": 50, "raised_on": 12, "state": 14, "departments": 50}
        for index, name in enumerate(self.columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 22)
        self.sheet.freeze_panes = "A2"
        self._header()

    def _cell(self, value: Any, *, bold: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str) and cell.data_type == "f":
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def _header(self) -> None:
        self.sheet.append([self._cell(name, bold=True) for name in self.columns])

    def append(self, frame: pd.DataFrame) -> None:
        # Plain values are written as they are (a date gets openpyxl's yyyy-mm-dd by itself); only a
        # text openpyxl would take for a formula is wrapped in a cell that says it is text.
        for record in frame.itertuples(index=False, name=None):
            row = [_plain(value) for value in record]
            self.sheet.append([self._cell(v) if isinstance(v, str) and v.startswith("=") else v for v in row])

    def save(self, target: Any) -> None:
        self.workbook.save(target)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy numbers
        return value.item()
    return value


def to_xlsx(frame: pd.DataFrame, title: str | None = None) -> bytes:
    """The frame as a workbook: its own column names as the header (text cells never run as formulas)."""
    writer = XlsxWriter(title, [str(name) for name in frame.columns])
    writer.append(frame)
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def template_xlsx(names: Mapping[str, Sequence[str]]) -> bytes:
    """An empty import file: the header, and a second sheet with the names and codes the columns take."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    writer = XlsxWriter()
    sheet = writer.workbook.create_sheet(title=_("Allowed values")[:31])
    lists = {
        "owning_area / other_areas": names.get("areas", []),
        "raised_by_department / departments": names.get("departments", []),
        "raised_by_institution": names.get("institutions", []),
        "channel": [c.value for c in Channel],
        "kind": [k.value for k in NeedKind],
        "departments (role)": [r.value for r in DepartmentRole],
    }
    headers = []
    for title in lists:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        headers.append(cell)
    sheet.append(headers)
    for index in range(max((len(values) for values in lists.values()), default=0)):
        sheet.append([values[index] if index < len(values) else None for values in lists.values()])
    buffer = io.BytesIO()
    writer.save(buffer)
    return buffer.getvalue()


def export_options():
    return (
        *queries.list_options(),
        selectinload(Need.other_areas),
        joinedload(Need.raised_by_department),
    )


async def export_chunks(
    session: AsyncSession, need_filter: queries.NeedFilter, *, chunk: int = CHUNK, limit: int = MAX_ROWS
) -> AsyncIterator[pd.DataFrame]:
    """The needs the filter matches, in the table's order, as frames of at most `chunk` rows:
    one keyset page at a time, so memory stays flat however long the list."""
    cursor, sent = "", 0
    while sent < limit:
        result = await queries.page(
            session, need_filter, cursor, size=min(chunk, limit - sent), options=export_options(), count=False
        )
        if result.needs:
            yield export_frame(result.needs)
        sent += len(result.needs)
        session.expunge_all()  # the page is written out; let it go
        if not result.next_cursor:
            break
        cursor = result.next_cursor


# ---------------------------------------------------------------- reading a file


def read_upload(filename: str, data: bytes) -> pd.DataFrame:
    """The uploaded file as a table of text: the header's column names (trimmed, lower case), and one
    row per data row, indexed by the row number the author sees (the header is row 1). Raises
    `ImportErrors` for a file that cannot be read."""
    name = (filename or "").strip().lower()
    if not data:
        raise ImportErrors([RowError(0, "", _("The file is empty."))])
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") or (is_zip and not name.endswith(".csv")):
        if not is_zip:
            raise ImportErrors(
                [RowError(0, "", _("This is not an Excel workbook (.xlsx); save it again as .xlsx or as CSV UTF-8."))]
            )
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        if is_zip or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ImportErrors(
                [RowError(0, "", _("This is an Excel file, not CSV. Upload it named .xlsx, or save it as CSV UTF-8."))]
            )
        table = _read_csv(data)
    elif name.endswith(".xls"):
        raise ImportErrors(
            [
                RowError(
                    0, "", _("Old Excel files (.xls) cannot be read. In Excel, save the file as .xlsx or as CSV UTF-8.")
                )
            ]
        )
    else:
        raise ImportErrors([RowError(0, "", _("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))])
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportErrors([RowError(1, "", _("The file is empty."))])
    if len(table) - 1 > MAX_ROWS:
        raise ImportErrors(
            [
                RowError(
                    0,
                    "",
                    _(
                        "A file may hold at most %(limit)s needs; this one has %(count)s rows.",
                        limit=f"{MAX_ROWS:,}".replace(",", " "),
                        count=f"{len(table) - 1:,}".replace(",", " "),
                    ),
                )
            ]
        )
    width = max(len(row) for row in table)
    header = [cell.strip().lower() for cell in table[0]] + [""] * (width - len(table[0]))
    body = [row + [""] * (width - len(row)) for row in table[1:]]
    frame = pd.DataFrame(body, columns=header, index=range(2, len(body) + 2), dtype=object)
    # Drop unnamed columns that hold nothing (spreadsheets keep a formatted empty column or two).
    keep = [i for i, name in enumerate(header) if name or any(row[i].strip() for row in body)]
    frame = frame.iloc[:, keep]
    # And rows that hold nothing: a blank line, or a row of empty cells.
    if len(frame):
        frame = frame[frame.apply(lambda row: any(str(cell).strip() for cell in row), axis=1)]
    return frame


def _read_csv(data: bytes) -> list[list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportErrors(
            [
                RowError(
                    0,
                    "",
                    _("The file is in UTF-16 (Excel's “Unicode text”). Save it as “CSV UTF-8” and upload it again."),
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        row = data[: problem.start].count(b"\n") + 1
        byte = data[problem.start : problem.start + 1]
        try:
            data.decode("cp1252")
            looks = _(
                "It looks like Windows-1252 (“ANSI”, Latin-1), where that byte is “%(char)s”.",
                char=byte.decode("cp1252"),
            )
        except UnicodeDecodeError:
            looks = ""
        raise ImportErrors(
            [
                RowError(
                    row,
                    "",
                    " ".join(
                        filter(
                            None,
                            [
                                _(
                                    "The file is not in UTF-8: byte 0x%(byte)s in this row is not UTF-8.",
                                    byte=byte.hex().upper(),
                                ),
                                looks,
                                _("In Excel, save it as “CSV UTF-8” and upload it again."),
                            ],
                        )
                    ),
                )
            ]
        ) from None
    if "\x00" in text[:8192]:
        raise ImportErrors(
            [RowError(0, "", _("This is not a text file; upload a CSV file (.csv) or an Excel workbook (.xlsx)."))]
        )
    first_line = text.split("\n", 1)[0]
    separator = max((";", ",", "\t"), key=first_line.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        return []
    except pd.errors.ParserError as problem:
        message = str(problem)
        if found := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
            expected, row, seen = (int(n) for n in found.groups())
            reason = _(
                "This row has %(found)d cells; the header has %(expected)d. "
                "Check for a separator inside a cell without quotes.",
                found=seen,
                expected=expected,
            )
            raise ImportErrors([RowError(row, "", reason)]) from None
        if found := re.search(r"EOF inside string starting at row (\d+)", message):
            raise ImportErrors(
                [RowError(int(found.group(1)) + 1, "", _("A quoted cell starts in this row and is never closed."))]
            ) from None
        raise ImportErrors([RowError(0, "", _("The file could not be read as CSV."))]) from None
    return [[_undefuse(str(cell)) for cell in row] for row in frame.itertuples(index=False, name=None)]


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportErrors(
            [RowError(0, "", _("This is not an Excel workbook (.xlsx); save it again as .xlsx or as CSV UTF-8."))]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            table.append([_xlsx_text(value) for value in values])
            if len(table) > MAX_ROWS + 1:
                break
        while table and not any(cell.strip() for cell in table[-1]):
            table.pop()
        return table
    finally:
        workbook.close()


# ---------------------------------------------------------------- checking


def validate(
    frame: pd.DataFrame, lookups: Lookups, progress: Callable[[int, int], Any] | None = None
) -> tuple[list[ImportRow], list[RowError]]:
    """Check every row of `frame` (from `read_upload`) against the register's names and the needs'
    rules. Returns the rows ready for the services, and every error found (sorted); no database."""
    errors: list[RowError] = []
    header = list(frame.columns)
    if not header:
        return [], [RowError(1, "", _("The file is empty."))]
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.append(RowError(1, "", _("A column has data but no name in the header row.")))
        elif name in seen:
            errors.append(RowError(1, name, _("The column appears twice.")))
        elif name not in COLUMN_NAMES:
            errors.append(
                RowError(
                    1, _shown(name), _("Unknown column. The columns are: %(names)s.", names=", ".join(COLUMN_NAMES))
                )
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("This column is required.")))
    if errors:
        return [], sorted(errors, key=lambda e: (e.row, _column_order(e.column)))
    if frame.empty:
        return [], [RowError(2, "", _("The file has a header row but no needs."))]

    total = len(frame)
    rows: list[ImportRow] = []
    first_row_of_id: dict[int, int] = {}
    for done, (number, record) in enumerate(zip(frame.index, frame.itertuples(index=False, name=None), strict=True), 1):
        cells = {name: str(value) for name, value in zip(header, record, strict=True)}
        row, row_errors = _check_row(int(number), cells, lookups, first_row_of_id)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return rows, sorted(errors, key=lambda e: (e.row, _column_order(e.column)))


def _check_row(
    number: int, cells: dict[str, str], lookups: Lookups, first_row_of_id: dict[int, int]
) -> tuple[ImportRow | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, reason: str) -> None:
        errors.append(RowError(number, column, reason))

    # A cell longer than its column allows is reported as such, and checked no further.
    for name, text in cells.items():
        limit = _MAX_LENGTH[name]
        if len(text.strip()) > limit:
            fail(name, _("At most %(limit)d characters (you typed %(count)d).", limit=limit, count=len(text.strip())))
    bad = {error.column for error in errors}
    text = {name: value.strip() for name, value in cells.items() if name not in bad}

    need_id: int | None = None
    if text.get("id"):
        value = text["id"].removeprefix("#")
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            fail(
                "id",
                _("Not a need number: “%(value)s”. Leave the cell empty to create a new need.", value=_shown(value)),
            )
        else:
            need_id = int(value)
            if need_id in first_row_of_id:
                fail(
                    "id",
                    _(
                        "The id %(id)d is also in row %(row)d; a need can be in the file only once.",
                        id=need_id,
                        row=first_row_of_id[need_id],
                    ),
                )
                need_id = None
            else:
                first_row_of_id[need_id] = number
                if need_id not in lookups.needs:
                    fail("id", _("No need has the id %(id)d. Leave the cell empty to create a new need.", id=need_id))
                    need_id = None
    is_new = not text.get("id") and "id" not in bad

    raw: dict[str, Any] = {}
    for name in _PLAIN_FIELDS:
        if name in text:
            raw[name] = text[name]

    references = (
        ("raised_by_institution", lookups.institutions, _l("No such institution: “%(name)s”.")),
        ("raised_by_department", lookups.departments, _l("No such department: “%(name)s”.")),
        ("owning_area", lookups.areas, _l("No such support-service area: “%(name)s”.")),
    )
    for name, table, message in references:
        if name in text:
            if not text[name]:
                raw[_FIELD_OF_COLUMN[name]] = None
            elif (found := table.get(_key(text[name]))) is None:
                fail(name, str(message) % {"name": _shown(text[name])})
            else:
                raw[_FIELD_OF_COLUMN[name]] = found
    if "other_areas" in text:
        names = [part.strip() for part in text["other_areas"].split(";") if part.strip()]
        unknown = [part for part in names if _key(part) not in lookups.areas]
        if unknown:
            fail("other_areas", _("No such support-service area: “%(name)s”.", name=_shown("”, “".join(unknown))))
        else:
            raw["other_area_ids"] = sorted({lookups.areas[_key(part)] for part in names})
    for name, options in (("channel", [c.value for c in Channel]), ("kind", [k.value for k in NeedKind])):
        if name in text:
            if text[name] and text[name] not in options:
                fail(
                    name,
                    _("“%(value)s” is not one of: %(options)s.", value=_shown(text[name]), options=", ".join(options)),
                )
            else:
                raw[name] = text[name]
    if "tags" in text and len(services._tags(text["tags"])) > services.MAX_TAGS:
        fail("tags", _("At most %(limit)d tags.", limit=services.MAX_TAGS))
        raw.pop("tags", None)

    if text.get("state"):
        state = text["state"]
        if state not in NeedState.__members__:
            fail(
                "state",
                _(
                    "“%(value)s” is not one of: %(options)s.",
                    value=_shown(state),
                    options=", ".join(NeedState.__members__),
                ),
            )
        elif need_id is not None and state != lookups.needs[need_id][1]:
            fail(
                "state",
                _(
                    "An import does not change a need's state (it is %(state)s); "
                    "move the need on its own page, or leave the cell as exported.",
                    state=lookups.needs[need_id][1],
                ),
            )
        elif is_new and state != NeedState.submitted.value:
            fail("state", _("A new need starts as submitted; leave the cell empty."))

    departments: list[dict[str, Any]] | None = None
    if "departments" in text:
        departments = _departments(text["departments"], lookups, lambda reason: fail("departments", reason))

    # Who may: an admin anything; a coordinator needs in the areas they coordinate (and unrouted ones).
    if not lookups.is_admin:
        if need_id is not None:
            current_area = lookups.needs[need_id][0]
            if current_area is not None and current_area not in lookups.coordinated:
                fail("id", _("You may not change this need: it belongs to an area you do not coordinate."))
        area = raw.get("owning_area_id")
        if area is not None and area not in lookups.coordinated:
            fail("owning_area", _("You may import needs only for the areas you coordinate."))

    values: dict[str, Any] = {}
    fields = [spec for spec in services.NEED_FIELDS if spec.name in raw]
    try:
        values = clean(fields, raw, partial=True)
    except FormErrors as problem:
        for field_name, message in problem.errors.items():
            column = next((c for c, f in _FIELD_OF_COLUMN.items() if f == field_name), field_name)
            fail(column, message)
    if errors:
        return None, errors
    return ImportRow(number, need_id, raw, values, departments), []


def _departments(text: str, lookups: Lookups, fail: Callable[[str], None]) -> list[dict[str, Any]] | None:
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    ok = True
    for entry in (part.strip() for part in text.split(";")):
        if not entry:
            continue
        name, role, effort = ([*entry.rsplit(":", 2)] + ["", ""])[:3] if ":" in entry else (entry, "", "")
        name, role, effort = name.strip(), role.strip().lower(), effort.strip()
        department_id = lookups.departments.get(_key(name))
        if department_id is None:
            fail(_("No such department: “%(name)s”.", name=_shown(name)))
            ok = False
            continue
        if department_id in seen:
            fail(_("The department “%(name)s” is listed twice.", name=_shown(name)))
            ok = False
        seen.add(department_id)
        if role and role not in DepartmentRole.__members__:
            fail(
                _(
                    "Unknown role “%(role)s” for %(name)s; use lead, contributes or affected.",
                    role=_shown(role),
                    name=_shown(name),
                )
            )
            ok = False
            continue
        effort_value = None
        if effort:
            try:
                effort_value = Decimal(effort.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
                if (
                    not effort_value.is_finite()
                    or not 0 <= effort_value <= 100000
                    or effort_value != effort_value.quantize(Decimal("0.1"))
                ):
                    raise InvalidOperation
            except InvalidOperation:
                fail(
                    _(
                        "Effort for %(name)s must be a number of person-days from 0 to 100 000 "
                        "with at most one decimal, not “%(value)s”.",
                        name=_shown(name),
                        value=_shown(effort),
                    )
                )
                ok = False
                continue
        rows.append(
            {"department_id": department_id, "role": role or DepartmentRole.affected.value, "effort_days": effort_value}
        )
    return rows if ok else None


# ---------------------------------------------------------------- importing


async def load_lookups(session: AsyncSession, principal: Principal, need_ids: Iterable[int]) -> Lookups:
    lookups = Lookups(is_admin=principal.is_admin, coordinated=frozenset(principal.coordinator_of))
    for model, table, keys in (
        (m.Department, lookups.departments, ("short_name", "slug", "name")),
        (m.SupportArea, lookups.areas, ("slug", "name")),
        (m.Institution, lookups.institutions, ("short_name", "slug", "name")),
    ):
        for row in (await session.execute(select(model.id, *(getattr(model, key) for key in keys)))).all():
            for value in row[1:]:  # the full name is last, so it wins over another's slug or short name
                if value:
                    table[_key(value)] = row[0]
    ids = sorted(set(need_ids))
    for start in range(0, len(ids), CHUNK):
        found = await session.execute(
            select(Need.id, Need.owning_area_id, Need.state).where(Need.id.in_(ids[start : start + CHUNK]))
        )
        for need_id, area_id, state in found:
            lookups.needs[need_id] = (area_id, state.value)
    return lookups


def _ids_in(frame: pd.DataFrame) -> list[int]:
    if "id" not in frame.columns or isinstance(frame["id"], pd.DataFrame):
        return []
    ids = []
    for value in frame["id"]:
        text = str(value).strip().removeprefix("#")
        if text.isdigit() and 0 < int(text) <= MAX_ID:
            ids.append(int(text))
    return ids


async def import_needs(
    session: AsyncSession,
    principal: Principal | None,
    filename: str,
    data: bytes,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the file's needs in the caller's transaction: all rows, or (raising `ImportErrors`,
    with every error found) none; on an error the caller rolls back.

    `progress(stage, done, total)` is called every `PROGRESS_EVERY` rows, with stage "check" while
    the file is checked and "save" while the needs are written.
    """
    if principal is None or not (principal.is_admin or principal.coordinator_of):
        raise PermissionDeniedException(detail=_("Only administrators and development coordinators import needs."))

    def checked(done: int, total: int) -> None:  # runs in the worker thread
        if progress is not None:
            from_thread.run_sync(progress, "check", done, total)

    frame = await anyio.to_thread.run_sync(read_upload, filename, data)
    lookups = await load_lookups(session, principal, _ids_in(frame))
    rows, errors = await anyio.to_thread.run_sync(validate, frame, lookups, checked)
    if errors:
        raise ImportErrors(errors)
    del frame

    # Keep the register's departments, areas and institutions in the session's identity map, so
    # that the services' checks of the references find them without asking the database again.
    register = [
        *(await session.scalars(select(m.Department))).all(),
        *(await session.scalars(select(m.SupportArea))).all(),
        *(await session.scalars(select(m.Institution))).all(),
    ]
    result = ImportResult()
    total = len(rows)
    done = 0
    for start in range(0, total, CHUNK):
        chunk = rows[start : start + CHUNK]
        current = await _current_needs(session, [row.need_id for row in chunk if row.need_id is not None])
        for row in chunk:
            try:
                outcome = await _apply(session, principal, row, current.get(row.need_id) if row.need_id else None)
            except FormErrors as problem:
                errors.extend(RowError(row.row, _column_of(name), message) for name, message in problem.errors.items())
            except PermissionDeniedException as problem:
                errors.append(RowError(row.row, "id", str(problem.detail)))
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
            done += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress("save", done, total)
                await asyncio.sleep(0)  # let a streamed response send it
        del current
    del register
    if errors:
        raise ImportErrors(errors)
    return result


def _column_of(field_name: str) -> str:
    if field_name.startswith("departments."):
        return "departments"
    return next((column for column, name in _FIELD_OF_COLUMN.items() if name == field_name), field_name)


async def _current_needs(session: AsyncSession, ids: list[int]) -> dict[int, Need]:
    if not ids:
        return {}
    found = await session.scalars(
        select(Need)
        .where(Need.id.in_(ids))
        .options(selectinload(Need.departments), selectinload(Need.tags), selectinload(Need.other_areas))
        .execution_options(populate_existing=True)
    )
    return {need.id: need for need in found.all()}


async def _apply(session: AsyncSession, principal: Principal, row: ImportRow, need: Need | None) -> str:
    if row.need_id is None:
        raw = dict(row.raw)
        if raw.get("raised_by_name"):
            raw["raised_by_person_id"] = None  # raised by the person named, not by whoever imports
        await services.save_need(session, principal, raw, partial=True, departments=row.departments or None)
        return "created"
    if need is None:  # removed since the file was checked
        raise FormErrors(
            {"id": _("No need has the id %(id)d. Leave the cell empty to create a new need.", id=row.need_id)}
        )
    # Compare first: a row that changes nothing is not written (the services would record nothing
    # either, but only after reading and rewriting the need's links).
    fields_differ = _fields_differ(need, row.values)
    departments_differ = row.departments is not None and _department_rows(need) != _wanted_departments(row.departments)
    if not (fields_differ or departments_differ):
        return "unchanged"
    await services.save_need(
        session,
        principal,
        row.raw if fields_differ else {},
        need,
        partial=True,
        departments=row.departments if departments_differ else None,
    )
    return "updated"


def _fields_differ(need: Need, values: Mapping[str, Any]) -> bool:
    owning_area_id = values.get("owning_area_id", need.owning_area_id)
    for name, value in values.items():
        if name in ("channel", "kind", "raised_on"):
            if value is not None and getattr(getattr(need, name), "value", getattr(need, name)) != value:
                return True
        elif name == "other_area_ids":
            wanted = sorted(a for a in value if a != owning_area_id)
            if wanted != sorted(area.id for area in need.other_areas):
                return True
        elif name == "tags":
            if sorted(services._tags(value)) != sorted(tag.name for tag in need.tags):
                return True
        elif getattr(need, name) != value:
            return True
    return False


def _department_rows(need: Need) -> list[tuple[int, str, Decimal | None]]:
    return sorted(
        (row.department_id, row.role.value, None if row.effort_days is None else Decimal(row.effort_days).normalize())
        for row in need.departments
    )


def _wanted_departments(rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str, Decimal | None]]:
    return sorted(
        (row["department_id"], row["role"], None if row["effort_days"] is None else row["effort_days"].normalize())
        for row in rows
    )
