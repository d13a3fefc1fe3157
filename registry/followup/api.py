"""The follow-up figures in the JSON API (`/api/v1/follow-up`), with coded values (states, channels,
outcomes) rather than words, filtered like the page."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pandas as pd
from litestar import Controller, Request, get
from litestar.exceptions import ValidationException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.followup.load import Filter
from registry.followup.service import compute
from registry.web.api import READ, STAFF


class LeadTime(msgspec.Struct):
    milestone: str
    needs: int
    median_days: float | None
    p80_days: float | None


class Cell(msgspec.Struct):
    row: str
    column: str
    value: float


class Share(msgspec.Struct):
    value: str
    needs: int
    share: float


class Waiting(msgspec.Struct):
    need_id: int
    title: str
    state: str
    area: str
    days: int


class Pair(msgspec.Struct):
    department_a: str
    department_b: str
    needs: int


class Disagreement(msgspec.Struct):
    shared: int
    split: int
    share: float
    pairs: list[Pair]


class FiguresOut(msgspec.Struct):
    by_state_and_area: list[Cell]  # row: state, column: area
    lead_times: list[LeadTime]
    lead_time_trend: list[Cell]  # row: month, column: milestone, value: median days
    waiting_median_days: list[Cell]  # row: state, column: area
    longest_waiting: list[Waiting]
    moves: list[Share]  # value: "0", "1", "2", "3+"
    channels: list[Share]
    institutions: list[Share]
    decisions: list[Cell]  # row: department, column: outcome
    disagreement: Disagreement
    benefits: list[Cell]  # row: status, column: "benefits"


def _cells(frame: pd.DataFrame, skip_totals: bool = True) -> list[Cell]:
    cells = []
    for row, values in frame.iterrows():
        for column, value in values.items():
            if skip_totals and "total" in (row, column):
                continue
            if value is not None and not pd.isna(value):
                cells.append(Cell(str(row), str(column), float(value)))
    return cells


def _shares(frame: pd.DataFrame) -> list[Share]:
    return [Share(str(index), int(row["needs"]), float(row["share"])) for index, row in frame.iterrows()]


def _optional(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


class FollowUpApi(Controller):
    path = "/api/v1/follow-up"
    tags = ["Follow-up"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="getFollowUpFigures",
        summary="The follow-up figures; filters: area (id), from and to (dates the needs were raised, YYYY-MM-DD)",
        responses=READ,
        security=STAFF,
    )
    async def figures(self, request: Request, db_session: AsyncSession) -> FiguresOut:
        flt, errors = Filter.from_query(request.query_params)
        if errors:
            raise ValidationException(
                detail="Some filters could not be read.",
                extra=[{"key": key, "message": f"Not a valid value: {value}"} for key, value in errors.items()],
            )
        figs = await compute(db_session, flt, date.today())
        summary = figs["disagreement"]
        return FiguresOut(
            by_state_and_area=_cells(figs["by_state"]),
            lead_times=[
                LeadTime(str(index), int(row["needs"]), _optional(row["median"]), _optional(row["p80"]))
                for index, row in figs["lead_times"].iterrows()
            ],
            lead_time_trend=_cells(figs["trend"]),
            waiting_median_days=_cells(figs["waiting"]),
            longest_waiting=[
                Waiting(int(r.id), str(r.title), str(r.state), str(r.area), int(r.days))
                for r in figs["oldest"].itertuples()
            ],
            moves=_shares(figs["moves"]),
            channels=_shares(figs["channels"]),
            institutions=_shares(figs["institutions"]),
            decisions=_cells(figs["decisions"]),
            disagreement=Disagreement(
                int(summary["shared"]),
                int(summary["split"]),
                float(summary["share"]),
                [Pair(*row) for row in figs["disagreeing_pairs"].itertuples(index=False)],
            ),
            benefits=_cells(figs["benefits"]),
        )
