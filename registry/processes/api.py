"""Processes in the JSON API: the processes with their responsible, the team, the versioned mandate
(drafted by the responsible, approved by the owner) and the RACI matrix, through the same services and
rules as the pages."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.guards import logged_in
from registry.processes import queries, services
from registry.processes.controllers import _process_or_404
from registry.processes.models import Mandate, Process, RaciActivity, TeamMember
from registry.web.api import READ, STAFF, STAFF_WRITE, WRITE, BodyId, PathId


class PersonOut(msgspec.Struct):
    id: int
    name: str


class AppointmentOut(msgspec.Struct):
    person: PersonOut
    starts_on: date
    ended_on: date | None
    appointed_by_name: str


class ProcessOut(msgspec.Struct):
    id: int
    slug: str
    name: str
    description: str
    owning_area_id: int | None
    owner: PersonOut | None
    department_ids: list[int]
    responsible: AppointmentOut | None
    team_hours_per_month: float  # the current members' allocated time
    team_full_time_equivalents: float
    team_members: int
    unrepresented_department_ids: list[int]  # departments in the process without a current team member


class ProcessDetailOut(msgspec.Struct):
    process: ProcessOut
    appointments: list[AppointmentOut]  # every appointment, kept


class TeamMemberOut(msgspec.Struct):
    id: int
    person: PersonOut
    role: str
    department_id: int | None
    institution_id: int | None
    allocation: float
    allocation_unit: str
    starts_on: date | None
    ends_on: date | None


class TeamMemberIn(msgspec.Struct, forbid_unknown_fields=True):
    """`allocation` in hours a month or percent of full time (`allocation_unit`: hours_per_month or percent);
    left without department and institution, the member represents their own."""

    person_id: BodyId
    role: str
    allocation: float
    allocation_unit: str = "hours_per_month"
    department_id: BodyId | None = None
    institution_id: BodyId | None = None
    starts_on: str = ""
    ends_on: str = ""


class MandateOut(msgspec.Struct):
    version: int
    purpose: str
    scope: str
    goals: str
    deliverables: str
    starts_on: date
    ends_on: date
    reporting: str
    resources: str
    drafted_by_name: str
    approved_at: datetime | None
    approved_by_name: str


class MandateIn(msgspec.Struct, forbid_unknown_fields=True):
    purpose: str
    starts_on: str
    ends_on: str
    scope: str = ""
    goals: str = ""
    deliverables: str = ""
    reporting: str = ""
    resources: str = ""


class RaciColumnOut(msgspec.Struct):
    id: int
    kind: str
    label: str


class RaciActivityOut(msgspec.Struct):
    id: int
    position: int
    name: str
    cells: dict[str, str]  # column id → R, A, C or I (empty cells left out)


class RaciOut(msgspec.Struct):
    columns: list[RaciColumnOut]
    activities: list[RaciActivityOut]


class RaciActivityIn(msgspec.Struct, forbid_unknown_fields=True):
    """One row: its name and every cell (column id → R, A, C, I or empty); exactly one A."""

    name: str
    cells: dict[str, str] = {}


def _person(person) -> PersonOut | None:
    return PersonOut(person.id, person.name) if person is not None else None


def _appointment(appointment) -> AppointmentOut:
    return AppointmentOut(
        _person(appointment.person), appointment.starts_on, appointment.ended_on, appointment.appointed_by_name
    )


def process_out(process: Process) -> ProcessOut:
    responsible = queries.current_responsible(process)
    summary = queries.team_summary(process, date.today())
    return ProcessOut(
        id=process.id,
        slug=process.slug,
        name=process.name,
        description=process.description,
        owning_area_id=process.owning_area_id,
        owner=_person(process.owner),
        department_ids=[d.id for d in process.departments],
        responsible=_appointment(responsible) if responsible else None,
        team_hours_per_month=float(summary.time.hours_per_month),
        team_full_time_equivalents=float(summary.time.full_time_equivalents),
        team_members=summary.time.members,
        unrepresented_department_ids=[d.id for d in summary.missing_departments],
    )


def member_out(member: TeamMember) -> TeamMemberOut:
    return TeamMemberOut(
        id=member.id,
        person=_person(member.person),
        role=member.role,
        department_id=member.department_id,
        institution_id=member.institution_id,
        allocation=float(member.allocation),
        allocation_unit=member.allocation_unit.value,
        starts_on=member.starts_on,
        ends_on=member.ends_on,
    )


def mandate_out(mandate: Mandate) -> MandateOut:
    return MandateOut(
        **{name: getattr(mandate, name) for name in services.MANDATE_TEXT},
        version=mandate.version,
        drafted_by_name=mandate.drafted_by_name,
        approved_at=mandate.approved_at,
        approved_by_name=mandate.approved_by_name,
    )


def _activity_out(activity: RaciActivity, matrix: queries.Matrix) -> RaciActivityOut:
    cells = {str(column.id): matrix.cells.get((activity.id, column.id), "") for column in matrix.columns}
    return RaciActivityOut(activity.id, activity.position, activity.name, {k: v for k, v in cells.items() if v})


async def raci_out(session: AsyncSession, process: Process) -> RaciOut:
    matrix = await queries.matrix(session, process.id)
    return RaciOut(
        columns=[RaciColumnOut(c.id, c.kind.value, queries.column_label(c)) for c in matrix.columns],
        activities=[_activity_out(activity, matrix) for activity in matrix.activities],
    )


def _team_form(data: TeamMemberIn) -> dict[str, object]:
    """The body as the page's team form sends it (the allocation as typed text)."""
    return msgspec.structs.asdict(data) | {"allocation": f"{data.allocation:g}"}


