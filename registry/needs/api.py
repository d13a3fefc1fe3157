"""Development needs in the JSON API (`/api/v1/needs`): the same services as the pages."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.exceptions import NotFoundException
from litestar.params import Parameter
from msgspec import UNSET, UnsetType
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.areas.schemas import sent
from registry.db import models as m
from registry.db.versioning import etag, if_match
from registry.needs import queries, services
from registry.needs.models import Need
from registry.web.api import (
    READ,
    STAFF,
    STAFF_WRITE,
    WRITE,
    WRITE_MATCHED,
    BodyId,
    IfMatch,
    PathId,
    QueryId,
    refuse_query,
)


class NeedDepartmentOut(msgspec.Struct):
    department_id: int
    department: str
    role: str
    effort_days: float | None


class NeedOut(msgspec.Struct):
    id: int
    title: str
    description: str
    clarified_need: str
    cause: str
    proposed_coordination: str
    state: str
    kind: str
    channel: str
    raised_on: date
    raised_by_name: str
    raised_by_person_id: int | None
    raised_by_institution_id: int | None
    raised_by_department_id: int | None
    owning_area_id: int | None
    category: str
    tags: list[str]
    departments: list[NeedDepartmentOut]
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int  # also the ETag of GET and PATCH; send it back as If-Match


class NeedPageOut(msgspec.Struct):
    items: list[NeedOut]
    total: int
    total_capped: bool
    next_cursor: str | None


class NeedIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    description: str = ""
    clarified_need: str = ""
    cause: str = ""
    proposed_coordination: str = ""
    raised_by_name: str = ""
    raised_by_person_id: BodyId | None = None
    raised_by_institution_id: BodyId | None = None
    raised_by_department_id: BodyId | None = None
    channel: str = "other"
    raised_on: str = ""
    owning_area_id: BodyId | None = None
    other_area_ids: list[BodyId] = []
    kind: str = "development_project"
    category: str = ""
    tags: str = ""


class NeedPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    clarified_need: str | UnsetType = UNSET
    cause: str | UnsetType = UNSET
    proposed_coordination: str | UnsetType = UNSET
    raised_by_name: str | UnsetType = UNSET
    raised_by_person_id: BodyId | None | UnsetType = UNSET
    raised_by_institution_id: BodyId | None | UnsetType = UNSET
    raised_by_department_id: BodyId | None | UnsetType = UNSET
    channel: str | UnsetType = UNSET
    raised_on: str | UnsetType = UNSET
    owning_area_id: BodyId | None | UnsetType = UNSET
    other_area_ids: list[BodyId] | UnsetType = UNSET
    kind: str | UnsetType = UNSET
    category: str | UnsetType = UNSET
    tags: str | UnsetType = UNSET


class DepartmentIn(msgspec.Struct, forbid_unknown_fields=True):
    department_id: BodyId
    role: str = "affected"
    effort_days: float | None = None


class TransitionIn(msgspec.Struct, forbid_unknown_fields=True):
    state: str
    comment: str = ""


class TransitionOut(msgspec.Struct):
    id: int
    from_state: str | None
    to_state: str
    actor_name: str
    comment: str
    at: datetime


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    to_need_id: BodyId
    kind: str


class LinkOut(msgspec.Struct):
    id: int
    from_need_id: int
    to_need_id: int
    kind: str


class CommentIn(msgspec.Struct, forbid_unknown_fields=True):
    body: str


class CommentOut(msgspec.Struct):
    id: int
    author_name: str
    body: str
    at: datetime


def need_out(need: Need) -> NeedOut:
    return NeedOut(
        id=need.id,
        title=need.title,
        description=need.description,
        clarified_need=need.clarified_need,
        cause=need.cause,
        proposed_coordination=need.proposed_coordination,
        state=need.state.value,
        kind=need.kind.value,
        channel=need.channel.value,
        raised_on=need.raised_on,
        raised_by_name=need.raised_by_name,
        raised_by_person_id=need.raised_by_person_id,
        raised_by_institution_id=need.raised_by_institution_id,
        raised_by_department_id=need.raised_by_department_id,
        owning_area_id=need.owning_area_id,
        category=need.category,
        tags=[t.name for t in need.tags],
        departments=[
            NeedDepartmentOut(
                department_id=d.department_id,
                department=d.department.name,
                role=d.role.value,
                effort_days=float(d.effort_days) if d.effort_days is not None else None,
            )
            for d in need.departments
        ],
        merged_into_id=need.merged_into_id,
        created_at=need.created_at,
        updated_at=need.updated_at,
        version=need.version,
    )


async def _need(session: AsyncSession, need_id: int) -> Need:
    need = await queries.get_need(session, need_id)
    if need is None:
        raise NotFoundException(detail=f"No need #{need_id}.")
    return need


def _with_etag(need: Need) -> Response[NeedOut]:
    return Response(need_out(need), headers={"ETag": etag(need)})


class NeedApi(Controller):
    path = "/api/v1/needs"
    tags = ["Development needs"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="listNeeds",
        summary="Needs, filtered like the /needs table, 50 at a time",
        responses=READ,
        security=STAFF,
    )
    async def list_needs(
        self,
        request: Request,
        db_session: AsyncSession,
        after: str = "",
        q: str = "",
        area: QueryId = None,
        department: QueryId = None,
        institution: QueryId = None,
        submitted_by: QueryId = None,
        states: list[str] | None = Parameter(query="state", default=None),
        kind: str = "",
        tag: str = "",
        raised_from: date | None = Parameter(query="from", default=None),
        raised_to: date | None = Parameter(query="to", default=None),
        sort: str = "newest",
    ) -> NeedPageOut:
        # The typed parameters document and bound the filters; NeedFilter reads them as the /needs table does.
        need_filter = queries.NeedFilter.from_query(request.query_params)
        refuse_query(need_filter.errors)
        result = await queries.page(db_session, need_filter, after)
        return NeedPageOut([need_out(n) for n in result.needs], result.total, result.total_capped, result.next_cursor)

    @get(
        "/{need_id:int}",
        operation_id="getNeed",
        summary="One need (its version as the ETag)",
        responses=READ,
        security=STAFF,
    )
    async def get_need(self, db_session: AsyncSession, need_id: PathId) -> Response[NeedOut]:
        return _with_etag(await _need(db_session, need_id))

    @post(
        "/",
        operation_id="createNeed",
        summary="Log a need (coordinators and admins)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def create_need(self, request: Request, db_session: AsyncSession, data: NeedIn) -> NeedOut:
        need = await services.save_need(db_session, request.user, sent(data))
        return need_out(await _need(db_session, need.id))

    @patch(
        "/{need_id:int}",
        operation_id="updateNeed",
        summary="Change a need (only the fields sent); with If-Match, only if it is still that version",
        responses=WRITE_MATCHED,
        security=STAFF_WRITE,
    )
    async def update_need(
        self,
        request: Request,
        db_session: AsyncSession,
        need_id: PathId,
        data: NeedPatch,
        if_match_tag: IfMatch = None,
    ) -> Response[NeedOut]:
        need = await _need(db_session, need_id)
        if_match(request, need)
        await services.save_need(db_session, request.user, sent(data), need, partial=True)
        return _with_etag(await _need(db_session, need_id))

    @put(
        "/{need_id:int}/departments",
        operation_id="setNeedDepartments",
        summary="Set the affected departments",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def set_departments(
        self, request: Request, db_session: AsyncSession, need_id: PathId, data: list[DepartmentIn]
    ) -> NeedOut:
        rows = [msgspec.structs.asdict(row) for row in data]
        await services.set_departments(db_session, request.user, await _need(db_session, need_id), rows)
        return need_out(await _need(db_session, need_id))

    @get(
        "/{need_id:int}/transitions",
        operation_id="listNeedTransitions",
        summary="The need's changes of state",
        responses=READ,
        security=STAFF,
    )
    async def transitions(self, db_session: AsyncSession, need_id: PathId) -> list[TransitionOut]:
        await _need(db_session, need_id)
        rows = await db_session.scalars(
            select(m.NeedTransition).where(m.NeedTransition.need_id == need_id).order_by(m.NeedTransition.id)
        )
        return [
            TransitionOut(
                t.id,
                t.from_state.value if t.from_state else None,
                t.to_state.value,
                t.actor_name,
                t.comment,
                t.created_at,
            )
            for t in rows
        ]

    @post(
        "/{need_id:int}/transitions",
        operation_id="moveNeed",
        summary="Move the need to another state",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def move(self, request: Request, db_session: AsyncSession, need_id: PathId, data: TransitionIn) -> NeedOut:
        await services.transition(
            db_session, request.user, await _need(db_session, need_id), data.state, data.comment, manual=True
        )
        return need_out(await _need(db_session, need_id))

    @get(
        "/{need_id:int}/links",
        operation_id="listNeedLinks",
        summary="Links to and from the need",
        responses=READ,
        security=STAFF,
    )
    async def links(self, db_session: AsyncSession, need_id: PathId) -> list[LinkOut]:
        await _need(db_session, need_id)
        return [
            LinkOut(link.id, link.from_need_id, link.to_need_id, link.kind.value)
            for link in await queries.links_of(db_session, need_id)
        ]

    @post(
        "/{need_id:int}/links",
        operation_id="linkNeed",
        summary="Link the need to another",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def link(self, request: Request, db_session: AsyncSession, need_id: PathId, data: LinkIn) -> LinkOut:
        link = await services.add_link(
            db_session, request.user, await _need(db_session, need_id), data.to_need_id, data.kind
        )
        return LinkOut(link.id, link.from_need_id, link.to_need_id, link.kind.value)

    @delete(
        "/{need_id:int}/links/{link_id:int}",
        operation_id="unlinkNeed",
        summary="Remove a link",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def unlink(self, request: Request, db_session: AsyncSession, need_id: PathId, link_id: PathId) -> None:
        await services.remove_link(db_session, request.user, await _need(db_session, need_id), link_id)

    @get(
        "/{need_id:int}/comments",
        operation_id="listNeedComments",
        summary="Comments on the need",
        responses=READ,
        security=STAFF,
    )
    async def comments(self, db_session: AsyncSession, need_id: PathId) -> list[CommentOut]:
        await _need(db_session, need_id)
        rows = await db_session.scalars(
            select(m.NeedComment).where(m.NeedComment.need_id == need_id).order_by(m.NeedComment.id)
        )
        return [CommentOut(c.id, c.author_name, c.body, c.created_at) for c in rows]

    @post(
        "/{need_id:int}/comments",
        operation_id="commentNeed",
        summary="Comment on the need",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def comment(self, request: Request, db_session: AsyncSession, need_id: PathId, data: CommentIn) -> CommentOut:
        comment = await services.add_comment(db_session, request.user, await _need(db_session, need_id), data.body)
        return CommentOut(comment.id, comment.author_name, comment.body, comment.created_at)
