"""Pages for benefits realisation: the portfolio of all benefits, one benefit with its chart and
measurements, and the forms to plan a benefit for a need or a process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.benefits import chart, queries, services
from registry.benefits.models import Benefit
from registry.benefits.status import expected_value
from registry.benefits.words import frequency_labels, labels, type_labels
from registry.benefits.words import number as _number
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.needs.queries import get_need
from registry.processes import queries as process_queries
from registry.web.forms import as_form_values, conflict_of, form_page, submitted


async def _choices(session: AsyncSession) -> dict[str, list]:
    people = (await session.execute(select(m.Person.id, m.Person.name, m.Person.title).order_by(m.Person.name))).all()
    return {
        "people": [(p.id, f"{p.name} ({p.title})" if p.title else p.name) for p in people],
        "types": list(type_labels().items()),
        "frequencies": list(frequency_labels().items()),
    }


async def _benefit_or_404(session: AsyncSession, benefit_id: int) -> Benefit:
    benefit = await queries.get_benefit(session, benefit_id)
    if benefit is None:
        raise NotFoundException()
    return benefit


def _subject_url(benefit: Benefit) -> str:
    return f"/needs/{benefit.need_id}" if benefit.need_id else f"/processes/{benefit.process.slug}"


def _form_values(benefit: Benefit) -> dict[str, Any]:
    """The benefit in the shape of its edit form."""
    values = as_form_values(benefit, services.BENEFIT_FIELDS)
    values.update(
        benefit_type=benefit.benefit_type.value,
        frequency=benefit.frequency.value,
        baseline=_number(benefit.baseline),
        target=_number(benefit.target),
        starts_on=benefit.starts_on.isoformat(),
        target_date=benefit.target_date.isoformat(),
    )
    return values


class BenefitPages(Controller):
    guards = [logged_in]
    include_in_schema = False

    @get("/benefits", name="benefits")
    async def portfolio(self, request: Request, db_session: AsyncSession) -> Template:
        wanted = queries.PortfolioFilter.from_query(request.query_params)
        rows, costs = await queries.portfolio(db_session, wanted, date.today())
        return Template(
            template_name="benefits/list.html",
            context={"rows": rows, "costs": costs, "filter": wanted, "labels": labels(), "number": _number},
        )

    async def _subject(self, request: Request, session: AsyncSession) -> tuple[Any, Any, str]:
        """The need or process a new benefit is for, from ?need=<id> or ?process=<slug>."""
        need_text = request.query_params.get("need", "")
        process_slug = request.query_params.get("process", "")
        if need_text.isdigit():
            need = await get_need(session, int(need_text))
            if need is not None:
                return need, None, f"need={need.id}"
        elif process_slug:
            process = await process_queries.get_process(session, process_slug)
            if process is not None:
                return None, process, f"process={process.slug}"
        raise NotFoundException()

    async def _new_form(
        self, request: Request, session: AsyncSession, values: dict, errors: FormErrors | None = None
    ) -> Template:
        need, process, query = await self._subject(request, session)
        subject = f"#{need.id} {need.title}" if need else process.name
        page = form_page(
            title=_("Plan a benefit for %(subject)s", subject=subject),
            intro=_("How will we know it worked? Give the indicator, where it starts, where it should be and by when."),
            fields=services.BENEFIT_FIELDS,
            values=values,
            choices=await _choices(session),
            action=f"/benefits/new?{query}",
            cancel_url=f"/needs/{need.id}" if need else f"/processes/{process.slug}",
            errors=errors,
        )
        if errors and "need" in errors.errors:
            page.context["intro"] = errors.errors["need"]
        return page

    @get("/benefits/new", name="benefit_new")
    async def new(self, request: Request, db_session: AsyncSession) -> Template:
        need, process, _query = await self._subject(request, db_session)
        if not services.may_plan(request.scope["user"], need, process):
            raise PermissionDeniedException()
        today = date.today()
        values = {
            "starts_on": today.isoformat(),
            "target_date": (today + timedelta(days=365)).isoformat(),
            "frequency": "monthly",
            "responsible_id": request.scope["user"].person_id,
        }
        return await self._new_form(request, db_session, values)

    @post("/benefits/new", name="benefit_create")
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        need, process, _query = await self._subject(request, db_session)
        values = await submitted(request, services.BENEFIT_FIELDS)
        try:
            benefit = await services.save_benefit(db_session, request.scope["user"], values, need=need, process=process)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._new_form(request, db_session, values, errors)
        return Redirect(f"/benefits/{benefit.id}", status_code=303)

    @get("/benefits/{benefit_id:int}", name="benefit")
    async def benefit(self, request: Request, db_session: AsyncSession, benefit_id: int) -> Template:
        return await self._page(request, await _benefit_or_404(db_session, benefit_id))

    async def _page(self, request: Request, benefit: Benefit, errors: FormErrors | None = None, typed=None) -> Template:
        today = date.today()
        baseline, target = float(benefit.baseline), float(benefit.target)
        return Template(
            template_name="benefits/detail.html",
            context={
                "benefit": benefit,
                "status": queries.status_of(benefit, today),
                "expected": {
                    point.id: expected_value(
                        point.measured_on, baseline, target, benefit.starts_on, benefit.target_date
                    )
                    for point in benefit.measurements
                },
                "subject_url": _subject_url(benefit),
                "may_plan": services.may_plan(request.scope["user"], benefit.need, benefit.process),
                "may_measure": services.may_measure(request.scope["user"], benefit),
                "labels": labels(),
                "number": _number,
                "today": today.isoformat(),
                "errors": errors.errors if errors else {},
                "typed": typed or {},
            },
            status_code=422 if errors else 200,
        )

    @get("/benefits/{benefit_id:int}/chart.svg", name="benefit_chart")
    async def chart(self, db_session: AsyncSession, benefit_id: int) -> Response[bytes]:
        benefit = await _benefit_or_404(db_session, benefit_id)
        svg = chart.benefit_svg(
            float(benefit.baseline),
            float(benefit.target),
            benefit.starts_on,
            benefit.target_date,
            [(point.measured_on, float(point.value)) for point in benefit.measurements],
            chart.Words(
                title=benefit.indicator,
                unit=benefit.unit,
                measured=_("Measured"),
                baseline=_("Baseline"),
                target=_("Target"),
                expected=_("Expected path"),
                target_date=_("Target date"),
            ),
        )
        return Response(svg, media_type="image/svg+xml", headers={"cache-control": "private, no-cache"})

    @get("/benefits/{benefit_id:int}/edit", name="benefit_edit")
    async def edit(self, request: Request, db_session: AsyncSession, benefit_id: int) -> Template:
        benefit = await _benefit_or_404(db_session, benefit_id)
        if not services.may_plan(request.scope["user"], benefit.need, benefit.process):
            raise PermissionDeniedException()
        return await self._edit_form(db_session, benefit, _form_values(benefit))

    async def _edit_form(
        self, session: AsyncSession, benefit: Benefit, values: dict, errors: FormErrors | None = None
    ) -> Template:
        return form_page(
            title=_("Edit the benefit “%(name)s”", name=benefit.indicator),
            fields=services.BENEFIT_FIELDS,
            values=values,
            choices=await _choices(session),
            action=f"/benefits/{benefit.id}/edit",
            cancel_url=f"/benefits/{benefit.id}",
            errors=errors,
        )

    @post("/benefits/{benefit_id:int}/edit", name="benefit_update")
    async def update(self, request: Request, db_session: AsyncSession, benefit_id: int) -> Any:
        benefit = await _benefit_or_404(db_session, benefit_id)
        values = await submitted(request, services.BENEFIT_FIELDS)
        try:
            await services.save_benefit(db_session, request.scope["user"], values, benefit=benefit)
        except EditConflict:
            await db_session.rollback()
            current = await _benefit_or_404(db_session, benefit_id)
            page = await self._edit_form(db_session, current, {**values, "version": current.version})
            page.context["conflict"] = conflict_of(services.BENEFIT_FIELDS, _form_values(current), values)
            page.status_code = 409
            return page
        except FormErrors as errors:
            await db_session.rollback()
            return await self._edit_form(db_session, await _benefit_or_404(db_session, benefit_id), values, errors)
        return Redirect(f"/benefits/{benefit.id}", status_code=303)

    @post("/benefits/{benefit_id:int}/measurements", name="benefit_measure")
    async def measure(self, request: Request, db_session: AsyncSession, benefit_id: int) -> Any:
        benefit = await _benefit_or_404(db_session, benefit_id)
        values = await submitted(request, services.MEASUREMENT_FIELDS)
        try:
            await services.add_measurement(db_session, request.scope["user"], benefit, values)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._page(request, await _benefit_or_404(db_session, benefit_id), errors, values)
        return Redirect(f"/benefits/{benefit.id}#measurements-heading", status_code=303)

    @post("/benefits/{benefit_id:int}/measurements/{measurement_id:int}/delete", name="benefit_measurement_delete")
    async def unmeasure(self, request: Request, db_session: AsyncSession, benefit_id: int, measurement_id: int) -> Any:
        benefit = await _benefit_or_404(db_session, benefit_id)
        await services.remove_measurement(db_session, request.scope["user"], benefit, measurement_id)
        return Redirect(f"/benefits/{benefit.id}#measurements-heading", status_code=303)