def _member(process: Process, member_id: int) -> TeamMember:
    member = next((t for t in process.team if t.id == member_id), None)
    if member is None:
        raise NotFoundException()
    return member


class ProcessApi(Controller):
    path = "/api/v1/processes"
    tags = ["Processes"]
    guards = [logged_in]

    @get(
        "/",
        operation_id="listProcesses",
        summary="Every process with its owner, responsible and team time",
        responses=READ,
        security=STAFF,
    )
    async def list_processes(self, db_session: AsyncSession) -> list[ProcessOut]:
        return [process_out(process) for process in await queries.list_processes(db_session)]

    @get(
        "/{slug:str}",
        operation_id="getProcess",
        summary="One process with every appointment of its responsible",
        responses=READ,
        security=STAFF,
    )
    async def get_process(self, db_session: AsyncSession, slug: str) -> ProcessDetailOut:
        process = await _process_or_404(db_session, slug)
        return ProcessDetailOut(process_out(process), [_appointment(a) for a in process.appointments])

    @get("/{slug:str}/team", operation_id="listTeamMembers", summary="The process team", responses=READ, security=STAFF)
    async def team(self, db_session: AsyncSession, slug: str) -> list[TeamMemberOut]:
        return [member_out(member) for member in (await _process_or_404(db_session, slug)).team]

    @post(
        "/{slug:str}/team",
        operation_id="addTeamMember",
        summary="Add a member to the team (the process responsible or owner)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def add_member(
        self, request: Request, db_session: AsyncSession, slug: str, data: TeamMemberIn
    ) -> TeamMemberOut:
        process = await _process_or_404(db_session, slug)
        member = await services.save_team_member(db_session, request.user, process, _team_form(data))
        return member_out(_member(await _process_or_404(db_session, slug), member.id))

    @put(
        "/{slug:str}/team/{member_id:int}",
        operation_id="updateTeamMember",
        summary="Change a team member (the process responsible or owner)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def update_member(
        self, request: Request, db_session: AsyncSession, slug: str, member_id: PathId, data: TeamMemberIn
    ) -> TeamMemberOut:
        process = await _process_or_404(db_session, slug)
        member = _member(process, member_id)
        await services.save_team_member(db_session, request.user, process, _team_form(data), member)
        return member_out(_member(await _process_or_404(db_session, slug), member_id))

    @delete(
        "/{slug:str}/team/{member_id:int}",
        operation_id="removeTeamMember",
        summary="Take a member off the team (the process responsible or owner)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def remove_member(self, request: Request, db_session: AsyncSession, slug: str, member_id: PathId) -> None:
        process = await _process_or_404(db_session, slug)
        await services.remove_team_member(db_session, request.user, process, member_id)

    @get(
        "/{slug:str}/mandates",
        operation_id="listMandates",
        summary="Every version of the mandate, newest first",
        responses=READ,
        security=STAFF,
    )
    async def mandates(self, db_session: AsyncSession, slug: str) -> list[MandateOut]:
        process = await _process_or_404(db_session, slug)
        return [mandate_out(mandate) for mandate in await queries.mandates(db_session, process.id)]

    @post(
        "/{slug:str}/mandates",
        operation_id="draftMandate",
        summary="Draft a new version of the mandate (the process responsible or owner)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def draft(self, request: Request, db_session: AsyncSession, slug: str, data: MandateIn) -> MandateOut:
        process = await _process_or_404(db_session, slug)
        mandate = await services.draft_mandate(db_session, request.user, process, msgspec.structs.asdict(data))
        return mandate_out(mandate)

    @post(
        "/{slug:str}/mandates/{version:int}/approve",
        operation_id="approveMandate",
        summary="Approve a drafted version (the process owner); an approved version never changes",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def approve(self, request: Request, db_session: AsyncSession, slug: str, version: PathId) -> MandateOut:
        process = await _process_or_404(db_session, slug)
        return mandate_out(await services.approve_mandate(db_session, request.user, process, version))

    @get(
        "/{slug:str}/raci",
        operation_id="getRaci",
        summary="The RACI (HUKI) matrix: columns and activities",
        responses=READ,
        security=STAFF,
    )
    async def raci(self, db_session: AsyncSession, slug: str) -> RaciOut:
        return await raci_out(db_session, await _process_or_404(db_session, slug))

    @post(
        "/{slug:str}/raci/activities",
        operation_id="addRaciActivity",
        summary="Add an activity with its cells (exactly one A)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def add_activity(
        self, request: Request, db_session: AsyncSession, slug: str, data: RaciActivityIn
    ) -> RaciActivityOut:
        process = await _process_or_404(db_session, slug)
        activity = await services.add_activity(db_session, request.user, process, data.name, data.cells)
        return _activity_out(activity, await queries.matrix(db_session, process.id))

    @put(
        "/{slug:str}/raci/activities/{activity_id:int}",
        operation_id="putRaciActivity",
        summary="Save an activity's name and every cell (exactly one A)",
        responses=WRITE,
        security=STAFF_WRITE,
    )
    async def put_activity(
        self, request: Request, db_session: AsyncSession, slug: str, activity_id: PathId, data: RaciActivityIn
    ) -> RaciActivityOut:
        process = await _process_or_404(db_session, slug)
        activity = await services.save_activity(db_session, request.user, process, activity_id, data.name, data.cells)
        return _activity_out(activity, await queries.matrix(db_session, process.id))
