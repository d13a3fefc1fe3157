"""The seed is the VSO model of the source document: 6 areas, 8 departments, 16 memberships, verbatim."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select, text

from registry.config import sync_url
from registry.db import models as m
from registry.seed import read_seed
from tests.conftest import prepare

EXPECTED = {
    "VSO för utbildningsadministration": {"Avd. för Studentservice och utbildningsadministration"},
    "VSO för infrastruktur": {
        "Avd. för Studentservice och utbildningsadministration",
        "Avd. för fastighets- och campusplanering",
        "Avd. för IT och digital infrastruktur",
    },
    "VSO för kommunikation": {
        "Avd. för Studentservice och utbildningsadministration",
        "Avd. för IT och digital infrastruktur",
        "Avd. för kommunikation",
        "Avd. för stöd i utbildning och forskning",
    },
    "VSO för utbildning": {
        "Avd. för stöd i utbildning och forskning",
        "Avd. för biblioteket",
        "Avd. för Studentservice och utbildningsadministration",
    },
    "VSO för forskning och forskarutbildning": {
        "Avd. för stöd i utbildning och forskning",
        "Avd. för biblioteket",
        "Avd. för ledningsstöd och ekonomi",
    },
    "VSO för styrning": {"Avd. för HR", "Avd. för ledningsstöd och ekonomi"},
}


def _memberships(url: str) -> dict[str, set[str]]:
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        rows = connection.execute(
            select(m.SupportArea.name, m.Department.name)
            .join(m.AreaMembership, m.AreaMembership.area_id == m.SupportArea.id)
            .join(m.Department, m.Department.id == m.AreaMembership.department_id)
        ).all()
    engine.dispose()
    result: dict[str, set[str]] = {}
    for area, department in rows:
        result.setdefault(area, set()).add(department)
    return result


def _table_counts(url: str) -> dict[str, int]:
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        counts = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in m.metadata.sorted_tables
        }
    engine.dispose()
    return counts


def test_seed_file_is_the_source_table_verbatim():
    seed = read_seed()
    assert {area["name"]: set(area["departments"]) for area in seed["area"]} == EXPECTED
    assert len({d["name"] for d in seed["department"]}) == 8


def test_seed_loads_the_vso_model(empty_database_url):
    database_url = empty_database_url
    prepare(database_url, demo=False)
    counts = _table_counts(database_url)
    assert counts["support_area"] == 6
    assert counts["department"] == 8
    assert counts["area_membership"] == 16
    assert counts["steering_group"] == 6
    assert counts["dialogue_arena"] == 6
    assert counts["vso_model"] == 1
    assert counts["person"] == 0, "roles, not persons: the seed names nobody"
    assert _memberships(database_url) == EXPECTED


def test_no_real_person_from_the_source_is_seeded(database_url):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        names = set(connection.execute(select(m.Person.name)).scalars())
    engine.dispose()
    contacts = {
        "Anna Emmoth",
        "Ann Edenhamn",
        "Lisa Eliasson",
        "Monica Eriksson",
        "Sofia Sohl-Liebl",
        "Monika Matevska Stier",
        "Erik Bäckvall",
        "Stina Eklund",
    }
    assert not names & contacts


def test_seed_names_the_owner_and_administering_department(database_url):
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        owner, department = connection.execute(
            select(m.VsoModel.owner_title, m.Department.name).join(
                m.Department, m.Department.id == m.VsoModel.administering_department_id
            )
        ).one()
    engine.dispose()
    assert owner == "Högskoledirektören"
    assert department == "Avd. för ledningsstöd och ekonomi"


def test_loading_twice_gives_the_same_rows(database_url):
    before = _table_counts(database_url)
    engine = create_engine(sync_url(database_url))
    with engine.connect() as connection:
        ids_before = connection.execute(text("SELECT id, name FROM support_area ORDER BY id")).all()
    prepare(database_url)  # migrate (no-op) and load the seed a second time
    with engine.connect() as connection:
        ids_after = connection.execute(text("SELECT id, name FROM support_area ORDER BY id")).all()
    engine.dispose()
    assert _table_counts(database_url) == before
    assert ids_after == ids_before
    assert _memberships(database_url) == EXPECTED


def test_seed_keeps_what_administrators_changed(client, database_url):
    from tests.conftest import post_form

    hr = client.get("/api/v1/departments/hr").json()["id"]
    response = post_form(
        client,
        "/areas/styrning/edit",
        [("name", "VSO för styrning och ledning"), ("slug", "styrning"), ("purpose", "Ändrad"), ("department_ids", hr)],
    )
    assert response.status_code == 303
    prepare(database_url)
    names = {row for row in _memberships(database_url)}
    assert "VSO för styrning och ledning" in names
    assert "VSO för styrning" not in names
    assert _table_counts(database_url)["support_area"] == 6
