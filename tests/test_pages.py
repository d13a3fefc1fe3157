"""Every page of the organisation register answers, shows the VSO model of the seed, and is served safely.

The expected content is read from the seed file (whose faithfulness to the source table
`test_seed.py` proves), so these tests check what the pages make of the register.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from registry.config import sync_url
from registry.db import models as m
from registry.i18n import translations
from registry.seed import read_seed
from tests.conftest import post_form
from tests.htmlpage import Element, parse

SEED = read_seed()
DEPARTMENT_NAME = {d["slug"]: d["name"] for d in SEED["department"]}
AREA_NAME = {a["slug"]: a["name"] for a in SEED["area"]}
MEMBERS = {a["name"]: set(a["departments"]) for a in SEED["area"]}  # area name → department names
AREAS_OF = {
    name: {area for area, departments in MEMBERS.items() if name in departments} for name in DEPARTMENT_NAME.values()
}

ENGLISH = {"Accept-Language": "en"}
PAGES = [
    "/",
    "/overview",
    "/areas",
    "/areas/utbildning",
    "/departments",
    "/departments/biblioteket",
    "/areas/new",
    "/departments/new",
    "/areas/styrning/edit",
    "/departments/hr/edit",
    "/areas/styrning/delete",
    "/departments/hr/delete",
]


def page(client, url: str, **headers: str) -> Element:
    response = client.get(url, headers={**ENGLISH, **headers})
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["content-type"].startswith("text/html")
    return parse(response.text)


def section(document: Element, heading_id: str) -> Element:
    return document.find("section", aria_labelledby=heading_id)


def rows(table: Element) -> list[list[Element]]:
    """The body rows of a table, each as its cells (th and td)."""
    return [
        [cell for cell in row.children if isinstance(cell, Element) and cell.tag in {"th", "td"}]
        for row in table.find("tbody").find_all("tr")
    ]


# ---------------------------------------------------------------- content


def test_overview_matrix_shows_every_area_every_department_and_each_membership(client):
    matrix = page(client, "/overview").find("table", class_="matrix")
    header = [th.text for th in matrix.find("thead").find_all("th")]
    area_columns = header[1:-1]
    assert sorted(area_columns) == sorted(MEMBERS)

    marked: set[tuple[str, str]] = set()
    departments = []
    for cells in rows(matrix):
        department = cells[0].text
        departments.append(department)
        for area, cell in zip(area_columns, cells[1:-1], strict=True):
            if "●" in cell.text:
                marked.add((area, department))
        assert cells[-1].text == str(len(AREAS_OF[department])), department
    assert sorted(departments) == sorted(DEPARTMENT_NAME.values())
    assert len(marked) == 16
    assert marked == {(area, department) for area, members in MEMBERS.items() for department in members}


def test_overview_names_the_model_its_owner_and_administering_department(client):
    document = page(client, "/overview")
    facts = document.find("dl", class_="facts").text
    assert document.find("h1").text == SEED["model"]["name"]
    assert SEED["model"]["owner_title"] in facts
    assert SEED["model"]["administering_department"] in facts


def test_areas_page_lists_each_area_with_its_departments(client):
    cards = page(client, "/areas").find_all("li", class_="card")
    shown = {card.find("h2").text: {a.text for a in card.find("ul", class_="tags").find_all("a")} for card in cards}
    assert shown == MEMBERS


@pytest.mark.parametrize("slug", sorted(AREA_NAME))
def test_area_page_shows_its_departments_steering_group_and_dialogue_arena(client, slug):
    document = page(client, f"/areas/{slug}")
    name = AREA_NAME[slug]
    members = MEMBERS[name]
    assert document.find("h1").text == name

    departments = section(document, "departments-heading")
    assert {row[0].text for row in rows(departments.find("table"))} == members
    assert {a.get("href") for a in departments.find_all("a")} == {
        f"/departments/{s}" for s, n in DEPARTMENT_NAME.items() if n in members
    }

    steering = section(document, "steering-heading")
    assert f"Styrgrupp – {name}" in steering.text
    seats = [row[0].text for row in rows(steering.find("table"))]
    assert "Responsible head (VSO-ansvarig)" in seats
    assert {seat for seat in seats if seat.startswith("Head of ")} == {f"Head of {d}" for d in members}
    assert "Development coordinator" in seats
    assert "advisory" in steering.text

    arena = section(document, "arena-heading")
    assert f"Dialogarena – {name}" in arena.text
    support_side = arena.find("ul")
    assert {li.text for li in support_side.find_all("li")} == members


def test_area_page_shows_a_member_department_that_also_sits_in_the_dialogue_arena(client, database_url):
    engine = create_engine(sync_url(database_url))
    with Session(engine) as session:
        arena = session.scalar(select(m.DialogueArena).join(m.SupportArea).where(m.SupportArea.slug == "styrning"))
        hr = session.scalar(select(m.Department).where(m.Department.slug == "hr"))
        session.add(m.DialogueArenaParticipant(arena_id=arena.id, side=m.ArenaSide.support, department_id=hr.id))
        session.commit()
    engine.dispose()
    departments = section(page(client, "/areas/styrning"), "departments-heading")
    assert "Avd. för HR" in departments.text


def test_departments_page_lists_each_department_with_its_areas(client):
    table = page(client, "/departments").find("table")
    shown = {cells[0].text: {a.text for a in cells[2].find_all("a")} for cells in rows(table)}
    assert shown == AREAS_OF


@pytest.mark.parametrize("slug", sorted(DEPARTMENT_NAME))
def test_department_page_shows_its_areas_and_the_departments_it_shares_them_with(client, slug):
    document = page(client, f"/departments/{slug}")
    name = DEPARTMENT_NAME[slug]
    assert document.find("h1").text == name
    assert {a.text for a in section(document, "areas-heading").find_all("a")} == AREAS_OF[name]

    expected = {other: AREAS_OF[name] & AREAS_OF[other] for other in DEPARTMENT_NAME.values() if other != name}
    expected = {other: shared for other, shared in expected.items() if shared}
    shared_rows = rows(section(document, "shared-heading").find("table"))
    if not expected:
        assert len(shared_rows) == 1 and len(shared_rows[0]) == 1  # the "shares no area" row
        return
    shown = {cells[0].text: {a.text for a in cells[1].find_all("a")} for cells in shared_rows}
    # Every department it shares areas with, with those areas; a department tied only by something
    # else (the demo process teams) shows no shared area.
    assert {other: areas for other, areas in shown.items() if areas} == expected
    assert set(expected) <= set(shown)
    counts = [int(cells[2].text) for cells in shared_rows]
    assert counts == sorted(counts, reverse=True), "heaviest ties first"
    assert all(int(cells[2].text) >= len(expected.get(cells[0].text, ())) for cells in shared_rows)


def test_library_shares_two_areas_with_support_for_education_and_research(client):
    shared_rows = rows(section(page(client, "/departments/biblioteket"), "shared-heading").find("table"))
    first = shared_rows[0]
    assert first[0].text == "Avd. för stöd i utbildning och forskning"
    assert first[0].find("a").get("href") == "/departments/stod-i-utbildning-och-forskning"
    assert {a.text for a in first[1].find_all("a")} == {"VSO för utbildning", "VSO för forskning och forskarutbildning"}
    assert first[2].text == "2"


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_with_a_complete_html_document(client, url):
    document = page(client, url)
    assert document.find("title").text
    assert document.find("main", id="main")


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("url", ["/areas/no-such-area", "/departments/no-such-department", "/areas/no-such-area/edit"])
def test_unknown_slug_gives_a_404_page_in_html_without_a_traceback(client, url):
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    document = parse(response.text)
    assert document.find("h1").text == "Page not found"
    assert response.headers["x-request-id"] in response.text  # for support to find it
    for leak in ("Traceback", 'File "', "NotFoundException", "sqlalchemy", "litestar"):
        assert leak not in response.text


NO_ROUTE = [("GET", "/nowhere"), ("DELETE", "/areas")]


@pytest.mark.parametrize("method, url", NO_ROUTE)
def test_address_no_route_matches_gets_an_html_error_page_with_the_security_headers(client, method, url):
    response = client.request(method, url, headers=ENGLISH)
    assert response.status_code in {404, 405}
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("method, url", NO_ROUTE)
def test_address_no_route_matches_is_answered_in_the_readers_language_with_a_request_id(client, method, url):
    response = client.request(method, url, headers=ENGLISH)
    assert parse(response.text).find("html").get("lang") == "en"
    assert response.headers["x-request-id"] != "-"
    assert response.headers["x-request-id"] in response.text


# ---------------------------------------------------------------- security


def _csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", [*PAGES, "/areas/no-such-area", "/api/v1/areas"])
def test_every_response_has_the_security_headers(client, url):
    headers = client.get(url).headers
    csp = _csp(headers["content-security-policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}


def test_pages_have_no_inline_script_for_the_policy_to_block(client):
    for url in PAGES:
        for script in page(client, url).find_all("script"):
            assert script.get("src"), f"inline script on {url}"
            assert not script.text


def test_htmx_and_styles_come_from_the_registry_itself_not_a_cdn(client):
    for url in PAGES:
        html = client.get(url).text
        document = parse(html)
        for element in document.find_all("script") + document.find_all("link"):
            address = element.get("src") or element.get("href") or ""
            assert address.startswith("/static/"), f"{url} loads {address}"
        for cdn in ("unpkg.com", "jsdelivr", "cdnjs", "googleapis"):
            assert cdn not in html, f"{url} mentions {cdn}"

    htmx = page(client, "/").find("script").get("src")
    assert "htmx" in htmx
    script = client.get(htmx)
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "htmx" in script.text


def test_static_files_answer_with_nosniff_too(client):
    response = client.get("/static/css/registry.css")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"


# ---------------------------------------------------------------- language


def test_accept_language_en_gives_english(client):
    response = client.get("/areas", headers={"Accept-Language": "en-GB,en;q=0.9"})
    document = parse(response.text)
    assert document.find("html").get("lang") == "en"
    assert document.find("h1").text == "Support-service areas"


def test_without_a_choice_pages_are_in_swedish(client):
    response = client.get("/areas")
    document = parse(response.text)
    assert document.find("html").get("lang") == "sv"
    assert document.find("h1").text == translations("sv").gettext("Support-service areas")


def test_chosen_language_is_kept_in_a_cookie_and_wins_over_accept_language(client):
    response = post_form(client, "/language", {"language": "nb", "next": "/areas"}, headers=ENGLISH)
    assert response.status_code == 303
    assert response.headers["location"] == "/areas"
    assert "registry_language=nb" in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()

    later = client.get("/areas", headers=ENGLISH)
    document = parse(later.text)
    assert document.find("html").get("lang") == "nb"
    assert document.find("h1").text == translations("nb").gettext("Support-service areas")
    chosen = document.find("select", name="language").find("option", selected="")
    assert chosen.get("value") == "nb"


def test_language_form_never_sends_the_reader_off_site(client):
    for target in ("https://evil.example/", "//evil.example/"):
        response = post_form(client, "/language", {"language": "en", "next": target})
        assert response.status_code == 303
        assert response.headers["location"] == "/"


def test_unknown_language_is_ignored(client):
    response = post_form(client, "/language", {"language": "xx", "next": "/"})
    assert response.status_code == 303
    assert "registry_language" not in response.headers.get("set-cookie", "")


# ---------------------------------------------------------------- htmx


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_boosted_htmx_requests(client, url):
    document = page(
        client, url, **{"HX-Request": "true", "HX-Boosted": "true", "HX-Current-URL": "http://127.0.0.1:8000/"}
    )
    assert document.find("main", id="main")


def test_pages_boost_links_and_send_the_csrf_token_with_htmx_requests(client):
    body = page(client, "/").find("body")
    assert body.get("hx-boost") == "true"
    assert client.cookies["registry_csrf"] in body.get("hx-headers")
