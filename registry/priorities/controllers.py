"""Pages for prioritising: the strategy, the scoring models, each rater's scores, the ranked
backlogs (per area and across areas) with their exports and the value-versus-effort chart."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import admin, logged_in
from registry.areas import services as areas
from registry.changes import queries as change_queries
from registry.db import models as m
from registry.db.versioning import EditConflict
from registry.forms import FormErrors
from registry.i18n import gettext as _
from registry.needs import queries as need_queries
from registry.needs.controllers import state_labels
from registry.priorities import backlog, chart, labels, queries, scoring, services
from registry.priorities.models import StrategicGoal, Strategy
from registry.spreadsheets import to_csv, to_xlsx
from registry.web.forms import as_form_values, form_page, submitted

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _principal(request: Request):
    return request.scope.get("user")


# ---------------------------------------------------------------- the strategy


async def _strategy_or_404(session: AsyncSession, strategy_id: int) -> Strategy:
    strategy = await session.get(Strategy, strategy_id)
    if strategy is None:
        raise NotFoundException()
    return strategy


async def _goal_or_404(session: AsyncSession, goal_id: int) -> StrategicGoal:
    goal = await session.get(StrategicGoal, goal_id)
    if goal is None:
        raise NotFoundException()
    return goal


class StrategyPages(Controller):
    include_in_schema = False

    @get("/strategy", name="strategy")
    async def strategy(self, request: Request, db_session: AsyncSession) -> Template:
        strategies = await queries.strategies(db_session)
        history = None
        if _principal(request) is not None and strategies:
            history = await change_queries.history(db_session, "strategy", strategies[0].id)
        return Template(
            template_name="priorities/strategy.html",
            context={
                "strategies": strategies,
                "today": date.today(),
                "history": history,
                "names": await change_queries.referenced_names(db_session, history) if history else {},
                "object_type": "strategy",
                "object_id": strategies[0].id if strategies else 0,
            },
        )


class StrategyAdmin(Controller):
    include_in_schema = False
    guards = [admin]

    def _form(self, title: str, fields, values, action: str, errors: FormErrors | None = None) -> Template:
        return form_page(
            title=title, fields=fields, values=values, choices={}, action=action, cancel_url="/strategy", errors=errors
        )

    async def _submit(self, request: Request, title: str, fields, action: str, save) -> Any:
        """Save a posted form; refused, the form again with the reasons and what was typed."""
        values = await submitted(request, fields)
        try:
            await save(values)
        except FormErrors as errors:
            return self._form(title, fields, values, action, errors)
        return Redirect("/strategy", status_code=303)

    @get("/strategy/new", name="strategy_new")
    async def new(self) -> Template:
        return self._form(_("New strategy"), services.STRATEGY_FIELDS, {}, "/strategy/new")

    @post("/strategy/new", name="strategy_create")
    async def create(self, request: Request, db_session: AsyncSession) -> Any:
        return await self._submit(
            request,
            _("New strategy"),
            services.STRATEGY_FIELDS,
            "/strategy/new",
            lambda values: services.save_strategy(db_session, values),
        )

    @get("/strategy/{strategy_id:int}/edit", name="strategy_edit")
    async def edit(self, db_session: AsyncSession, strategy_id: int) -> Template:
        strategy = await _strategy_or_404(db_session, strategy_id)
        values = as_form_values(strategy, services.STRATEGY_FIELDS)
        return self._form(strategy.name, services.STRATEGY_FIELDS, values, f"/strategy/{strategy_id}/edit")

    @post("/strategy/{strategy_id:int}/edit", name="strategy_update")
    async def update(self, request: Request, db_session: AsyncSession, strategy_id: int) -> Any:
        strategy = await _strategy_or_404(db_session, strategy_id)
        return await self._submit(
            request,
            strategy.name,
            services.STRATEGY_FIELDS,
            f"/strategy/{strategy_id}/edit",
            lambda values: services.save_strategy(db_session, values, strategy),
        )

    @get("/strategy/{strategy_id:int}/goals/new", name="goal_new")
    async def new_goal(self, db_session: AsyncSession, strategy_id: int) -> Template:
        await _strategy_or_404(db_session, strategy_id)
        return self._form(_("New goal"), services.GOAL_FIELDS, {}, f"/strategy/{strategy_id}/goals/new")

    @post("/strategy/{strategy_id:int}/goals/new", name="goal_create")
    async def create_goal(self, request: Request, db_session: AsyncSession, strategy_id: int) -> Any:
        strategy = await _strategy_or_404(db_session, strategy_id)
        return await self._submit(
            request,
            _("New goal"),
            services.GOAL_FIELDS,
            f"/strategy/{strategy_id}/goals/new",
            lambda values: services.save_goal(db_session, strategy, values),
        )

    @get("/strategy/goals/{goal_id:int}/edit", name="goal_edit")
    async def edit_goal(self, db_session: AsyncSession, goal_id: int) -> Template:
        goal = await _goal_or_404(db_session, goal_id)
        values = as_form_values(goal, services.GOAL_FIELDS)
        return self._form(goal.name, services.GOAL_FIELDS, values, f"/strategy/goals/{goal_id}/edit")

    @post("/strategy/goals/{goal_id:int}/edit", name="goal_update")
    async def update_goal(self, request: Request, db_session: AsyncSession, goal_id: int) -> Any:
        goal = await _goal_or_404(db_session, goal_id)
        strategy = await _strategy_or_404(db_session, goal.strategy_id)
        return await self._submit(
            request,
            goal.name,
            services.GOAL_FIELDS,
            f"/strategy/goals/{goal_id}/edit",
            lambda values: services.save_goal(db_session, strategy, values, goal),
        )

    @get("/strategy/goals/{goal_id:int}/delete", name="goal_delete_confirm")
    async def confirm_delete_goal(self, db_session: AsyncSession, goal_id: int) -> Template:
        goal = await _goal_or_404(db_session, goal_id)
        return Template(
            template_name="confirm_delete.html",
            context={
                "name": goal.name,
                "blockers": [],
                "consequences": [_("Scores already given for this goal stay in the change log but no longer count.")],
                "action": f"/strategy/goals/{goal_id}/delete",
                "cancel_url": "/strategy",
            },
        )

    @post("/strategy/goals/{goal_id:int}/delete", name="goal_delete")
    async def delete_goal(self, db_session: AsyncSession, goal_id: int) -> Redirect:
        await services.delete_goal(db_session, await _goal_or_404(db_session, goal_id))
        return Redirect("/strategy", status_code=303)


# ---------------------------------------------------------------- backlogs


@dataclass
class Prepared:
    ranked: backlog.Ranked
    goals: list[StrategicGoal]
    models: dict
    flt: queries.BacklogFilter


async def _ranked(session: AsyncSession, flt: queries.BacklogFilter) -> Prepared:
    """The ranked backlog for the filter (kept between views by the service); a verdict filter picks
    from the whole ranking, so the ranks stay those of the whole backlog."""
    ranked, goals, models = await services.ranked_backlog(session, replace(flt, verdict=""))
    if flt.verdict:
        ranked = replace(ranked, table=ranked.table[ranked.table["verdict"] == flt.verdict])
    return Prepared(ranked, goals, models, flt)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


async def _backlog_context(
    request: Request, session: AsyncSession, prepared: Prepared, area: m.SupportArea | None
) -> dict[str, Any]:
    table = prepared.ranked.table
    page = _page_number(request)
    pages = max((len(table) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    shown = table.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    goal_names = {goal.id: goal.name for goal in prepared.goals}
    all_areas = await areas.list_areas(session)
    model = queries.model_for(prepared.models, area.id if area else None)
    return {
        "area": area,
        "rows": list(shown.reset_index().itertuples(index=False)),
        "total": len(table),
        "page": page,
        "pages": pages,
        "unscored": list(prepared.ranked.unscored.reset_index().head(PAGE_SIZE).itertuples(index=False)),
        "unscored_total": len(prepared.ranked.unscored),
        "disputed": list(prepared.ranked.disputed().reset_index().itertuples(index=False)),
        "filter": prepared.flt,
        "query": prepared.flt.as_query(with_area=area is None),
        "areas": all_areas,
        "area_names": {a.id: a.name for a in all_areas},
        "departments": await areas.list_departments(session),
        "states": state_labels(),
        "backlog_states": [state.value for state in queries.BACKLOG_STATES],
        "criteria": labels.criteria(),
        "verdicts": labels.verdicts(),
        "methods": labels.methods(),
        "model": model,
        "goal_names": goal_names,
        "criterion_name": lambda key: labels.criterion_name(key, goal_names),
        "may_weigh": services.may_weigh(_principal(request), area.id if area else None),
        "across_areas_rule": across_areas_rule(),
        "isnan": pd.isna,
    }


def across_areas_rule() -> str:
    """How the registry-wide ranking compares needs scored with different methods: said on the page
    and in the exports."""
    return _(
        "Areas score with different methods (a weighted score 0–100, or value per person-day), so the scores "
        "are not compared across areas: each need is ranked by its percentile within its own area – the share "
        "of the area's scored needs that score at or below it (100 = the area's best) – and ties go to the "
        "older need."
    )


def _export_labels(across_areas: bool) -> dict[str, str]:
    names = {
        "rank": _("Rank across areas (by percentile in the area)") if across_areas else _("Rank"),
        "area_rank": _("Rank in area"),
        "rank_range": _("Rank range when weights move ±%(percent)d%%", percent=20),
        "verdict": _("Stability"),
        "need": _("Need"),
        "title": _("Title"),
        "area": _("Owning area"),
        "state": _("State"),
        "score": _("Score"),
        "method": _("Scoring method"),
        "percentile": _("Percentile in the area"),
        "effort_days": _("Effort (person-days)"),
        "departments": _("Departments"),
        "raters": _("Raters"),
        "spread": _("Largest disagreement (steps)"),
    }
    names.update(
        {f"points_{key}": _("Points: %(criterion)s", criterion=label) for key, label in labels.criteria().items()}
    )
    names.update(labels.verdicts())
    names.update({f"method:{key}": label for key, label in labels.methods().items()})
    names.update({f"state:{key}": label for key, label in state_labels().items()})
    return names


async def _export(
    session: AsyncSession, prepared: Prepared, extension: str, stem: str, *, across_areas: bool
) -> Response[bytes]:
    area_names = {a.id: a.name for a in await areas.list_areas(session)}
    frame = backlog.export_frame(prepared.ranked, _export_labels(across_areas), area_names)
    if across_areas:  # the rule travels with the figures: a last column, the same sentence on every row
        frame[_("How the rank is made")] = across_areas_rule()
    content = to_csv(frame) if extension == "csv" else to_xlsx(frame, _("Needs"))
    return Response(
        content=content,
        media_type="text/csv" if extension == "csv" else XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{stem}-{date.today().isoformat()}.{extension}"',
            "Cache-Control": "no-store",
        },
    )


async def _area_or_404(session: AsyncSession, slug: str) -> m.SupportArea:
    area = await areas.get_area(session, slug)
    if area is None:
        raise NotFoundException()
    return area


class PriorityPages(Controller):
    """Readable by all logged-in staff: the institutions may ask why a need ranks where it does."""

    include_in_schema = False
    guards = [logged_in]

    @get("/priorities", name="priorities")
    async def all_areas(self, request: Request, db_session: AsyncSession) -> Template:
        prepared = await _ranked(db_session, queries.BacklogFilter.from_query(request.query_params))
        return Template(
            template_name="priorities/backlog.html",
            context=await _backlog_context(request, db_session, prepared, None),
        )

    @get(["/priorities/export.csv", "/priorities/export.xlsx"], name="priorities_export")
    async def export_all(self, request: Request, db_session: AsyncSession) -> Response[bytes]:
        extension = request.url.path.rsplit(".", 1)[1]
        prepared = await _ranked(db_session, queries.BacklogFilter.from_query(request.query_params))
        return await _export(db_session, prepared, extension, _("priorities"), across_areas=True)

    @get("/areas/{slug:str}/priorities", name="area_priorities")
    async def area(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        area = await _area_or_404(db_session, slug)
        prepared = await _ranked(db_session, queries.BacklogFilter.from_query(request.query_params, area=area.id))
        return Template(
            template_name="priorities/backlog.html",
            context=await _backlog_context(request, db_session, prepared, area),
        )

    @get(
        ["/areas/{slug:str}/priorities/export.csv", "/areas/{slug:str}/priorities/export.xlsx"],
        name="area_priorities_export",
    )
    async def export_area(self, request: Request, db_session: AsyncSession, slug: str) -> Response:
        extension = request.url.path.rsplit(".", 1)[1]
        area = await _area_or_404(db_session, slug)
        prepared = await _ranked(db_session, queries.BacklogFilter.from_query(request.query_params, area=area.id))
        stem = _("priorities")
        return await _export(db_session, prepared, extension, f"{stem}-{area.slug}", across_areas=False)

    @get("/areas/{slug:str}/priorities/chart.svg", name="area_priorities_chart")
    async def chart(self, request: Request, db_session: AsyncSession, slug: str) -> Response[bytes]:
        area = await _area_or_404(db_session, slug)
        prepared = await _ranked(db_session, queries.BacklogFilter.from_query(request.query_params, area=area.id))
        svg = chart.value_effort_svg(
            prepared.ranked.table,
            x_label=_("Effort (person-days)"),
            y_label=_("Value (0–100)"),
            size_label=_("Departments and institutions"),
            empty=_("No scored need has an effort estimate yet."),
        )
        return Response(content=svg, media_type="image/svg+xml")


# ---------------------------------------------------------------- scoring models


async def _scoring_context(request: Request, session: AsyncSession, area: m.SupportArea | None, **extra) -> dict:
    goals = await queries.goals_in_force(session)
    model = await services.model_of(session, area) or await services.model_of(session, None)
    own = area is None or await services.model_of(session, area) is not None
    weights = queries.weights_of(model, goals)
    comparison, comparison_error = None, None
    if len(goals) > 1:
        try:
            comparison = queries.ahp_of(model, goals)
        except ValueError as refused:
            comparison_error = _(
                "The saved pairwise comparisons cannot be used: %(reason)s Choose them again below and save; "
                "until then the goals weigh as typed directly.",
                reason=str(refused),
            )
    judgements = model.ahp_judgements or {}
    history = await change_queries.history(session, "scoring_model", model.id)
    total = sum(weights.goals.values()) or 1
    return {
        "area": area,
        "model": model,
        "own": own,
        "goals": goals,
        "goal_shares": {goal: weight / total for goal, weight in weights.goals.items()},
        "comparison": comparison,
        "judgement": lambda a, b: _saaty_label(judgements.get(f"{a}:{b}")),
        "saaty_values": services.SAATY_VALUES,
        "criteria": labels.criteria(),
        "scales": labels.scales(),
        "methods": labels.methods(),
        "weightings": labels.goal_weightings(),
        "limit": scoring.CONSISTENCY_LIMIT,
        "may_weigh": services.may_weigh(_principal(request), area.id if area else None),
        "action": f"/areas/{area.slug}/scoring" if area else "/priorities/scoring",
        "values": extra.pop("values", None) or _model_values(model, goals),
        "errors": {"comparisons": comparison_error} if comparison_error else {},
        "history": history,
        "names": await change_queries.referenced_names(session, history) if history else {},
        "object_type": "scoring_model",
        "object_id": model.id,
        **extra,
    }


def _model_values(model, goals) -> dict[str, Any]:
    values: dict[str, Any] = {"method": model.method.value, "goal_weighting": model.goal_weighting.value}
    values.update({f"weight_{name}": f"{getattr(model, f'weight_{name}'):g}" for name in scoring.CRITERIA})
    values["effort_half_days"] = f"{model.effort_half_days:g}"
    values.update(
        {f"goal_{goal.id}": f"{float((model.goal_weights or {}).get(str(goal.id), 1.0)):g}" for goal in goals}
    )
    return values


def _saaty_label(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return "1"  # not judged, or a stored value that is not a comparison (the page names the fault)
    if value >= 1:
        return f"{round(value):d}"
    return f"1/{round(1 / value):d}"


async def _scoring_action(request: Request, session: AsyncSession, area: m.SupportArea | None, save) -> Any:
    slug = area.slug if area else None
    form = await request.form()
    raw = {key: form.get(key) for key in form}
    goals = await queries.goals_in_force(session)
    try:
        await save(session, _principal(request), area, raw, goals)
    except FormErrors as errors:
        await session.rollback()
        area = await _area_or_404(session, slug) if slug else None
        context = await _scoring_context(request, session, area, values=raw)
        context["errors"] = context["errors"] | errors.errors
        return Template(template_name="priorities/scoring.html", context=context, status_code=422)
    return Redirect((f"/areas/{slug}/scoring" if slug else "/priorities/scoring") + "#weights", status_code=303)


class ScoringPages(Controller):
    include_in_schema = False
    guards = [logged_in]

    @get("/priorities/scoring", name="default_scoring")
    async def default(self, request: Request, db_session: AsyncSession) -> Template:
        return Template(
            template_name="priorities/scoring.html", context=await _scoring_context(request, db_session, None)
        )

    @post("/priorities/scoring", name="default_scoring_save")
    async def save_default(self, request: Request, db_session: AsyncSession) -> Any:
        return await _scoring_action(request, db_session, None, services.save_weights)

    @post("/priorities/scoring/comparisons", name="default_scoring_comparisons")
    async def compare_default(self, request: Request, db_session: AsyncSession) -> Any:
        return await _scoring_action(request, db_session, None, services.save_comparisons)

    @get("/areas/{slug:str}/scoring", name="area_scoring")
    async def area(self, request: Request, db_session: AsyncSession, slug: str) -> Template:
        area = await _area_or_404(db_session, slug)
        return Template(
            template_name="priorities/scoring.html", context=await _scoring_context(request, db_session, area)
        )

    @post("/areas/{slug:str}/scoring", name="area_scoring_save")
    async def save_area(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        return await _scoring_action(request, db_session, await _area_or_404(db_session, slug), services.save_weights)

    @post("/areas/{slug:str}/scoring/comparisons", name="area_scoring_comparisons")
    async def compare_area(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        area = await _area_or_404(db_session, slug)
        return await _scoring_action(request, db_session, area, services.save_comparisons)

    @post("/areas/{slug:str}/scoring/reset", name="area_scoring_reset")
    async def reset_area(self, request: Request, db_session: AsyncSession, slug: str) -> Any:
        area = await _area_or_404(db_session, slug)

        async def reset(session, principal, area, _raw, _goals):
            await services.reset_model(session, principal, area)

        return await _scoring_action(request, db_session, area, reset)


# ---------------------------------------------------------------- one need's scores


class NeedScorePages(Controller):
    include_in_schema = False
    guards = [logged_in]

    async def _page(
        self, request: Request, session: AsyncSession, need: m.Need, values=None, errors=None, status: int = 0
    ) -> Template:
        goals = await queries.goals_in_force(session)
        principal = _principal(request)
        scores = await queries.scores_of(session, need.id)
        mine = next((score for score in scores if score.rater_id == principal.person_id), None)
        if values is None:
            values = {"benefit": "", "urgency": "", "risk_reduction": "", "comment": "", "version": ""}
            if mine:
                values = {
                    "benefit": str(mine.benefit),
                    "urgency": str(mine.urgency),
                    "risk_reduction": str(mine.risk_reduction),
                    "comment": mine.comment,
                    "version": str(mine.version),
                    **{f"goal_{goal}": str(value) for goal, value in (mine.alignment or {}).items()},
                }
        position = None
        if need.owning_area_id is not None and need.state in queries.BACKLOG_STATES:
            prepared = await _ranked(session, queries.BacklogFilter(area=need.owning_area_id, kind=need.kind.value))
            if need.id in prepared.ranked.table.index:
                position = prepared.ranked.table.loc[need.id]
        goal_names = {goal.id: goal.name for goal in goals}
        columns = [*(f"goal:{goal.id}" for goal in goals), "benefit", "urgency", "risk_reduction"]
        return Template(
            template_name="priorities/need_scores.html",
            context={
                "need": need,
                "goals": goals,
                "scores": scores,
                "mine": mine,
                "values": values,
                "errors": errors or {},
                "position": position,
                "scales": labels.scales(),
                "criteria": labels.criteria(),
                "verdicts": labels.verdicts(),
                "criterion_name": lambda key: labels.criterion_name(key, goal_names),
                "may_score": services.may_weigh(principal, need.owning_area_id)
                and need.state in queries.BACKLOG_STATES,
                "states": state_labels(),
                "columns": columns,
                "summary": {key: _summary(scores, key) for key in columns},
            },
            status_code=status or (422 if errors else 200),
            media_type=MediaType.HTML,
        )

    @get("/needs/{need_id:int}/scores", name="need_scores")
    async def show(self, request: Request, db_session: AsyncSession, need_id: int) -> Template:
        return await self._page(request, db_session, await _need_or_404(db_session, need_id))

    @post("/needs/{need_id:int}/scores", name="need_score_save")
    async def save(self, request: Request, db_session: AsyncSession, need_id: int) -> Any:
        need = await _need_or_404(db_session, need_id)
        form = await request.form()
        raw = {key: form.get(key) for key in form}
        try:
            await services.save_score(
                db_session, _principal(request), need, raw, await queries.goals_in_force(db_session)
            )
        except EditConflict:
            await db_session.rollback()
            need = await _need_or_404(db_session, need_id)
            person_id = _principal(request).person_id
            mine = next((s for s in await queries.scores_of(db_session, need.id) if s.rater_id == person_id), None)
            message = _(
                "Not saved: your scores for this need were saved from another tab or window after you opened "
                "this page. What is saved now is in the table of raters; what you chose is kept in the form. "
                "Check it and save again."
            )
            # The form now builds on what is saved; what was typed stays.
            typed = {**raw, "version": str(mine.version) if mine else ""}
            return await self._page(request, db_session, need, typed, {"scores": message}, status=409)
        except FormErrors as errors:
            await db_session.rollback()
            return await self._page(request, db_session, await _need_or_404(db_session, need_id), raw, errors.errors)
        return Redirect(f"/needs/{need_id}/scores#scores", status_code=303)


def _summary(scores, key: str) -> dict[str, float] | None:
    """The raters' mean and spread (highest − lowest) on one criterion."""
    if key.startswith("goal:"):
        found = [score.alignment.get(key[5:]) for score in scores]
    else:
        found = [getattr(score, key) for score in scores]
    found = [value for value in found if value is not None]
    return {"mean": sum(found) / len(found), "spread": max(found) - min(found)} if found else None


async def _need_or_404(session: AsyncSession, need_id: int) -> m.Need:
    need = await need_queries.get_need(session, need_id)
    if need is None:
        raise NotFoundException()
    return need
