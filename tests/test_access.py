"""Who may do what: every role, and an anonymous visitor, against every route and method.

Allowed cells succeed; denied cells get 401/redirect to log-in (anonymous), 403 (logged in, wrong role),
and a denied write leaves the database exactly as it was. Each allowed write adds exactly one record
to the change log. Later issues add their routes to ROUTES.
"""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from sqlalchemy import String, cast, func, literal, select, text, union_all

from registry.config import Settings
from registry.db import models as m
from tests.conftest import ENGINES, ROLE_ACCOUNTS, fresh_database, open_client
from tests.database import engine_for, insert_need

ROLES = list(ROLE_ACCOUNTS)
EVERYONE = set(ROLES)
STAFF = EVERYONE - {"anonymous"}
ADMIN = {"admin"}
COORDINATORS = {"coordinator", "admin"}  # the demo coordinator coordinates the needs' area
# The infrastructure area's steering group: its coordinator, its named member and the heads of its
# departments (the head of IT among them); deputies are not members.
STEERING = {"coordinator", "steering_member", "department_head", "admin"}
SCORES = {"benefit": "2", "urgency": "1", "risk_reduction": "1"} | {f"goal_{{goal{n}}}": "1" for n in range(1, 6)}
WEIGHTS = (
    {"method": "weighted", "goal_weighting": "direct", "effort_half_days": "20"}
    | {f"weight_{name}": "2" for name in ("alignment", "benefit", "urgency", "risk_reduction", "breadth", "effort")}
    | {f"goal_{{goal{n}}}": "1" for n in range(1, 6)}
)
COMPARISONS = {f"ahp_{{goal{a}}}_{{goal{b}}}": "3" for a in range(1, 6) for b in range(a + 1, 6)}
PROCESS_OWNERS = {"process_owner", "admin"}  # the demo process owner owns the demo processes
PROCESS_TEAM = {"process_owner", "coordinator", "admin"}  # the coordinator is the customer service's responsible
BENEFIT_PLANNERS = {"coordinator", "steering_member", "department_head", "admin"}  # of the need's area
KT = "/processes/kundtjanst-infrastruktur"
BENEFIT_BODY = {
    "benefit_type": "time",
    "indicator": "Ledtid",
    "baseline": "10",
    "starts_on": "2026-01-01",
    "target": "5",
    "target_date": "2030-06-30",
    "frequency": "monthly",
}

