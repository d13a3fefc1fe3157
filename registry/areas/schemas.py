"""JSON shapes of the organisation register in the API (`/api/v1`)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType

from registry.web.api import BodyId


class Ref(msgspec.Struct):
    id: int
    slug: str
    name: str


class PersonRef(msgspec.Struct):
    id: int
    name: str
    title: str


class AreaRead(msgspec.Struct):
    id: int
    slug: str
    name: str
    purpose: str
    responsible_head: PersonRef | None
    coordinators: list[PersonRef]
    departments: list[Ref]
    created_at: datetime
    updated_at: datetime


class AreaCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    slug: str = ""
    purpose: str = ""
    responsible_head_id: BodyId | None = None
    department_ids: list[BodyId] = []


class AreaUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | UnsetType = UNSET
    slug: str | UnsetType = UNSET
    purpose: str | UnsetType = UNSET
    responsible_head_id: BodyId | None | UnsetType = UNSET
    department_ids: list[BodyId] | UnsetType = UNSET


class DepartmentRead(msgspec.Struct):
    id: int
    slug: str
    name: str
    short_name: str
    description: str
    head: PersonRef | None
    areas: list[Ref]
    created_at: datetime
    updated_at: datetime


class DepartmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    short_name: str = ""
    slug: str = ""
    description: str = ""
    head_id: BodyId | None = None
    area_ids: list[BodyId] = []


class DepartmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | UnsetType = UNSET
    short_name: str | UnsetType = UNSET
    slug: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    head_id: BodyId | None | UnsetType = UNSET
    area_ids: list[BodyId] | UnsetType = UNSET


def sent(data: msgspec.Struct) -> dict:
    """The fields a client actually sent (UNSET ones left out)."""
    return {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
