"""Every model in one namespace: `from registry.db import models as m`."""

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
from registry.db.base import Base, metadata
from registry.people.models import Person

__all__ = [
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
