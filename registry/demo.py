"""Demo people and accounts for `make run`: one account per role, a head for every seeded department.

Fictional people only. Every demo account shares DEMO_PASSWORD and is marked `is_demo`, so that a
production start can refuse to run while any of them is active.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Account
from registry.areas.services import save_area, save_department
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.people import services as people

DEMO_PASSWORD = "vso-demo-2026"

# username, name, title, department slug (or None), what the person is made
DEPARTMENT_HEADS = {
    "studentservice-och-utbildningsadministration": ("chef.studentservice", "Britt Ahlgren"),
    "fastighets-och-campusplanering": ("chef.campus", "Olof Berglund"),
    "it-och-digital-infrastruktur": ("chef.it", "Maria Dahl"),
    "kommunikation": ("chef.kommunikation", "Jonas Ekström"),
    "stod-i-utbildning-och-forskning": ("chef.utbildningsstod", "Sara Falk"),
    "biblioteket": ("chef.biblioteket", "Per Gustavsson"),
    "ledningsstod-och-ekonomi": ("chef.ledningsstod", "Lena Holm"),
    "hr": ("chef.hr", "Anders Isaksson"),
}


async def load_demo(session: AsyncSession) -> list[str]:
    """Create the demo people and accounts that are missing. Returns the demo user names."""
    token = current_actor.set(Actor(None, "demo set-up"))
    try:
        departments = {d.slug: d for d in (await session.scalars(select(m.Department))).all()}
        areas = {a.slug: a for a in (await session.scalars(select(m.SupportArea))).all()}

        async def person(username: str, name: str, title: str, department_slug: str | None = None) -> m.Person:
            existing = await session.scalar(select(Account).where(Account.username == username))
            if existing is not None:
                return await session.get(m.Person, existing.person_id)
            department = departments.get(department_slug) if department_slug else None
            created = await people.save_person(
                session,
                {
                    "name": name,
                    "title": title,
                    "email": f"{username}@demo.invalid",
                    "department_id": department.id if department else None,
                },
            )
            await people.create_account(session, created, {"username": username, "password": DEMO_PASSWORD}, demo=True)
            return created

        admin = await person("admin", "Eva Admin", "Systemförvaltare", "ledningsstod-och-ekonomi")
        if not await people.assignments_of(session, admin.id):
            await people.assign_role(session, admin, "admin")
        viewer = await person("lasare", "Nils Läsare", "Handläggare")
        if not await people.assignments_of(session, viewer.id):
            await people.assign_role(session, viewer, "viewer")
        owner = await person(
            "processagare", "Ingrid Processägare", "Direktör", "studentservice-och-utbildningsadministration"
        )
        if not await people.assignments_of(session, owner.id):
            await people.assign_role(session, owner, "process_owner")

        for slug, (username, name) in DEPARTMENT_HEADS.items():
            if slug in departments:
                head = await person(username, name, "Avdelningschef", slug)
                if departments[slug].head_id is None:
                    await save_department(session, {"head_id": head.id}, departments[slug], partial=True)
        if "it-och-digital-infrastruktur" in departments:
            deputy = await person(
                "stf.chef.it", "Karl Jansson", "Biträdande avdelningschef", "it-och-digital-infrastruktur"
            )
            if departments["it-och-digital-infrastruktur"].deputy_head_id is None:
                await save_department(
                    session, {"deputy_head_id": deputy.id}, departments["it-och-digital-infrastruktur"], partial=True
                )
        if "infrastruktur" in areas:
            coordinator = await person(
                "samordnare", "Frida Kvist", "Verksamhetsutvecklare", "it-och-digital-infrastruktur"
            )
            if areas["infrastruktur"].responsible_head_id is None:
                await save_area(
                    session,
                    {
                        "coordinator_ids": [coordinator.id],
                        "responsible_head_id": departments["it-och-digital-infrastruktur"].head_id,
                    },
                    areas["infrastruktur"],
                    partial=True,
                )
            member = await person("styrgrupp", "Lars Lund", "Enhetschef", "fastighets-och-campusplanering")
            group = await session.scalar(
                select(m.SteeringGroup).where(m.SteeringGroup.area_id == areas["infrastruktur"].id)
            )
            if (
                group
                and await session.scalar(
                    select(m.SteeringGroupMember.id).where(m.SteeringGroupMember.person_id == member.id)
                )
                is None
            ):
                session.add(m.SteeringGroupMember(steering_group_id=group.id, person_id=member.id))
        await session.flush()
        return list(
            (await session.scalars(select(Account.username).where(Account.is_demo).order_by(Account.username))).all()
        )
    finally:
        current_actor.reset(token)


async def active_demo_accounts(session: AsyncSession) -> int:
    from sqlalchemy import func

    return await session.scalar(select(func.count()).where(Account.is_demo, Account.is_active)) or 0
