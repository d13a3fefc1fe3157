"""Routing suggestions for a new need, against small hand-made registers (no database)."""

from __future__ import annotations

import asyncio

import pandas as pd
import pytest

from registry.needs.routing import Reason, Routing, stem, suggest, suggest_for, words

AREAS = pd.DataFrame(
    [(1, "VSO för infrastruktur"), (2, "VSO för utbildning"), (3, "VSO för styrning")], columns=["id", "name"]
)
DEPARTMENTS = pd.DataFrame(
    [
        (10, "Avd. för fastighets- och campusplanering", "Fastighets- och campusplanering", [1]),
        (11, "Avd. för IT och digital infrastruktur", "IT och digital infrastruktur", [1]),
        (12, "Avd. för biblioteket", "Biblioteket", [2]),
        (13, "Avd. för HR", "HR", [3]),
    ],
    columns=["id", "name", "short_name", "area_ids"],
)
HISTORY = pd.DataFrame(
    [
        (123, "Bokning av grupprum", "Bokning av grupprum. Studenterna hittar inga lediga grupprum.", 1, [10, 11]),
        (124, "Grupprum i nya huset", "Grupprummen i nya huset saknar skärmar.", 1, [10]),
        (200, "E-böcker som kurslitteratur", "Kurslitteratur som e-böcker i stället för tryckta.", 2, [12]),
        (300, "Introduktion för nyanställda", "Ett gemensamt introduktionsprogram för nyanställda.", 3, [13]),
        (301, "Rekrytering av lärare", "Sakkunnigutlåtanden i rekryteringssystemet.", None, []),
    ],
    columns=["id", "title", "text", "owning_area_id", "department_ids"],
)


@pytest.fixture(autouse=True)
def english():
    """The reasons are shown in the reader's language; these tests read them in English."""
    from registry.i18n import reset_language, set_language

    token = set_language("en")
    yield
    reset_language(token)


def test_words_are_lower_case_without_punctuation_or_common_words():
    assert words("Bokning av GRUPPRUM, på campus!") == ["bokning", "grupprum", "campus"]
    assert words("Vi behöver 3 nya skrivare.") == ["nya", "skrivare"]
    assert words("") == []
    assert stem("grupprummen") == stem("grupprum") == "grupp"


def test_an_alike_earlier_need_routes_the_new_one():
    routing = suggest("Studenterna kan inte boka grupprum", HISTORY, AREAS, DEPARTMENTS)
    assert routing.areas[0].id == 1
    assert routing.areas[0].reasons[0] == Reason("similar", need_id=123, title="Bokning av grupprum")
    assert str(routing.areas[0].reasons[0]) == "like #123 “Bokning av grupprum”"
    assert [d.id for d in routing.departments][:2] == [10, 11]  # in both alike needs, then in one
    assert routing.departments[0].score > routing.departments[1].score


def test_naming_a_department_suggests_it_and_its_areas():
    routing = suggest("Längre öppettider på biblioteket", HISTORY, AREAS, DEPARTMENTS)
    assert routing.departments[0].id == 12
    assert str(routing.departments[0].reasons[0]) == "the text names “biblioteket”"
    assert routing.areas[0].id == 2
    assert routing.areas[0].reason == "the text names “biblioteket”"


def test_naming_an_area_and_short_names():
    assert suggest("Ny infrastrukturen för lagring", HISTORY, AREAS, DEPARTMENTS).areas[0].id == 1
    routing = suggest("Frågor till HR om semester", HISTORY, AREAS, DEPARTMENTS)
    assert routing.departments[0].id == 13
    assert routing.areas[0].id == 3


def test_a_word_that_begins_a_compound_name_counts_weakly():
    routing = suggest("Cyklar på campus", HISTORY, AREAS, DEPARTMENTS)
    assert routing.departments[0].id == 10  # 'campus' begins 'campusplanering'
    assert routing.departments[0].reason == "the text names “campus”"
    strong = suggest("Campusplanering", HISTORY, AREAS, DEPARTMENTS).departments[0]
    assert strong.id == 10


def test_scores_are_shares_that_rank_the_suggestions():
    routing = suggest("grupprum och kurslitteratur som e-böcker", HISTORY, AREAS, DEPARTMENTS)
    scores = [a.score for a in routing.areas]
    assert scores == sorted(scores, reverse=True)
    assert sum(scores) == pytest.approx(1, abs=0.01)
    assert {a.id for a in routing.areas} == {1, 2}


def test_limit_and_unrouted_history():
    routing = suggest("Rekrytering av lärare", HISTORY, AREAS, DEPARTMENTS, limit=1)
    assert routing == Routing()  # the only alike need was never routed, and no name is named
    assert len(suggest("grupprum bibliotek HR", HISTORY, AREAS, DEPARTMENTS, limit=2).departments) == 2


def test_nothing_to_go_on_gives_no_suggestions():
    assert suggest("", HISTORY, AREAS, DEPARTMENTS) == Routing()
    assert not Routing() and suggest("grupprum", HISTORY, AREAS, DEPARTMENTS)
    assert suggest("och i att", HISTORY, AREAS, DEPARTMENTS) == Routing()
    assert suggest("Helt orelaterat ämne", HISTORY, AREAS, DEPARTMENTS) == Routing()
    empty = HISTORY.iloc[0:0]
    assert suggest("grupprum", empty, AREAS, DEPARTMENTS) == Routing()


def test_history_without_text_uses_titles_and_tolerates_missing_values():
    history = pd.DataFrame(
        {"id": [1, 2], "title": ["Bokning av grupprum", None], "owning_area_id": [1.0, float("nan")]}
    )
    routing = suggest("grupprum", history, AREAS, DEPARTMENTS)
    assert routing.areas[0].id == 1
    assert routing.departments == []


def test_suggest_for_reads_the_register(database_url):
    from sqlalchemy import select

    from registry.cli import _in_session
    from registry.config import Settings
    from registry.db import models as m
    from registry.needs.demo import load_demo_needs

    settings = Settings(database_url=database_url)

    def run(work):
        return asyncio.run(_in_session(settings, work))

    assert run(lambda session: suggest_for(session, "grupprum")) == Routing()
    run(lambda session: load_demo_needs(session, 40))

    async def routed(session):
        return (
            await session.execute(
                select(m.Need.title, m.Need.owning_area_id)
                .where(m.Need.owning_area_id.is_not(None))
                .order_by(m.Need.id)
            )
        ).first()

    title, area_id = run(routed)
    routing = run(lambda session: suggest_for(session, title))
    assert routing.areas[0].id == area_id
    assert routing.areas[0].reasons[0].kind == "similar"
    assert routing.departments