# method, path, form or JSON body, who may, whether it writes
ROUTES = [
    ("GET", "/", None, EVERYONE, False),
    ("GET", "/overview", None, EVERYONE, False),
    ("GET", "/areas", None, EVERYONE, False),
    ("GET", "/areas/infrastruktur", None, EVERYONE, False),
    ("GET", "/departments", None, EVERYONE, False),
    ("GET", "/departments/hr", None, EVERYONE, False),
    ("GET", "/api/v1/areas", None, EVERYONE, False),
    ("GET", "/api/v1/areas/infrastruktur", None, EVERYONE, False),
    ("GET", "/api/v1/departments", None, EVERYONE, False),
    ("GET", "/api/v1/departments/hr", None, EVERYONE, False),
    ("GET", "/health", None, EVERYONE, False),
    ("GET", "/login", None, EVERYONE, False),
    ("GET", "/me", None, STAFF, False),
    ("GET", "/people", None, STAFF, False),
    ("GET", "/people/{person}", None, STAFF, False),
    ("GET", "/changes", None, STAFF, False),
    ("GET", "/changes/export.csv", None, STAFF, False),
    ("GET", "/institutions", None, EVERYONE, False),
    ("GET", "/institutions/{institution}", None, EVERYONE, False),
    ("GET", "/institutions/new", None, ADMIN, False),
    ("GET", "/institutions/{institution}/edit", None, ADMIN, False),
    ("GET", "/institutions/{institution}/delete", None, ADMIN, False),
    ("POST", "/institutions/new", {"name": "Institutionen för matris"}, ADMIN, True),
    ("POST", "/institutions/{institution}/edit", {"name": "Institutionen för test", "short_name": "IT"}, ADMIN, True),
    ("POST", "/institutions/{institution}/delete", {}, ADMIN, True),
    ("POST", "/areas/infrastruktur/steering-members", {"person_id": "{person}", "role": "chair"}, ADMIN, True),
    ("POST", "/areas/infrastruktur/steering-members/{member}/delete", {}, ADMIN, True),
    (
        "POST",
        "/areas/infrastruktur/arena-participants",
        {"institution_id": "{institution_id}", "role": "prefekt"},
        ADMIN,
        True,
    ),
    ("POST", "/areas/infrastruktur/arena-participants/{participant}/delete", {}, ADMIN, True),
    ("GET", "/areas/new", None, ADMIN, False),
    ("GET", "/areas/infrastruktur/edit", None, ADMIN, False),
    ("GET", "/areas/infrastruktur/delete", None, ADMIN, False),
    ("GET", "/departments/new", None, ADMIN, False),
    ("GET", "/departments/hr/edit", None, ADMIN, False),
    ("GET", "/departments/hr/delete", None, ADMIN, False),
    ("GET", "/people/new", None, ADMIN, False),
    ("GET", "/people/{person}/edit", None, ADMIN, False),
    ("GET", "/people/{person}/account", None, ADMIN, False),
    ("POST", "/areas/new", {"name": "VSO för matris", "department_ids": "{hr}"}, ADMIN, True),
    (
        "POST",
        "/areas/infrastruktur/edit",
        {"name": "VSO för infrastruktur", "purpose": "Ny", "department_ids": "{hr}"},
        ADMIN,
        True,
    ),
    ("POST", "/areas/oanvand/delete", {}, ADMIN, True),
    ("POST", "/departments/new", {"name": "Avd. för matris"}, ADMIN, True),
    ("POST", "/departments/hr/edit", {"name": "Avd. för HR", "description": "Ny"}, ADMIN, True),
    ("POST", "/departments/oanvand/delete", {}, ADMIN, True),
    ("POST", "/people/new", {"name": "Ny Person"}, ADMIN, True),
    ("POST", "/people/{person}/edit", {"name": "Nils Läsare", "title": "Ny titel"}, ADMIN, True),
    ("POST", "/people/{person}/roles", {"role": "process_owner"}, ADMIN, True),
    ("POST", "/people/{person}/roles/{assignment}/delete", {}, ADMIN, True),
    ("POST", "/people/{newcomer}/account", {"username": "ny.person", "password": "ett-langt-losenord"}, ADMIN, True),
    ("POST", "/people/{person}/account/active", {"active": "0"}, ADMIN, True),
    ("GET", "/needs", None, STAFF, False),
    ("GET", "/needs?q=bokning&state=submitted", None, STAFF, False),
    ("GET", "/needs/{need}", None, STAFF, False),
    ("GET", "/needs/new", None, COORDINATORS, False),
    ("GET", "/needs/export.csv?area={area}&state=submitted", None, STAFF, False),
    ("GET", "/needs/export.xlsx", None, STAFF, False),
    ("GET", "/needs/import", None, COORDINATORS, False),
    ("GET", "/needs/import/template.xlsx", None, COORDINATORS, False),
    ("GET", "/needs/{need}/edit", None, COORDINATORS, False),
    ("GET", "/graph", None, STAFF, False),
    ("GET", "/graph?area={area}&state=submitted&from=2020-01-01&min_weight=1&areas=1", None, STAFF, False),
    ("GET", "/graph.json?state=submitted", None, STAFF, False),
    ("GET", "/graph.graphml", None, STAFF, False),
    ("GET", "/graph.svg", None, STAFF, False),
    ("GET", "/graph.png?areas=1&institutions=1", None, STAFF, False),
    ("GET", "/intake", None, STAFF, False),
    ("GET", "/intake/similar?title=bokning", None, STAFF, False),
    ("GET", "/my/needs", None, STAFF, False),
    # Closing the loop (issue 14): start page, notifications, follow-up, packs, calendars.
    ("GET", "/notifications", None, STAFF, False),
    ("GET", "/notifications/preferences", None, STAFF, False),
    ("POST", "/notifications/read", {}, STAFF, False),  # reading is not a change to the register
    ("POST", "/needs/{need}/follow", {}, STAFF, True),
    ("PUT", "/api/v1/needs/{need}/follow", None, STAFF, True),
    ("GET", "/api/v1/needs/{need}/follow", None, STAFF, False),
    ("GET", "/api/v1/notifications", None, STAFF, False),
    ("GET", "/follow-up", None, STAFF, False),
    ("GET", "/follow-up/charts/by_state.svg", None, STAFF, False),
    ("GET", "/follow-up/export.xlsx", None, STAFF, False),
    ("GET", "/follow-up/pack.xlsx?area={area}", None, STAFF, False),
    ("GET", "/follow-up/report.pdf", None, STAFF, False),
    ("GET", "/api/v1/follow-up", None, STAFF, False),
    ("GET", "/calendar", None, STAFF, False),
    ("POST", "/calendar/link", {}, STAFF, True),
    ("GET", "/calendar/areas/infrastruktur/meetings.ics", None, STAFF, False),
    ("GET", "/api/v1/needs", None, STAFF, False),
    ("GET", "/api/v1/needs/{need}", None, STAFF, False),
    ("GET", "/api/v1/needs/{need}/transitions", None, STAFF, False),
    ("GET", "/api/v1/needs/{need}/links", None, STAFF, False),
    ("GET", "/api/v1/needs/{need}/comments", None, STAFF, False),
    ("POST", "/needs/new", {"title": "Nytt behov", "owning_area_id": "{area}"}, COORDINATORS, True),
    (
        "POST",
        "/needs/{need}/edit",
        {"title": "Bokning av grupprum", "owning_area_id": "{area}", "kind": "small_improvement"},
        COORDINATORS,
        True,
    ),
    ("POST", "/needs/{need}/field", {"field": "cause", "cause": "Ny orsak"}, COORDINATORS, True),
    (
        "POST",
        "/needs/{need}/departments",
        {"department_id": "{hr}", "role": "lead", "effort_days": "3"},
        COORDINATORS,
        True,
    ),
    ("POST", "/needs/{need}/transition", {"state": "clarified", "comment": "klart"}, COORDINATORS, True),
    ("POST", "/needs/{need}/merge", {"merged_into_id": "{need2}"}, COORDINATORS, True),
    ("POST", "/needs/{need}/links", {"to_need_id": "{need2}", "kind": "depends_on"}, COORDINATORS, True),
    ("POST", "/needs/{need}/links/{link}/delete", {}, COORDINATORS, True),
    ("POST", "/needs/{need}/comments", {"body": "En kommentar"}, STAFF, True),
    ("POST", "/needs/bulk", {"need_id": "{need}", "action": "tag", "tag": "ny"}, COORDINATORS, True),
    ("POST", "/intake", {"raised_by_name": "Kim", "title": "En idé", "description": "Beskrivning"}, STAFF, True),
    ("POST", "/api/v1/needs", {"json": {"title": "Via API", "owning_area_id": 0}}, COORDINATORS, True),
    ("PATCH", "/api/v1/needs/{need}", {"json": {"cause": "Ny"}}, COORDINATORS, True),
    ("PUT", "/api/v1/needs/{need}/departments", {"json": [{"department_id": 0, "role": "lead"}]}, COORDINATORS, True),
    ("POST", "/api/v1/needs/{need}/transitions", {"json": {"state": "clarified"}}, COORDINATORS, True),
    ("POST", "/api/v1/needs/{need}/links", {"json": {"to_need_id": 0, "kind": "blocks"}}, COORDINATORS, True),
    ("DELETE", "/api/v1/needs/{need}/links/{link}", None, COORDINATORS, True),
    ("POST", "/api/v1/needs/{need}/comments", {"json": {"body": "Kommentar"}}, STAFF, True),
    ("POST", "/api/v1/areas", {"json": {"name": "VSO för API"}}, ADMIN, True),
    ("PATCH", "/api/v1/areas/infrastruktur", {"json": {"purpose": "Ny"}}, ADMIN, True),
    ("DELETE", "/api/v1/areas/oanvand", None, ADMIN, True),
    ("POST", "/api/v1/departments", {"json": {"name": "Avd. för API"}}, ADMIN, True),
    ("PATCH", "/api/v1/departments/hr", {"json": {"description": "Ny"}}, ADMIN, True),
    ("DELETE", "/api/v1/departments/oanvand", None, ADMIN, True),
    ("GET", "/strategy", None, EVERYONE, False),
    ("GET", "/strategy/new", None, ADMIN, False),
    ("GET", "/strategy/{strategy}/edit", None, ADMIN, False),
    ("GET", "/strategy/{strategy}/goals/new", None, ADMIN, False),
    ("GET", "/strategy/goals/{goal1}/edit", None, ADMIN, False),
    ("GET", "/strategy/goals/{goal1}/delete", None, ADMIN, False),
    ("POST", "/strategy/new", {"name": "Strategi för matrisen"}, ADMIN, True),
    ("POST", "/strategy/{strategy}/edit", {"name": "Strategi 2026", "valid_from": "2026-01-01"}, ADMIN, True),
    ("POST", "/strategy/{strategy}/goals/new", {"name": "Öppen vetenskap"}, ADMIN, True),
    ("POST", "/strategy/goals/{goal1}/edit", {"name": "Utbildning i världsklass"}, ADMIN, True),
    ("POST", "/strategy/goals/{goal1}/delete", {}, ADMIN, True),
    ("GET", "/priorities", None, STAFF, False),
    ("GET", "/priorities?area={area}&verdict=stable", None, STAFF, False),
    ("GET", "/priorities/export.csv", None, STAFF, False),
    ("GET", "/priorities/export.xlsx", None, STAFF, False),
    ("GET", "/areas/infrastruktur/priorities", None, STAFF, False),
    ("GET", "/areas/infrastruktur/priorities/export.csv", None, STAFF, False),
    ("GET", "/areas/infrastruktur/priorities/export.xlsx", None, STAFF, False),
    ("GET", "/areas/infrastruktur/priorities/chart.svg", None, STAFF, False),
    ("GET", "/priorities/scoring", None, STAFF, False),
    ("GET", "/areas/infrastruktur/scoring", None, STAFF, False),
    ("POST", "/priorities/scoring", WEIGHTS, ADMIN, True),
    ("POST", "/priorities/scoring/comparisons", COMPARISONS, ADMIN, True),
    ("POST", "/areas/infrastruktur/scoring", WEIGHTS, STEERING, True),
    ("POST", "/areas/infrastruktur/scoring/comparisons", COMPARISONS, STEERING, True),
    ("POST", "/areas/infrastruktur/scoring/reset", {}, STEERING, True),
    ("GET", "/needs/{need}/scores", None, STAFF, False),
    ("GET", "/meetings", None, STAFF, False),
    ("GET", "/meetings/new", None, COORDINATORS, False),
    ("GET", "/meetings/{meeting}", None, STAFF, False),
    ("GET", "/meetings/{meeting}/live", None, STAFF, False),
    ("GET", "/meetings/{meeting}/ranking", None, STAFF, False),
    ("GET", "/meetings/{closed_meeting}/minutes", None, STAFF, False),
    ("GET", "/meetings/{closed_meeting}/minutes.xlsx", None, STAFF, False),
    ("GET", "/meetings/{closed_meeting}/minutes.pdf", None, STAFF, False),
    (
        "POST",
        "/meetings/new",
        {"area_id": "{area}", "forum": "steering_group", "title": "Matrismöte", "held_on": "2026-12-01"},
        COORDINATORS,
        True,
    ),
    ("POST", "/meetings/{meeting}/agenda", {"need_id": "{recommended}"}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/agenda/{item2}/move", {"direction": "up"}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/agenda/{item2}/delete", {}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/attendees", {"person_id": "{person}"}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/attendees/{attendee}/delete", {}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/capacity", {"department_id": "{hr}", "available_days": "10"}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/needs", {"title": "Från dialogarenan"}, COORDINATORS, True),
    ("POST", "/meetings/{meeting}/items/{item1}", {"notes": "Anteckning", "version": "1"}, STEERING, True),
    (
        "POST",
        "/meetings/{meeting}/items/{item1}/force",
        {"forced": "out", "force_reason": "Väntar", "version": "1"},
        STEERING,
        True,
    ),
    ("GET", "/meetings/{meeting}/close", None, COORDINATORS, False),
    ("POST", "/meetings/{meeting}/close", {"confirm": "yes"}, COORDINATORS, True),
    ("GET", "/meetings/{meeting}/edit", None, COORDINATORS, False),
    (
        "POST",
        "/meetings/{meeting}/edit",
        {"title": "Nytt namn", "held_on": "2030-01-15", "reason": "Krock"},
        COORDINATORS,
        True,
    ),
    ("GET", "/meetings/{meeting}/cancel", None, COORDINATORS, False),
    ("POST", "/meetings/{meeting}/cancel", {"reason": "Inga ärenden"}, COORDINATORS, True),
    ("POST", "/needs/{need}/scores", SCORES, STEERING, True),
    ("GET", "/processes", None, STAFF, False),
    ("GET", "/processes/new", None, PROCESS_OWNERS, False),
    ("GET", KT, None, STAFF, False),
    ("GET", f"{KT}/edit", None, PROCESS_OWNERS, False),
    ("GET", f"{KT}/team/new", None, PROCESS_TEAM, False),
    ("GET", KT + "/team/{team_member}/edit", None, PROCESS_TEAM, False),
    ("GET", f"{KT}/mandate/new", None, PROCESS_TEAM, False),
    ("GET", f"{KT}/mandate/1", None, STAFF, False),
    ("GET", f"{KT}/mandate/compare?from=1&to=2", None, STAFF, False),
    ("GET", f"{KT}/raci", None, STAFF, False),
    ("GET", f"{KT}/raci.xlsx", None, STAFF, False),
    ("POST", "/processes/new", {"name": "Examination"}, PROCESS_OWNERS, True),
    ("POST", f"{KT}/edit", {"name": "Kundtjänst för infrastrukturtjänster", "description": "Ny"}, PROCESS_OWNERS, True),
    ("POST", f"{KT}/appoint", {"person_id": "{person}", "starts_on": "{today}"}, PROCESS_OWNERS, True),
    (
        "POST",
        f"{KT}/team/new",
        {"person_id": "{person}", "role": "Testare", "allocation": "4", "allocation_unit": "hours_per_month"},
        PROCESS_TEAM,
        True,
    ),
    (
        "POST",
        KT + "/team/{team_member}/edit",
        {"person_id": "{person}", "role": "Ny roll", "allocation": "10", "allocation_unit": "percent"},
        PROCESS_TEAM,
        True,
    ),
    ("POST", KT + "/team/{team_member}/delete", {}, PROCESS_TEAM, True),
    (
        "POST",
        f"{KT}/mandate/new",
        {"purpose": "Nytt syfte", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
        PROCESS_TEAM,
        True,
    ),
    ("POST", f"{KT}/mandate/2/approve", {}, PROCESS_OWNERS, True),
    ("POST", f"{KT}/raci/activities", {"name": "Ny aktivitet", "cells": "{raci_person}:A"}, PROCESS_TEAM, True),
    (
        "POST",
        KT + "/raci/activities/{activity}",
        {"name": "Ta emot ärenden", "cells": "{raci_person}:A"},
        PROCESS_TEAM,
        True,
    ),
    ("POST", KT + "/raci/activities/{activity}/move", {"direction": "down"}, PROCESS_TEAM, True),
    ("POST", KT + "/raci/activities/{activity}/delete", {}, PROCESS_TEAM, True),
    ("POST", f"{KT}/raci/columns", {"kind": "role", "role_name": "Servicedesk"}, PROCESS_TEAM, True),
    ("POST", KT + "/raci/columns/{raci_free}/delete", {}, PROCESS_TEAM, True),
    ("POST", f"{KT}/needs", {"need_id": "{need}"}, PROCESS_TEAM, True),
    ("POST", KT + "/needs/{need2}/delete", {}, PROCESS_TEAM, True),
    ("GET", "/benefits", None, STAFF, False),
    ("GET", "/benefits?status=on_track&type=time&belongs_to=process", None, STAFF, False),
    ("GET", "/benefits/{benefit}", None, STAFF, False),
    ("GET", "/benefits/{benefit}/chart.svg", None, STAFF, False),
    ("GET", "/benefits/new?process=kundtjanst-infrastruktur", None, PROCESS_TEAM, False),
    ("GET", "/benefits/new?need={approved_need}", None, BENEFIT_PLANNERS, False),
    ("GET", "/benefits/{benefit}/edit", None, PROCESS_TEAM, False),
    ("POST", "/benefits/new?process=kundtjanst-infrastruktur", BENEFIT_BODY, PROCESS_TEAM, True),
    ("POST", "/benefits/new?need={approved_need}", BENEFIT_BODY, BENEFIT_PLANNERS, True),
    ("POST", "/benefits/{benefit}/edit", BENEFIT_BODY, PROCESS_TEAM, True),
    ("POST", "/benefits/{benefit}/measurements", {"measured_on": "{today}", "value": "3,5"}, PROCESS_TEAM, True),
    ("POST", "/benefits/{benefit}/measurements/{measurement}/delete", {}, PROCESS_TEAM, True),
    ("GET", "/needs/{recommended}", None, STAFF, False),
    ("GET", "/decisions", None, STAFF, False),
    ("GET", "/decisions?area={area}&department={it}&outcome=approve&kind=decision&from=2026-01-01", None, STAFF, False),
    ("GET", "/decisions/export.csv", None, STAFF, False),
    ("GET", "/decisions/export.xlsx?kind=recommendation", None, STAFF, False),
    ("GET", "/my/decisions", None, STAFF, False),
    # A repeated recommendation of a recommended need (a first one also moves the need: two records).
    ("POST", "/needs/{recommended}/recommendations", {"outcome": "now", "rationale": "Stor nytta"}, STEERING, True),
    # The need affects IT and HR: IT's decision alone does not settle it (one record). Never an administrator.
    (
        "POST",
        "/needs/{recommended}/decisions",
        {"department_id": "{it}", "outcome": "approve", "rationale": "Vi gör det", "committed_days": "5"},
        {"department_head", "deputy_head"},
        True,
    ),
]


def _ids(database_url: str) -> dict[str, int]:
    with engine_for(database_url).begin() as connection:
        person = connection.execute(select(m.Account.person_id).where(m.Account.username == "lasare")).scalar_one()
        assignment = connection.execute(
            select(m.RoleAssignment.id).where(m.RoleAssignment.person_id == person)
        ).scalar_one()
        hr = connection.execute(select(m.Department.id).where(m.Department.slug == "hr")).scalar_one()
        area = connection.execute(select(m.SupportArea.id).where(m.SupportArea.slug == "infrastruktur")).scalar_one()
        need_ids = []
        for title in ("Bokning av grupprum", "Lediga grupprum syns inte", "Skrivare på campus"):
            need_ids.append(connection.execute(insert_need(area, title, state="submitted")).scalar_one())
        it = connection.execute(
            select(m.Department.id).where(m.Department.slug == "it-och-digital-infrastruktur")
        ).scalar_one()
        recommended = connection.execute(insert_need(area, "Gemensam inloggning", state="recommended")).scalar_one()
        for department in (it, hr):
            connection.execute(
                m.NeedDepartment.__table__.insert().values(
                    need_id=recommended,
                    department_id=department,
                    role="lead",
                    effort_days=5,
                    created_at=func.now(),
                    updated_at=func.now(),
                )
            )
        link = connection.execute(
            m.NeedLink.__table__.insert()
            .values(
                from_need_id=need_ids[0],
                to_need_id=need_ids[1],
                kind="relates_to",
                created_at=func.now(),
                updated_at=func.now(),
            )
            .returning(m.NeedLink.__table__.c.id)
        ).scalar_one()
        institution = connection.execute(
            m.Institution.__table__.insert()
            .values(
                name="Institutionen för test", short_name="", slug="test", created_at=func.now(), updated_at=func.now()
            )
            .returning(m.Institution.__table__.c.slug)
        ).scalar_one()
        # An area and a department nothing refers to: only such entries can be deleted.
        for table, columns in (
            (m.SupportArea.__table__, {"name": "VSO utan innehåll", "slug": "oanvand", "purpose": ""}),
            (m.Department.__table__, {"name": "Avd. utan innehåll", "slug": "oanvand", "description": ""}),
        ):
            connection.execute(table.insert().values(**columns, created_at=func.now(), updated_at=func.now()))
        member = connection.execute(select(m.SteeringGroupMember.id)).scalars().first()
        institution_id = connection.execute(
            select(m.Institution.id).where(m.Institution.slug == institution)
        ).scalar_one()
        arena = connection.execute(select(m.DialogueArena.id).where(m.DialogueArena.area_id == area)).scalar_one()
        participant = connection.execute(
            m.DialogueArenaParticipant.__table__.insert()
            .values(
                arena_id=arena,
                side="institution",
                institution_id=institution_id,
                role="",
                created_at=func.now(),
                updated_at=func.now(),
            )
            .returning(m.DialogueArenaParticipant.__table__.c.id)
        ).scalar_one()
        strategy = connection.execute(select(m.Strategy.id)).scalar_one()
        goals = connection.execute(select(m.StrategicGoal.id).order_by(m.StrategicGoal.position)).scalars().all()
        connection.execute(  # the area has a scoring model of its own (so that it can go back to the default)
            m.ScoringModel.__table__.insert().values(
                area_id=area,
                method="weighted",
                goal_weighting="direct",
                weight_alignment=3,
                weight_benefit=2,
                weight_urgency=1,
                weight_risk_reduction=1,
                weight_breadth=1,
                weight_effort=2,
                effort_half_days=20,
                goal_weights={},
                ahp_judgements={},
                created_at=func.now(),
                updated_at=func.now(),
            )
        )
        meetings = []
        for state in ("planned", "closed"):
            meetings.append(
                connection.execute(
                    m.Meeting.__table__.insert()
                    .values(
                        area_id=area,
                        forum="steering_group",
                        title=f"Möte ({state})",
                        held_on=func.current_date(),
                        location="",
                        state=state,
                        closed_by_name="",
                        created_at=func.now(),
                        updated_at=func.now(),
                    )
                    .returning(m.Meeting.__table__.c.id)
                ).scalar_one()
            )
        items = [
            connection.execute(
                m.AgendaItem.__table__.insert()
                .values(
                    meeting_id=meetings[0],
                    need_id=need,
                    position=position,
                    notes="",
                    rationale="",
                    force_reason="",
                    edited_by_name="",
                    version=1,
                    created_at=func.now(),
                    updated_at=func.now(),
                )
                .returning(m.AgendaItem.__table__.c.id)
            ).scalar_one()
            for position, need in enumerate(need_ids[:2], start=1)
        ]
        connection.execute(
            m.MeetingSnapshot.__table__.insert().values(
                meeting_id=meetings[1],
                data={
                    "meeting": {"title": "Möte", "forum": "steering_group", "held_on": "2026-11-01", "location": ""},
                    "attendees": [],
                    "weights": {"method": "weighted", "criteria": {}, "effort_half_days": 20, "goals": []},
                    "capacity": [],
                    "items": [],
                    "scores": [],
                },
                created_at=func.now(),
                updated_at=func.now(),
            )
        )
        newcomer = connection.execute(
            m.Person.__table__.insert()
            .values(name="Utan Konto", title="", created_at=func.now(), updated_at=func.now())
            .returning(m.Person.__table__.c.id)
        ).scalar_one()
        attendee = connection.execute(
            m.MeetingAttendee.__table__.insert()
            .values(meeting_id=meetings[0], person_id=newcomer, created_at=func.now(), updated_at=func.now())
            .returning(m.MeetingAttendee.__table__.c.id)
        ).scalar_one()
        process_ids = _process_ids(connection, area, need_ids[1])
    return process_ids | {
        "person": person,
        "assignment": assignment,
        "hr": hr,
        "newcomer": newcomer,
        "area": area,
        "institution": institution,
        "member": member,
        "institution_id": institution_id,
        "participant": participant,
        "need": need_ids[0],
        "need2": need_ids[1],
        "recommended": recommended,
        "it": it,
        "link": link,
        "strategy": strategy,
        "need3": need_ids[2],
        "meeting": meetings[0],
        "closed_meeting": meetings[1],
        "item1": items[0],
        "item2": items[1],
        "attendee": attendee,
        **{f"goal{n}": goal for n, goal in enumerate(goals, start=1)},
    }


def _process_ids(connection, area: int, linked_need: int) -> dict[str, object]:
    """Ids in the demo process "Kundtjänst för infrastrukturtjänster", a draft mandate to approve, a
    need it is linked to, and an approved need to plan benefits for."""
    process = connection.execute(select(m.Process.id).where(m.Process.slug == "kundtjanst-infrastruktur")).scalar_one()
    stamp = {"created_at": func.now(), "updated_at": func.now()}
    connection.execute(m.ProcessNeed.__table__.insert().values(process_id=process, need_id=linked_need, **stamp))
    draft = connection.execute(select(m.Mandate.__table__).where(m.Mandate.process_id == process)).first()._asdict()
    connection.execute(
        m.Mandate.__table__.insert().values(
            {k: v for k, v in draft.items() if k not in ("id", "approved_at", "approved_by_id")}
            | {"version": 2, "approved_by_name": "", "purpose": "Utkast"}
        )
    )
    approved_need = connection.execute(
        m.Need.__table__.insert()
        .values(
            title="Godkänt behov",
            description="",
            clarified_need="",
            cause="",
            proposed_coordination="",
            raised_by_name="",
            channel="email",
            raised_on=func.current_date(),
            owning_area_id=area,
            kind="development_project",
            category="",
            state="approved",
            **stamp,
        )
        .returning(m.Need.__table__.c.id)
    ).scalar_one()
    columns = {
        kind: column_id
        for column_id, kind in connection.execute(
            select(m.RaciColumn.id, m.RaciColumn.kind).where(m.RaciColumn.process_id == process)
        )
    }
    benefit = connection.execute(select(m.Benefit.id).where(m.Benefit.process_id == process)).scalar_one()
    return {
        "team_member": connection.execute(
            select(func.min(m.TeamMember.id)).where(m.TeamMember.process_id == process)
        ).scalar(),
        "activity": connection.execute(
            select(m.RaciActivity.id).where(m.RaciActivity.process_id == process).order_by(m.RaciActivity.position)
        ).first()[0],
        "raci_person": columns["person"],
        "raci_free": connection.execute(
            select(m.RaciColumn.id)
            .join(m.Department, m.Department.id == m.RaciColumn.department_id)
            .where(m.RaciColumn.process_id == process, m.Department.slug == "fastighets-och-campusplanering")
        ).scalar_one(),
        "benefit": benefit,
        "measurement": connection.execute(
            select(func.min(m.Measurement.id)).where(m.Measurement.benefit_id == benefit)
        ).scalar(),
        "approved_need": approved_need,
        "today": date.today().isoformat(),
    }


def _fingerprint_query():
    """One statement: every table's row count and latest change (what a write would move). Cheap
    enough to run twice for each of the thousands of denied writes in the matrix."""
    parts = []
    for table in m.metadata.sorted_tables:
        if table.name in ("user_session", "login_attempt"):
            continue
        latest = func.max(table.c.updated_at) if "updated_at" in table.c else literal(None)
        parts.append(
            select(literal(table.name).label("name"), func.count().label("rows"), cast(latest, String).label("latest"))
            .select_from(table)
        )
    return union_all(*parts)


FINGERPRINT = _fingerprint_query()


def _fingerprint(database_url: str) -> list[tuple]:
    """Every table's row count and latest change, to compare before and after a request."""
    with engine_for(database_url).connect() as connection:
        return sorted(connection.execute(FINGERPRINT).all())


def _change_count(database_url: str) -> int:
    with engine_for(database_url).connect() as connection:
        return connection.execute(text("SELECT count(*) FROM change_record")).scalar_one()


def _fill(value, ids):
    """Put the cell's ids into a JSON body: 0 stands for the matching id of the row's subject."""
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        mapping = {"owning_area_id": "area", "department_id": "hr", "to_need_id": "need2"}
        return {k: (ids[mapping[k]] if v == 0 and k in mapping else _fill(v, ids)) for k, v in value.items()}
    return value


def _send(client, method: str, path: str, body):
    if body is None:
        return client.request(method, path)
    if "json" in body:
        return client.request(method, path, json=body["json"])
    return client.request(method, path, data=body)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """Per engine, made on first use: one database and one logged-in client per role, for the cells
    that must change nothing: reads, and writes by roles that may not write (whose fingerprint is
    checked below)."""
    made: dict[str, tuple] = {}
    with contextlib.ExitStack() as stack:

        def environment(engine_name: str, request: pytest.FixtureRequest) -> tuple:
            if engine_name not in made:
                folder = tmp_path_factory.mktemp("shared")
                url = stack.enter_context(fresh_database(engine_name, request, folder))
                settings = Settings(database_url=url, env="test")
                clients = {role: open_client(settings, ROLE_ACCOUNTS[role]) for role in ROLES}
                made[engine_name] = (url, _ids(url), clients)
            return made[engine_name]

        yield environment


@pytest.fixture
def cell(request: pytest.FixtureRequest, shared, tmp_path):
    """The database and client for one cell: a fresh database for an allowed write, else the shared one."""
    engine_name, role, allowed, writes = request.param
    if not (writes and role in allowed):
        url, ids, clients = shared(engine_name, request)
        yield url, ids, clients[role]
        return
    with fresh_database(engine_name, request, tmp_path) as own_url:
        own_ids = _ids(own_url)
        yield own_url, own_ids, open_client(Settings(database_url=own_url, env="test"), ROLE_ACCOUNTS[role])


# Every cell on SQLite. On PostgreSQL the cells a role is allowed (each read it may make, each write it
# may make on a fresh database): whether a role is refused is decided by the guards and services before
# any SQL that differs between the engines, so the refused cells run once; what an allowed cell reads
# and writes is where the engines can differ, so those run on both.
CELLS = [
    pytest.param(
        (engine_name, role, route[3], route[4]), role, *route, id=f"{engine_name}-{route[0]} {route[1]} as {role}"
    )
    for engine_name in ENGINES
    for route in ROUTES
    for role in ROLES
    if engine_name == "sqlite" or role in route[3]
]


@pytest.mark.parametrize(("cell", "role", "method", "path", "body", "allowed", "writes"), CELLS, indirect=["cell"])
def test_access_matrix(cell, role, method, path, body, allowed, writes):
    database_url, ids, client = cell
    path = path.format(**ids)
    if isinstance(body, dict) and "json" not in body:
        body = {key.format(**ids): value.format(**ids) for key, value in body.items()}
    elif isinstance(body, dict):
        body = {"json": _fill(body["json"], ids)}
    before = _fingerprint(database_url) if writes else None
    changes_before = _change_count(database_url)

    response = _send(client, method, path, body)

    if role in allowed:
        assert response.status_code in (200, 201, 204, 303), (response.status_code, response.text[:500])
        if response.status_code == 303:
            assert not response.headers["location"].startswith("/login")
        if writes:
            assert _change_count(database_url) == changes_before + 1, "one change record per write"
        return
    if role == "anonymous":
        if path.startswith("/api/") or path.split("?")[0].endswith(".json"):
            assert response.status_code == 401
        else:
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])
        assert "Traceback" not in response.text
    if writes:
        assert _fingerprint(database_url) == before, "a denied write changed the database"


def test_pages_show_no_control_the_reader_cannot_use(client_as):
    viewer = client_as("viewer")
    for path in ("/areas", "/areas/infrastruktur", "/departments", "/departments/hr"):
        page = viewer.get(path).text
        assert "/edit" not in page and "/delete" not in page and "/new" not in page, path
    admin = client_as("admin")
    page = admin.get("/areas/infrastruktur").text
    assert "/areas/infrastruktur/edit" in page and "/areas/infrastruktur/delete" in page
