"""Benefits realisation in the JSON API: the portfolio with each benefit's status, one benefit with its
measurements, planning and changing a benefit and recording measurements, through the same services
and rules as the pages."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.benefits import queries, services
from registry.benefits.controllers import _benefit_or_404
from registry.benefits.models import Benefit, Measurement
from registry.needs.queries import get_need
from registry.processes import queries as process_queries
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, BodyId, PathId, refuse_query


class MeasurementOut(msgspec.Struct):
    id: int
    measured_on: date
    value: float
    note: str
    recorded_by_name: str


class BenefitOut(msgspec.Struct):
    id: int
    need_id: int | None
    process_id: int | None
    benefit_type: str
    indicator: str
    description: str
    unit: str
    baseline: float
    starts_on: date
    target: float
    target_date: date
    method: str
    frequency: str
    responsible_id: int | None
    status: str  # not_measured, on_track, at_risk, missed or achieved: from the measurements
    latest: MeasurementOut | None


class BenefitDetailOut(msgspec.Struct):
    benefit: BenefitOut
    measurements: list[MeasurementOut]  # oldest first


class BenefitIn(msgspec.Struct, forbid_unknown_fields=True):
    """`benefit_type` and `frequency` as on the page's form; the target may be below the baseline when less is
    better; dates as YYYY-MM-DD."""

    benefit_type: str
    indicator: str
    baseline: float
    starts_on: str
    target: float
    target_date: str
    frequency: str = "monthly"
    description: str = ""
    unit: str = ""
    method: str = ""
    responsible_id: BodyId | None = None


class BenefitCreate(BenefitIn, forbid_unknown_fields=True):
    """A new benefit of an approved need (`need_id`) or of a process (`process`: its URL name); one of the two."""

    need_id: BodyId | None = None
    process: str = ""


class MeasurementIn(msgspec.Struct, forbid_unknown_fields=True):
    measured_on: str
    value: float
    note: str = ""


def measurement_out(point: Measurement) -> MeasurementOut:
    return MeasurementOut(point.id, point.measured_on, float(point.value), point.note, point.recorded_by_name)


def benefit_out(row: queries.Row) -> BenefitOut:
    benefit = row.benefit
    return BenefitOut(
        id=benefit.id,
        need_id=benefit.need_id,
        process_id=benefit.process_id,
        benefit_type=benefit.benefit_type.value,
        indicator=benefit.indicator,
        description=benefit.description,
        unit=benefit.unit,
        baseline=float(benefit.baseline),
        starts_on=benefit.starts_on,
        target=float(benefit.target),
        target_date=benefit.target_date,
        method=benefit.method,
        frequency=benefit.frequency.value,
        responsible_id=benefit.responsible_id,
        status=row.status.value,
        latest=measurement_out(row.latest) if row.latest else None,
    )


async def detail_out(session: AsyncSession, benefit_id: int) -> BenefitDetailOut:
    benefit = await _benefit_or_404(session, benefit_id)
    return BenefitDetailOut(
        benefit_out(queries.Row(benefit, queries.status_of(benefit, date.today()))),
        [measurement_out(point) for point in benefit.measurements],
    )


def _form(data: BenefitIn) -> dict[str, object]:
    """The body as the page's form sends it (numbers as typed text)."""
    values = {name: getattr(data, name) for name in BenefitIn.__struct_fields__}
    return values | {"baseline": repr(data.baseline), "target": repr(data.target)}


class BenefitApi(Controller):
    path = "/api/v1/benefits"
    tags = ["Benefits realisation"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="listBenefits",
        summary="Every benefit of approved needs and processes with its status (filters as on /benefits)",
        responses=READ,
        security=STAFF,
    )
    async def portfolio(
        self,
        request: Request,
        db_session: AsyncSession,
        status: str = "",
        benefit_type: str = Parameter(query="type", default=""),
        belongs_to: str = "",
    ) -> list[BenefitOut]:
        wanted = queries.PortfolioFilter.from_query(request.query_params)
        sent = {"status": (status, wanted.status), "type": (benefit_type, wanted.benefit_type)}
        sent["belongs_to"] = (belongs_to, wanted.belongs_to)
        refuse_query({name: value for name, (value, kept) in sent.items() if value and value != kept})
        rows, _costs = await queries.portfolio(db_session, wanted, date.today())
        return [benefit_out(row) for row in rows]

    @get(
        "/{benefit_id:int}",
        operation_id="getBenefit",
        summary="One benefit with its measurements",
        responses=READ,
        security=STAFF,
    )
    async def benefit(self, db_session: AsyncSession, benefit_id: PathId) -> BenefitDetailOut:
        return await detail_out(db_session, benefit_id)

    @post(
        "/",
        operation_id="planBenefit",
        summary="Plan a benefit for an approved need or a process (who may plan as on the pages)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def plan(self, request: Request, db_session: AsyncSession, data: BenefitCreate) -> BenefitDetailOut:
        need = await get_need(db_session, data.need_id) if data.need_id is not None else None
        process = await process_queries.get_process(db_session, data.process) if data.process else None
        if (data.need_id is not None and need is None) or (data.process and process is None):
            raise NotFoundException()
        benefit = await services.save_benefit(db_session, request.user, _form(data), need=need, process=process)
        return await detail_out(db_session, benefit.id)

    @put(
        "/{benefit_id:int}",
        operation_id="updateBenefit",
        summary="Change a benefit",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def update(
        self, request: Request, db_session: AsyncSession, benefit_id: PathId, data: BenefitIn
    ) -> BenefitDetailOut:
        benefit: Benefit = await _benefit_or_404(db_session, benefit_id)
        await services.save_benefit(db_session, request.user, _form(data), benefit=benefit)
        return await detail_out(db_session, benefit_id)

    @post(
        "/{benefit_id:int}/measurements",
        operation_id="measureBenefit",
        summary="Record a measurement of the indicator (who measures as on the pages)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def measure(
        self, request: Request, db_session: AsyncSession, benefit_id: PathId, data: MeasurementIn
    ) -> MeasurementOut:
        benefit = await _benefit_or_404(db_session, benefit_id)
        raw = {"measured_on": data.measured_on, "value": repr(data.value), "note": data.note}
        return measurement_out(await services.add_measurement(db_session, request.user, benefit, raw))

    @delete(
        "/{benefit_id:int}/measurements/{measurement_id:int}",
        operation_id="removeMeasurement",
        summary="Remove a measurement recorded in error",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def unmeasure(
        self, request: Request, db_session: AsyncSession, benefit_id: PathId, measurement_id: PathId
    ) -> None:
        benefit = await _benefit_or_404(db_session, benefit_id)
        await services.remove_measurement(db_session, request.user, benefit, measurement_id)
