"""Minutes of a closed meeting, made from its frozen snapshot only: as a table (for the page and
Excel) and as a PDF (reportlab)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registry.needs.transfer import to_xlsx


def items_frame(snapshot: Mapping[str, Any], words: Mapping[str, str]) -> pd.DataFrame:
    """One row per agenda item, in list order, headed in the reader's language."""
    rows = []
    for item in snapshot["items"]:
        rows.append(
            {
                words["order"]: item["order"],
                words["need"]: item["need_id"],
                words["title"]: item["title"],
                words["rank"]: _whole(item["rank"]),
                words["score"]: None if item["score"] is None else round(item["score"], 1),
                words["effort"]: item["effort_days"],
                words["line"]: words["above"] if item["above"] else words["below"],
                words["forced"]: words.get(f"forced:{item['forced']}", "") if item["forced"] else "",
                words["force_reason"]: item["force_reason"] or "",
                words["advice"]: words.get(f"advice:{item['advice']}", "") if item["advice"] else "",
                words["rationale"]: item["rationale"] or "",
                words["notes"]: item["notes"] or "",
            }
        )
    return pd.DataFrame(rows)


def _whole(value: Any) -> int | None:
    """A rank is a whole number (pandas keeps it as a float beside missing ones)."""
    return None if value is None or pd.isna(value) else int(value)


def xlsx(snapshot: Mapping[str, Any], words: Mapping[str, str]) -> bytes:
    return to_xlsx(items_frame(snapshot, words))


def pdf(snapshot: Mapping[str, Any], words: Mapping[str, str], title: str, facts: list[str]) -> bytes:
    """A4 landscape: the heading, who attended, the weights and capacity, then the list."""
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
    # Headers wrap between words only (never "Ord-er"), so their columns are made wide enough.
    heading = small.clone("heading", fontSize=7.5, leading=9, splitLongWords=0)
    story: list[Any] = [Paragraph(escape(title), styles["Title"])]
    story += [Paragraph(escape(line), styles["BodyText"]) for line in facts]
    story.append(Spacer(1, 4 * mm))
    frame = items_frame(snapshot, words)
    if not frame.empty:
        header = [Paragraph(f"<b>{escape(str(c))}</b>", heading) for c in frame.columns]
        body = [
            [Paragraph(escape("" if pd.isna(v) else str(v)), small) for v in row]
            for row in frame.itertuples(index=False)
        ]
        # Relative widths, scaled to the page between its margins.
        shares = [13, 11, 42, 11, 12, 20, 17, 16, 28, 28, 42, 42]
        widths = [document.width * share / sum(shares) for share in shares]
        table = Table([header, *body], colWidths=widths, repeatRows=1)
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
