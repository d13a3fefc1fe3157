"""Who is asking, and what their roles allow. Built once per request from the register."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, func, literal, select, type_coerce, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Role
from registry.db import models as m


@dataclass(frozen=True)
class Principal:
    person_id: int
    account_id: int
    session_id: int
    name: str
    username: str
    roles: frozenset[Role] = frozenset()
    coordinator_of: frozenset[int] = frozenset()  # area ids
    steering_member_of: frozenset[int] = frozenset()  # area ids (named members, heads and coordinators)
    responsible_for: frozenset[int] = frozenset()  # area ids where VSO-ansvarig
    head_of: frozenset[int] = frozenset()  # department ids
    deputy_of: frozenset[int] = frozenset()  # department ids
    processes_owned: frozenset[int] = frozenset()  # process ids where process owner
    process_responsible_of: frozenset[int] = frozenset()  # process ids where the current process responsible
    unread_notifications: int = 0

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def decides_for(self, department_id: int) -> bool:
        """May record the department's line decisions: its head or named deputy."""
        return department_id in self.head_of or department_id in self.deputy_of

    def coordinates(self, area_id: int) -> bool:
        return area_id in self.coordinator_of

    def steers(self, area_id: int) -> bool:
        return area_id in self.steering_member_of

    def role_names(self) -> list[str]:
        return sorted(role.value for role in self.roles)


async def load_roles(session: AsyncSession, person_id: int) -> dict[str, frozenset]:
    """Every role of a person, from the explicit assignments and from the organisation register,
    in one round trip."""
    rows = await session.execute(
        union_all(
            select(literal("assigned"), type_coerce(m.RoleAssignment.role, String), m.RoleAssignment.area_id).where(
                m.RoleAssignment.person_id == person_id
            ),
            select(literal("coordinator"), literal(""), m.AreaCoordinator.area_id).where(
                m.AreaCoordinator.person_id == person_id
            ),
            select(literal("steering"), literal(""), m.SteeringGroup.area_id)
            .join(m.SteeringGroupMember, m.SteeringGroupMember.steering_group_id == m.SteeringGroup.id)
            .where(m.SteeringGroupMember.person_id == person_id),
            select(literal("responsible"), literal(""), m.SupportArea.id).where(
                m.SupportArea.responsible_head_id == person_id
            ),
            select(literal("head"), literal(""), m.Department.id).where(m.Department.head_id == person_id),
            select(literal("deputy"), literal(""), m.Department.id).where(m.Department.deputy_head_id == person_id),
            # The heads of an area's departments sit in its steering group.
            select(literal("steering"), literal(""), m.AreaMembership.area_id)
            .join(m.Department, m.Department.id == m.AreaMembership.department_id)
            .where(m.Department.head_id == person_id),
            select(literal("process_owner"), literal(""), m.Process.id).where(m.Process.owner_id == person_id),
            select(literal("process_responsible"), literal(""), m.ProcessAppointment.process_id).where(
                m.ProcessAppointment.person_id == person_id, m.ProcessAppointment.ended_on.is_(None)
            ),
            # Not a role, but wanted on every page (the header's count) and cheapest here.
            select(literal("unread"), literal(""), func.count(m.Notification.id)).where(
                m.Notification.person_id == person_id, m.Notification.read_at.is_(None)
            ),
        )
    )
    roles: set[Role] = set()
    found: dict[str, set[int]] = {
        key: set()
        for key in ("coordinator", "steering", "responsible", "head", "deputy", "process_owner", "process_responsible")
    }
    unread = 0
    for kind, role, scope_id in rows:
        if kind == "unread":
            unread = scope_id
        elif kind == "assigned":
            roles.add(Role(role))
        else:
            found[kind].add(scope_id)
    found["steering"] |= found["coordinator"] | found["responsible"]
    if found["coordinator"]:
        roles.add(Role.coordinator)
    if found["steering"]:
        roles.add(Role.steering_member)
    if found["head"]:
        roles.add(Role.department_head)
    if found["deputy"]:
        roles.add(Role.deputy_head)
    return {
        "roles": frozenset(roles),
        "coordinator_of": frozenset(found["coordinator"]),
        "steering_member_of": frozenset(found["steering"]),
        "responsible_for": frozenset(found["responsible"]),
        "head_of": frozenset(found["head"]),
        "deputy_of": frozenset(found["deputy"]),
        "processes_owned": frozenset(found["process_owner"]),
        "process_responsible_of": frozenset(found["process_responsible"]),
        "unread_notifications": unread,
    }
