"""`/follow-up` (staff): the model's result indicators, each as a chart beside its table; and as Excel."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from litestar import Controller, MediaType, Request, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.benefits.words import status_labels
from registry.db import models as m
from registry.decisions.services import decision_labels
from registry.followup import chart, documents, pack
from registry.followup.load import Filter
from registry.followup.service import compute
from registry.i18n import gettext as _
from registry.needs.labels import channel_labels
from registry.needs.lifecycle import state_label
from registry.needs.models import NeedState

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"  # matplotlib styles inline; a picture runs no script


def milestone_labels() -> dict[str, str]:
    return {
        "recommendation": _("Intake to recommendation"),
        "decision": _("Intake to decision"),
        "done": _("Intake to done"),
    }


def labelled(figs: dict[str, Any]) -> dict[str, Any]:
    """The figures with coded values replaced by words in the reader's language."""
    states = {s.value: state_label(s) for s in NeedState} | {"total": _("Total")}
    out = dict(figs)
    out["by_state"] = figs["by_state"].rename(index=states, columns={"total": _("Total")})
    out["waiting"] = figs["waiting"].rename(index=states)
    out["oldest"] = (
        figs["oldest"].assign(state=figs["oldest"]["state"].map(states)) if len(figs["oldest"]) else figs["oldest"]
    )
    out["lead_times"] = figs["lead_times"].rename(index=milestone_labels())
    out["trend"] = figs["trend"].rename(columns=milestone_labels())
    out["channels"] = figs["channels"].rename(index=channel_labels())
    out["benefits"] = figs["benefits"].rename(index=status_labels())
    out["decisions"] = figs["decisions"].rename(
        columns=decision_labels() | {"total": _("Total")}, index={"total": _("Total")}
    )
    return out


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") if not value.is_integer() else str(int(value))
    return str(value)


def table(frame: pd.DataFrame, index_label: str, headers: dict[str, str] | None = None, percent: tuple = ()) -> dict:
    """A frame as header and rows of text for the page's tables (row headers in the first column)."""
    headers = headers or {}
    columns = [str(c) for c in frame.columns]
    rows = []
    for index, row in frame.iterrows():
        cells = [
            f"{round(100 * value)} %" if column in percent and value is not None else _number(value)
            for column, value in zip(frame.columns, row.tolist(), strict=True)
        ]
        rows.append((str(index), cells))
    return {"index": index_label, "columns": [headers.get(c, c) for c in columns], "rows": rows}


CHARTS = ("by_state", "trend", "moves", "channels", "decisions", "benefits")


def picture(name: str, figs: dict[str, Any]) -> bytes:
    empty = _("No data for this choice.")
    if name == "by_state":
        totals = figs["by_state"].get(_("Total"), pd.Series(dtype=int)).drop(_("Total"), errors="ignore")
        return chart.bars(totals, title=_("Needs by state"), y_label=_("Needs"), empty=empty)
    if name == "trend":
        return chart.lines(figs["trend"], title=_("Median lead time by month"), y_label=_("Days"), empty=empty)
    if name == "moves":
        return chart.bars(
            figs["moves"]["needs"], title=_("Times moved between areas or departments"), y_label=_("Needs"), empty=empty
        )
    if name == "channels":
        return chart.bars(figs["channels"]["needs"], title=_("Needs by channel"), y_label=_("Needs"), empty=empty)
    if name == "decisions":
        frame = figs["decisions"].drop(index=_("Total"), columns=_("Total"), errors="ignore")
        return chart.bars(frame, title=_("Decisions by department and outcome"), y_label=_("Decisions"), empty=empty)
    if name == "benefits":
        return chart.bars(
            figs["benefits"]["benefits"], title=_("Benefits by status"), y_label=_("Benefits"), empty=empty
        )
    raise NotFoundException()


