"""Tables to an Excel workbook (a sheet each) and to a PDF (a heading and a table each). Pure."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(
                writer,
                sheet_name=name[:31],
                index=frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex),
            )
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}" if not value.is_integer() else str(int(value))
    return str(value)


def pdf(title: str, facts: Sequence[str], sections: Mapping[str, pd.DataFrame], empty: str) -> bytes:
    """A4 landscape: the title and facts, then each section's heading and table."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="VSO registry",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    story += [Paragraph(escape(line), styles["BodyText"]) for line in facts]
    for n, (heading, frame) in enumerate(sections.items()):
        if n:
            story.append(PageBreak() if len(frame) > 25 else Spacer(1, 6 * mm))
        story.append(Paragraph(escape(heading), styles["Heading2"]))
        shown = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame
        if shown.empty:
            story.append(Paragraph(escape(empty), styles["BodyText"]))
            continue
        header = [Paragraph(f"<b>{escape(str(c))}</b>", small) for c in shown.columns]
        body = [[Paragraph(escape(_cell(v)), small) for v in row] for row in shown.itertuples(index=False)]
        table = Table([header, *body], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    document.build(story)
    return buffer.getvalue()
