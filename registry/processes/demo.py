"""Demo processes for `make run`: admissions (Antagning) and the customer service for infrastructure
services, each with an owner, an appointed process responsible, a team, an approved mandate, a RACI
matrix and a benefit with measurements.

Everything is written through the services, as the people who would do it (the owner appoints and
approves, the responsible forms the team and drafts the mandate), so all of it is in the change log.
A process that exists already is left alone; needs are linked only if demo needs exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.accounts.models import Account
from registry.accounts.principal import Principal, load_roles
from registry.benefits import services as benefits
from registry.changes.service import Actor, current_actor
from registry.db import models as m
from registry.processes import services

OWNER = "processagare"


@dataclass(frozen=True)
class DemoProcess:
    name: str
    slug: str
    description: str
    area: str
    departments: tuple[str, ...]
    responsible: str  # user name
    team: tuple[tuple[str, str, str, str, str], ...]  # user name, department slug, role, allocation, unit
    mandate: dict[str, str]
    mandate_days: tuple[int, int]  # period: days from today (start, end)
    columns: tuple[tuple[str, str], ...]  # ("role", name) | ("department", slug) | ("person", user name)
    activities: tuple[tuple[str, tuple[str, ...]], ...]  # activity, one letter per column ("" = empty)
    benefit: dict[str, str]
    benefit_days: tuple[int, int]
    measurements: tuple[tuple[int, str, str], ...]  # days from today, value, note
    need_keywords: tuple[str, ...]


PROCESSES = (
    DemoProcess(
        name="Antagning",
        slug="antagning",
        description=(
            "Från ansökan till antagningsbesked för program och kurser: behörighetsbedömning, urval, "
            "besked och reservhantering."
        ),
        area="utbildningsadministration",
        departments=("studentservice-och-utbildningsadministration", "it-och-digital-infrastruktur", "kommunikation"),
        responsible="chef.studentservice",
        team=(
            ("chef.studentservice", "studentservice-och-utbildningsadministration", "Processansvarig", "20", "percent"),
            ("chef.it", "it-och-digital-infrastruktur", "Systemägare antagningssystem", "8", "hours_per_month"),
            ("chef.kommunikation", "kommunikation", "Information till sökande", "6", "hours_per_month"),
        ),
        mandate={
            "purpose": "Processteamet ansvarar för att antagningsprocessen är rättssäker, effektiv och begriplig "
            "för sökande.",
            "scope": "Omfattar behörighetsbedömning, urval och antagningsbesked. Omfattar inte studieavgifter.",
            "goals": "Kortare handläggningstid för behörighetsbedömning. Färre frågor från sökande om beskedet.",
            "deliverables": "Processkarta, rutinbeskrivningar, förbättringsplan per termin.",
            "reporting": "Rapporterar till processägaren varje kvartal.",
            "resources": "Teamets tid enligt fördelningen; stöd från central tjänsteutveckling vid behov.",
        },
        mandate_days=(-200, 165),
        columns=(
            ("role", "Processägare"),
            ("role", "Processansvarig"),
            ("department", "studentservice-och-utbildningsadministration"),
            ("department", "it-och-digital-infrastruktur"),
            ("department", "kommunikation"),
        ),
        activities=(
            ("Behörighetsbedömning", ("I", "A", "R", "", "")),
            ("Urval och antagningsbesked", ("I", "A", "R", "C", "I")),
            ("Information till sökande", ("", "A", "C", "", "R")),
            ("Förvaltning av antagningssystemet", ("I", "A", "C", "R", "")),
        ),
        benefit={
            "benefit_type": "time",
            "indicator": "Handläggningstid för behörighetsbedömning",
            "description": "Sökande får besked om behörighet snabbare.",
            "unit": "dagar",
            "baseline": "21",
            "target": "10",
            "method": "Median av dagar från komplett ansökan till beslut, ur antagningssystemet.",
            "frequency": "monthly",
        },
        benefit_days=(-240, 120),
        measurements=((-180, "20", ""), (-120, "17", ""), (-60, "15", ""), (-10, "13", "Ny rutin för kompletteringar")),
        need_keywords=("antagning", "ansökan", "behörighet"),
    ),
    DemoProcess(
        name="Kundtjänst för infrastrukturtjänster",
        slug="kundtjanst-infrastruktur",
        description=(
            "En väg in för frågor om lokaler, IT och campusservice: ärenden registreras, kategoriseras, "
            "går till rätt enhet och följs upp."
        ),
        area="infrastruktur",
        departments=("it-och-digital-infrastruktur", "fastighets-och-campusplanering"),
        responsible="samordnare",
        team=(
            ("samordnare", "it-och-digital-infrastruktur", "Processansvarig", "40", "hours_per_month"),
            ("stf.chef.it", "it-och-digital-infrastruktur", "Ansvarig servicedesk", "10", "percent"),
        ),
        mandate={
            "purpose": "Processteamet gör det enkelt att få hjälp: en ingång och ärenden som inte bollas runt.",
            "scope": "IT-support, lokalfrågor och campusservice. Inte forskningsinfrastruktur.",
            "goals": "Färre ärenden som skickas vidare mer än en gång. Nöjdare användare.",
            "deliverables": "Gemensam ärendekategorisering, återkoppling till den som frågat, månatlig uppföljning.",
            "reporting": "Månadsrapport till processägaren och styrgruppen för VSO för infrastruktur.",
            "resources": "Teamets tid enligt fördelningen.",
        },
        mandate_days=(-320, 40),
        columns=(
            ("role", "Processägare"),
            ("person", "samordnare"),
            ("department", "it-och-digital-infrastruktur"),
            ("department", "fastighets-och-campusplanering"),
        ),
        activities=(
            ("Ta emot och registrera ärenden", ("", "A", "R", "R")),
            ("Kategorisera och fördela", ("", "A", "R", "C")),
            ("Återkoppla och avsluta", ("I", "A", "R", "R")),
            ("Följa upp resultatindikatorer", ("A", "R", "C", "C")),
        ),
        benefit={
            "benefit_type": "satisfaction",
            "indicator": "Nöjdhet med kundtjänsten",
            "description": "Användarna upplever att de får hjälp utan att skickas runt.",
            "unit": "av 5",
            "baseline": "3.1",
            "target": "4.2",
            "method": "Enkät efter avslutat ärende, medelvärde per månad.",
            "frequency": "monthly",
        },
        benefit_days=(-200, 160),
        measurements=((-150, "3.2", ""), (-90, "3.2", ""), (-30, "3.3", "Få svar under semestern")),
        need_keywords=("kundtjänst", "ärende", "support"),
    ),
)


async def _principal(session: AsyncSession, username: str) -> Principal | None:
    account = await session.scalar(select(Account).where(Account.username == username))
    if account is None:
        return None
    person = await session.get(m.Person, account.person_id)
    roles = await load_roles(session, person.id)
    return Principal(
        person_id=person.id, account_id=account.id, session_id=0, name=person.name, username=username, **roles
    )


async def _as(principal: Principal, work):
    token = current_actor.set(Actor(principal.person_id, principal.name))
    try:
        return await work()
    finally:
        current_actor.reset(token)


async def load_demo_processes(session: AsyncSession) -> int:
    """Create the demo processes that are missing (needs the demo people). Returns how many were made."""
    owner = await _principal(session, OWNER)
    if owner is None:
        return 0
    departments = {d.slug: d for d in (await session.scalars(select(m.Department))).all()}
    areas = {a.slug: a for a in (await session.scalars(select(m.SupportArea))).all()}
    made = 0
    for plan in PROCESSES:
        if await session.scalar(select(m.Process.id).where(m.Process.slug == plan.slug)) is not None:
            continue
        if not all(slug in departments for slug in plan.departments) or plan.area not in areas:
            continue
        await _create(session, owner, plan, departments, areas)
        made += 1
    await _need_benefit(session, areas)
    return made


async def _need_benefit(session: AsyncSession, areas) -> None:
    """A benefit planned for an approved demo need of the infrastructure area, by its coordinator."""
    coordinator = await _principal(session, "samordnare")
    if coordinator is None or "infrastruktur" not in areas:
        return
    if await session.scalar(select(m.Benefit.id).where(m.Benefit.need_id.is_not(None)).limit(1)) is not None:
        return
    need = await session.scalar(
        select(m.Need)
        .where(m.Need.owning_area_id == areas["infrastruktur"].id, m.Need.state.in_(benefits.PLANNABLE_STATES))
        .order_by(m.Need.id)
        .limit(1)
    )
    if need is None:
        return
    today = date.today()
    benefit = await _as(
        coordinator,
        lambda: benefits.save_benefit(
            session,
            coordinator,
            {
                "benefit_type": "quality",
                "indicator": "Ärenden lösta vid första kontakten",
                "description": "Fler får hjälp direkt, utan att skickas vidare.",
                "unit": "%",
                "baseline": "48",
                "starts_on": today - timedelta(days=150),
                "target": "70",
                "target_date": today + timedelta(days=210),
                "method": "Andel ärenden som stängs utan vidarebefordran, ur ärendesystemet.",
                "frequency": "monthly",
                "responsible_id": coordinator.person_id,
            },
            need=need,
        ),
    )
    for days, value in ((-90, "52"), (-30, "57")):
        await _as(
            coordinator,
            lambda days=days, value=value: benefits.add_measurement(
                session, coordinator, benefit, {"measured_on": today + timedelta(days=days), "value": value}
            ),
        )


async def _create(session: AsyncSession, owner: Principal, plan: DemoProcess, departments, areas) -> None:
    today = date.today()
    people = {}
    for username in {plan.responsible, *(row[0] for row in plan.team), *(v for k, v in plan.columns if k == "person")}:
        account = await session.scalar(select(Account).where(Account.username == username))
        people[username] = account.person_id
    process = await _as(
        owner,
        lambda: services.save_process(
            session,
            owner,
            {
                "name": plan.name,
                "slug": plan.slug,
                "description": plan.description,
                "owning_area_id": areas[plan.area].id,
                "owner_id": owner.person_id,
                "department_ids": [departments[slug].id for slug in plan.departments],
            },
        ),
    )
    await _as(
        owner,
        lambda: services.appoint(
            session,
            owner,
            process,
            {"person_id": people[plan.responsible], "starts_on": today - timedelta(days=300)},
        ),
    )
    responsible = await _principal(session, plan.responsible)
    for username, department, role, allocation, unit in plan.team:
        await _as(
            responsible,
            lambda username=username, department=department, role=role, allocation=allocation, unit=unit: (
                services.save_team_member(
                    session,
                    responsible,
                    process,
                    {
                        "person_id": people[username],
                        "department_id": departments[department].id,
                        "role": role,
                        "allocation": allocation,
                        "allocation_unit": unit,
                        "starts_on": today - timedelta(days=290),
                    },
                )
            ),
        )
    start, end = plan.mandate_days
    first = await _as(
        responsible,
        lambda: services.draft_mandate(
            session,
            responsible,
            process,
            plan.mandate | {"starts_on": today + timedelta(days=start), "ends_on": today + timedelta(days=end)},
        ),
    )
    await _as(owner, lambda: services.approve_mandate(session, owner, process, first.version))
    columns = []
    for kind, value in plan.columns:
        raw = {"kind": kind}
        if kind == "role":
            raw["role_name"] = value
        elif kind == "person":
            raw["person_id"] = people[value]
        else:
            raw["department_id"] = departments[value].id
        columns.append(await _as(responsible, lambda raw=raw: services.add_column(session, responsible, process, raw)))
    for name, letters in plan.activities:
        cells = {column.id: letter for column, letter in zip(columns, letters, strict=True)}
        await _as(
            responsible,
            lambda name=name, cells=cells: services.add_activity(session, responsible, process, name, cells),
        )
    benefit_start, benefit_end = plan.benefit_days
    benefit = await _as(
        responsible,
        lambda: benefits.save_benefit(
            session,
            responsible,
            plan.benefit
            | {
                "starts_on": today + timedelta(days=benefit_start),
                "target_date": today + timedelta(days=benefit_end),
                "responsible_id": responsible.person_id,
            },
            process=process,
        ),
    )
    for days, value, note in plan.measurements:
        await _as(
            responsible,
            lambda days=days, value=value, note=note: benefits.add_measurement(
                session,
                responsible,
                benefit,
                {"measured_on": today + timedelta(days=days), "value": value, "note": note},
            ),
        )
    needs = []
    for keyword in plan.need_keywords:
        needs += (
            await session.scalars(
                select(m.Need.id).where(m.Need.title.ilike(f"%{keyword}%")).order_by(m.Need.id).limit(2)
            )
        ).all()
    for need_id in sorted(set(needs))[:3]:
        await _as(responsible, lambda need_id=need_id: services.link_need(session, responsible, process, need_id))