def sections(figs: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The figures as named tables, for Excel and PDF."""
    return {
        _("Needs by state"): figs["by_state"],
        _("Lead times"): figs["lead_times"],
        _("Lead time by month"): figs["trend"],
        _("Waiting now"): figs["waiting"],
        _("Longest waiting"): figs["oldest"].set_index("id") if len(figs["oldest"]) else figs["oldest"],
        _("Moves"): figs["moves"],
        _("Channels"): figs["channels"],
        _("Institutions"): figs["institutions"],
        _("Decisions"): figs["decisions"],
        _("Disagreement"): figs["disagreeing_pairs"],
        _("Benefits"): figs["benefits"],
    }


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, extension: str, stem: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=XLSX if extension == "xlsx" else "application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{stem}.{extension}"'},
    )


def _extension(path: str) -> str:
    return path.rsplit(".", 1)[-1]


class FollowUpPages(Controller):
    guards = [logged_in]
    include_in_schema = False

    async def _figures(self, request: Request, session: AsyncSession) -> tuple[Filter, dict, dict[str, Any]]:
        flt, errors = Filter.from_query(request.query_params)
        return flt, errors, labelled(await compute(session, flt, date.today()))

    @get("/follow-up", name="follow_up")
    async def page(self, request: Request, db_session: AsyncSession) -> Template:
        flt, errors, figs = await self._figures(request, db_session)
        areas = (
            await db_session.execute(select(m.SupportArea.id, m.SupportArea.name).order_by(m.SupportArea.name))
        ).all()
        share = {"needs": _("Needs"), "share": _("Share")}
        return Template(
            template_name="followup/page.html",
            context={
                "flt": flt,
                "errors": errors,
                "areas": [tuple(a) for a in areas],
                "query": request.url.query or "",
                "this_year": date.today().year,
                "figs": figs,
                "tables": {
                    "by_state": table(figs["by_state"], _("State")),
                    "lead_times": table(
                        figs["lead_times"],
                        _("Lead time"),
                        {"needs": _("Needs"), "median": _("Median (days)"), "p80": _("80th percentile (days)")},
                    ),
                    "trend": table(figs["trend"], _("Month")),
                    "waiting": table(figs["waiting"], _("State")),
                    "moves": table(figs["moves"], _("Times moved"), share, percent=("share",)),
                    "channels": table(figs["channels"], _("Channel"), share, percent=("share",)),
                    "institutions": table(figs["institutions"], _("Institution"), share, percent=("share",)),
                    "decisions": table(figs["decisions"], _("Department")),
                    "benefits": table(figs["benefits"], _("Status"), {"benefits": _("Benefits")}),
                },
            },
            media_type=MediaType.HTML,
        )

    @get("/follow-up/charts/{name:str}", name="follow_up_chart")
    async def chart(self, request: Request, db_session: AsyncSession, name: str) -> Response[bytes]:
        if name.removesuffix(".svg") not in CHARTS:
            raise NotFoundException()
        _flt, _errors, figs = await self._figures(request, db_session)
        return Response(
            content=picture(name.removesuffix(".svg"), figs),
            media_type="image/svg+xml",
            headers={"Content-Security-Policy": SVG_POLICY},
        )

    @get("/follow-up/export.xlsx", name="follow_up_export")
    async def export(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        _flt, _errors, figs = await self._figures(request, db_session)
        stem = _("follow-up")
        return _download(documents.workbook(sections(figs)), "xlsx", f"{stem}-{date.today().isoformat()}")

    @get(["/follow-up/pack.xlsx", "/follow-up/pack.pdf"], name="steering_pack")
    async def steering_pack(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        """One area's steering-group pack for a period (by default the last 90 days)."""
        flt, errors = Filter.from_query(request.query_params)
        area = await db_session.get(m.SupportArea, flt.area) if flt.area is not None else None
        problems = [
            {"key": key, "message": _("Not a valid value: %(value)s", value=value)} for key, value in errors.items()
        ]
        if area is None and "area" not in errors:
            problems.append({"key": "area", "message": _("Choose the area the pack is for.")})
        today = date.today()
        start, end = flt.raised_from or today - timedelta(days=90), flt.raised_to or today
        if end < start:
            problems.append({"key": "to", "message": _("The period ends before it starts.")})
        if problems:
            raise ValidationException(detail=_("The pack could not be made."), extra=problems)
        made = await pack.steering_pack(db_session, area, start, end, today)
        extension = _extension(request.url.path)
        content = (
            documents.workbook(made.sections)
            if extension == "xlsx"
            else documents.pdf(made.title, made.facts, made.sections, _("Nothing in this period."))
        )
        stem = _("steering-group-pack")
        return _download(content, extension, f"{stem}-{area.slug}-{start.isoformat()}-{end.isoformat()}")

    @get(["/follow-up/report.xlsx", "/follow-up/report.pdf"], name="yearly_report")
    async def yearly_report(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        """The whole model's follow-up for the needs raised in one year (by default this year)."""
        text = (request.query_params.get("year") or str(date.today().year)).strip()
        if not (text.isdigit() and 2000 <= int(text) <= 2100):
            raise ValidationException(
                detail=_("The report could not be made."),
                extra=[{"key": "year", "message": _("A year from 2000 to 2100, for example 2026.")}],
            )
        year = int(text)
        figs = labelled(await compute(db_session, Filter(None, date(year, 1, 1), date(year, 12, 31)), date.today()))
        extension = _extension(request.url.path)
        title = _("Follow-up of the VSO model %(year)d", year=year)
        facts = [
            _("Needs raised in %(year)d: where they are now and how they were handled.", year=year),
            _(
                "%(split)d of %(shared)d needs decided by two or more departments were split "
                "(one approves while another rejects or defers).",
                split=figs["disagreement"]["split"],
                shared=figs["disagreement"]["shared"],
            ),
        ]
        content = (
            documents.workbook(sections(figs))
            if extension == "xlsx"
            else documents.pdf(title, facts, sections(figs), _("No data for this choice."))
        )
        stem = _("follow-up")
        return _download(content, extension, f"{stem}-{year}")
