"""Every model in one namespace: `from registry.db import models as m`."""

from registry.accounts.models import Account, LoginAttempt, Role, RoleAssignment, UserSession
from registry.areas.models import (
    AreaCoordinator,
    AreaMembership,
    ArenaSide,
    Department,
    DialogueArena,
    DialogueArenaParticipant,
    Institution,
    SteeringGroup,
    SteeringGroupMember,
    SteeringRole,
    SupportArea,
    VsoModel,
)
from registry.changes.models import ChangeAction, ChangeRecord
from registry.db.base import Base, metadata
from registry.people.models import Person

__all__ = [
    "Account",
    "ChangeAction",
    "ChangeRecord",
    "LoginAttempt",
    "Role",
    "RoleAssignment",
    "UserSession",
    "AreaCoordinator",
    "AreaMembership",
    "ArenaSide",
    "Base",
    "Department",
    "DialogueArena",
    "DialogueArenaParticipant",
    "Institution",
    "Person",
    "SteeringGroup",
    "SteeringGroupMember",
    "SteeringRole",
    "SupportArea",
    "VsoModel",
    "metadata",
]
