"""What a browser gets from the registry where server meets browser (issue 16): error answers as
pages, downloads, caching, SVG pictures, titles and words. Each test reads the content type and the
body, as a browser would; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import re
import zlib
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import func, select

from registry.config import PROJECT_ROOT
from registry.db import models as m
from registry.demo import DEMO_PASSWORD
from registry.i18n import translations
from registry.needs.queries import PAGE_SIZE
from tests.conftest import post_form
from tests.database import insert_need
from tests.database import scalar as _scalar
from tests.database import sql as _sql
from tests.htmlpage import parse

INFRA = "infrastruktur"


def _first(url, column, *where):
    rows = _sql(url, select(column).where(*where).order_by(column).limit(1))
    return rows[0][0] if rows else 999_999


def _need(url, title="Ett behov att pröva formulär på", state="ready"):
    area = _scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == INFRA))
    return _scalar(url, insert_need(area, title, state=state))


def _meeting(client, url):
    form = {
        "area_id": str(_scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == INFRA))),
        "forum": "steering_group",
        "title": "Styrgruppen",
        "held_on": date.today().isoformat(),
        "location": "Rum 4",
        "period_from": "2027-01-01",
        "period_to": "2027-06-30",
    }
    response = post_form(client, "/meetings/new", form)
    assert response.status_code == 303, response.text[:300]
    return int(response.headers["location"].rsplit("/", 1)[1])


def _path_values(url, meeting):
    """A real value for every path parameter of the form routes, so that each handler gets past its
    look-up to its own checks (an id that does not exist is answered 404, which is a page too)."""
    return {
        "need_id": _first(url, m.Need.id),
        "meeting_id": meeting,
        "item_id": _first(url, m.AgendaItem.id, m.AgendaItem.meeting_id == meeting),
        "attendee_id": _first(url, m.MeetingAttendee.id),
        "benefit_id": _first(url, m.Benefit.id),
        "measurement_id": _first(url, m.Measurement.id),
        "strategy_id": _first(url, m.Strategy.id),
        "goal_id": _first(url, m.StrategicGoal.id),
        # Not the administrator's own person: the walk disables that person's account.
        "person_id": _first(url, m.Account.person_id, m.Account.username == "lasare"),
        "assignment_id": _first(url, m.RoleAssignment.id),
        "participant_id": _first(url, m.DialogueArenaParticipant.id),
        "member_id": _first(url, m.TeamMember.id),
        "activity_id": _first(url, m.RaciActivity.id),
        "column_id": _first(url, m.RaciColumn.id),
        "link_id": _first(url, m.NeedLink.id),
        "view_id": _first(url, m.SavedView.id),
        "version": 1,
    }


def _slug(url, path):
    table = {
        "departments": m.Department.slug,
        "institutions": m.Institution.slug,
        "processes": m.Process.slug,
    }.get(path.strip("/").split("/")[0])
    return _first(url, table) if table is not None else INFRA


SENDS_NO_FORM_PAGE = ("/login", "/logout", "/language")  # log-in is tried below with its own values


def form_routes(app):
    """Every POST route that a page's form sends to (the JSON API, log-out and the language
    switch, which only redirect, left aside)."""
    for route in app.routes:
        handlers = getattr(route, "route_handler_map", {})
        if "POST" in handlers and not route.path.startswith("/api/") and route.path not in SENDS_NO_FORM_PAGE:
            yield route.path


def test_every_form_route_answers_an_error_with_an_html_page(database_url, client):
    _need(database_url)
    meeting = _meeting(client, database_url)
    values = _path_values(database_url, meeting)
    refused, answers = {}, {}
    # Deletions last, so that the others still find what they are about.
    for template in sorted(form_routes(client.app), key=lambda path: path.endswith("/delete")):
        values["slug"] = _slug(database_url, template)
        path = re.sub(r"\{(\w+):\w+\}", lambda match: str(values[match[1]]), template)
        # Nothing filled in, or one nonsense value: every handler must refuse it as a page.
        response = post_form(client, path, {"version": "x", "title": "", "name": ""})
        answers[template] = (response.status_code, response.headers.get("location"))
        if response.status_code >= 400:
            refused[template] = answers[template]
            assert response.headers["content-type"].startswith("text/html"), (template, response.status_code)
            page = parse(response.text)
            assert page.find("main").text, template  # a page with the message, not an empty body
    # The walk reached the form handlers' own checks, not only the look-ups.
    assert sum(1 for status in refused.values() if status[0] in (400, 409, 422)) >= 25, sorted(answers.items())


def test_a_wrong_password_is_a_page_that_keeps_the_user_name(anonymous_client):
    response = post_form(anonymous_client, "/login", {"username": "samordnare", "password": "fel", "next": "/needs"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    assert page.find("input", name="username").get("value") == "samordnare"
    assert page.find("main").find(role="alert").text


def test_too_many_attempts_is_a_page(anonymous_client):
    for _attempt in range(12):
        response = post_form(anonymous_client, "/login", {"username": "admin", "password": "fel"})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert parse(response.text).find("main").find(role="alert").text


def test_an_invalid_intake_is_a_page_that_keeps_what_was_typed(client):
    response = post_form(client, "/intake", {"title": "", "description": "Vi behöver en bättre rutin"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Vi behöver en bättre rutin" in parse(response.text).find("textarea", name="description").text


def test_a_meeting_mode_conflict_is_a_page_with_the_message_and_the_text(database_url, client_as):
    coordinator = client_as("coordinator")
    need = _need(database_url)
    meeting = _meeting(coordinator, database_url)
    post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(need)})
    item = _scalar(database_url, select(m.AgendaItem.id).where(m.AgendaItem.meeting_id == meeting))
    opened = _scalar(database_url, select(m.AgendaItem.version).where(m.AgendaItem.id == item))
    first = {"notes": "A", "advice": "now", "rationale": "Stor nytta", "version": str(opened)}
    assert post_form(coordinator, f"/meetings/{meeting}/items/{item}", first).status_code == 303
    second = {"notes": "Anteckning B", "advice": "not", "rationale": "För dyrt", "version": str(opened)}
    response = post_form(client_as("steering_member"), f"/meetings/{meeting}/items/{item}", second)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert "Anteckning B" in response.text
    assert _sql(database_url, select(func.count()).select_from(m.AgendaItem)) == [(1,)]


def _htmx_config(page_html):
    return json.loads(parse(page_html).find("meta", name="htmx-config").get("content"))


def _handling(config, status):
    return next(rule for rule in config["responseHandling"] if re.fullmatch(rule["code"], str(status)))


def test_htmx_swaps_every_error_page_and_says_what_it_cannot_swap(client):
    page = client.get("/needs")
    config = _htmx_config(page.text)
    for status in (400, 401, 403, 404, 409, 422, 429, 500, 503):
        assert _handling(config, status)["swap"] is True, status
    assert _handling(config, 204)["swap"] is False
    region = parse(page.text).find(id="page-alert")
    assert region.get("role") == "alert" and region.get("data-network") and region.get("data-server")
    script = client.get("/static/js/registry.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "htmx:sendError" in script.text and "page-alert" in script.text


def test_htmx_keeps_no_copies_of_pages_for_back(client):
    config = _htmx_config(client.get("/").text)
    assert config["historyCacheSize"] == 0 and config["refreshOnHistoryMiss"] is True


def test_a_refused_boosted_form_leaves_the_address_on_the_form_page(client):
    htmx = {"HX-Request": "true", "HX-Boosted": "true"}
    response = post_form(client, "/intake", {"title": "", "description": "Behov"}, headers=htmx)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert response.headers["hx-push-url"] == "false"
    # A page load (not htmx) is left as it is.
    assert "hx-push-url" not in post_form(client, "/intake", {"title": ""}).headers


def test_a_boosted_save_that_redirects_to_a_section_lands_there(database_url, client):
    need = _need(database_url)
    htmx = {"HX-Request": "true", "HX-Boosted": "true"}
    response = post_form(client, f"/needs/{need}/comments", {"body": "En kommentar"}, headers=htmx)
    assert response.status_code == 200, response.text[:300]
    assert "location" not in response.headers
    target = json.loads(response.headers["hx-location"])
    assert target["path"].startswith(f"/needs/{need}#") and target["target"] == "body"
    # Without htmx, the browser follows the redirect and keeps the fragment itself.
    plain = post_form(client, f"/needs/{need}/comments", {"body": "En till"})
    assert plain.status_code == 303 and "#" in plain.headers["location"]


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_stands_out_on_white_and_on_the_header():
    css = (PROJECT_ROOT / "static/css/registry.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    assert "outline: 3px solid var(--focus)" in css
    assert _contrast(colours["focus"], "#ffffff") >= 3
    assert _contrast(colours["focus-on-brand"], colours["brand"]) >= 3


DOWNLOAD = re.compile(r"\.(csv|xlsx|pdf|graphml|json|svg|png)(\?|$)")


def _boost_off(element, ancestors):
    return element.get("download") is not None or any(
        node.get("hx-boost") == "false" for node in [element, *reversed(ancestors)]
    )


def _links_with_ancestors(node, ancestors=()):
    for child in node.children:
        if isinstance(child, str):
            continue
        if child.tag == "a" and child.get("href"):
            yield child, list(ancestors)
        yield from _links_with_ancestors(child, (*ancestors, child))


def test_every_download_link_is_saved_by_the_browser_not_swapped_in(database_url, client):
    _need(database_url)
    meeting = _meeting(client, database_url)
    assert post_form(client, f"/meetings/{meeting}/close", {"confirm": "yes"}).status_code == 303
    process = _first(database_url, m.Process.slug)
    pages = [
        "/changes",
        f"/meetings/{meeting}/minutes",
        "/needs/import",
        "/needs",
        "/priorities",
        f"/areas/{INFRA}/priorities",
        "/graph",
        f"/processes/{process}/raci",
        "/decisions",
    ]
    found = []
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        for link, ancestors in _links_with_ancestors(parse(response.text)):
            if DOWNLOAD.search(link.get("href")):
                found.append(link.get("href"))
                assert _boost_off(link, ancestors), (address, link.get("href"))
    for expected in ("/changes/export.csv", "minutes.xlsx", "minutes.pdf", "template.xlsx", "raci.xlsx"):
        assert any(expected in href for href in found), expected


def _ids_on(page_html):
    return [int(cell.text) for cell in parse(page_html).find(id="needs-table").find_all("td", class_="num")]


def test_the_needs_list_address_exports_and_saved_view_follow_the_filter(database_url, client):
    _need(database_url, "Lånekort för gästforskare")
    _need(database_url, "Något helt annat")
    htmx = {"HX-Request": "true", "HX-Target": "needs-table"}
    response = client.get("/needs?q=gästforskare", headers=htmx)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["hx-push-url"] == "/needs?q=g%C3%A4stforskare"
    fragment = parse(response.text)
    exports = fragment.find(id="needs-exports")
    assert exports.get("hx-swap-oob") == "true"
    hrefs = [link.get("href") for link in exports.find_all("a")]
    assert hrefs == ["/needs/export.csv?q=g%C3%A4stforskare", "/needs/export.xlsx?q=g%C3%A4stforskare"]
    assert fragment.find("input", id="view-query").get("value") == "q=g%C3%A4stforskare"
    # The export those links give has the one need that matches, not all of them.
    exported = client.get(hrefs[0]).text
    assert "Lånekort för gästforskare" in exported and "Något helt annat" not in exported


def test_the_needs_list_pages_forwards_and_back_with_the_address(database_url, client):
    area = _scalar(database_url, select(m.SupportArea.id).where(m.SupportArea.slug == INFRA))
    for number in range(PAGE_SIZE + 5):
        _sql(database_url, insert_need(area, f"Behov {number}"))
    first = client.get("/needs")
    first_ids = _ids_on(first.text)
    assert len(first_ids) == PAGE_SIZE
    assert not parse(first.text).find_all("a", rel="prev")
    next_link = parse(first.text).find("a", rel="next").get("href")
    htmx = {"HX-Request": "true", "HX-Target": "needs-table"}
    second = client.get(next_link, headers=htmx)
    assert second.headers["hx-push-url"] == next_link  # the address bar shows the second page
    assert set(_ids_on(second.text)).isdisjoint(first_ids) and _ids_on(second.text)
    previous_link = parse(second.text).find("a", rel="prev").get("href")
    assert "before=" in previous_link
    back = client.get(previous_link)
    assert _ids_on(back.text) == first_ids
    assert parse(back.text).find("a", rel="next").get("href") == next_link


def test_changing_language_keeps_the_query(client):
    page = parse(client.get("/needs?q=lån&state=clarified").text)
    kept = page.find("form", class_="language").find("input", name="next").get("value")
    assert kept == "/needs?q=l%C3%A5n&state=clarified"
    response = post_form(client, "/language", {"language": "en", "next": kept})
    assert response.status_code == 303 and response.headers["location"] == kept


def test_every_svg_picture_may_use_its_inline_styles(database_url, client):
    values = {"benefit_id": _first(database_url, m.Benefit.id), "slug": INFRA}
    pictures = [route.path for route in client.app.routes if route.path.endswith(".svg")]
    assert len(pictures) >= 3, pictures
    for template in pictures:
        address = re.sub(r"\{(\w+):\w+\}", lambda match: str(values[match[1]]), template)
        response = client.get(address)
        assert response.status_code == 200, address
        assert response.headers["content-type"].startswith("image/svg+xml"), address
        assert "<svg" in response.text[:2000] and "style" in response.text, address
        policy = response.headers["content-security-policy"]
        assert "style-src 'unsafe-inline'" in policy and "script-src 'self'" not in policy, address
        assert "default-src 'none'" in policy
    # A page keeps the strict policy.
    assert "style-src 'self'" in client.get("/graph").headers["content-security-policy"]


def test_staff_pages_are_never_stored_and_public_pages_may_be(client, anonymous_client):
    for address in ("/needs", "/", "/changes", "/graph.svg", "/me"):
        assert client.get(address).headers.get("cache-control") == "no-store", address
    assert anonymous_client.get("/areas").headers.get("cache-control") != "no-store"
    # After log-out the same browser is sent to log in, not shown the page.
    assert post_form(client, "/logout", {}).status_code == 303
    assert client.get("/needs").status_code == 303


def test_the_favicon_is_an_icon(anonymous_client):
    response = anonymous_client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO file signature
    assert parse(anonymous_client.get("/").text).find("link", rel="icon").get("href") == "/static/favicon.ico"


def test_head_hands_the_request_scope_on_so_its_database_session_is_closed():
    """Litestar's before_send hooks (the database plugin closes the request's session and gives its
    connection back to the pool there) hold the scope they were given; HEAD must not swap it for a copy."""
    from registry.web.middleware import HeadAsGet

    seen, sent = [], []

    async def inner(scope, receive, send):
        seen.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page", "more_body": False})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "HEAD", "path": "/needs", "headers": []}
    asyncio.run(HeadAsGet(inner)(scope, None, send))
    assert seen == [scope] and seen[0] is scope and scope["method"] == "GET"
    assert sent[-1]["body"] == b""


# HEAD is answered by the web layer the same way on both engines; every page is read twice, so once is enough.
@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_head_answers_like_get_without_the_body(client):
    pages = [
        route.path
        for route in client.app.routes
        if "GET" in getattr(route, "route_handler_map", {}) and "{" not in route.path and "/schema" not in route.path
    ]
    assert len(pages) > 30
    for address in pages:
        got = client.get(address)
        head = client.head(address)
        assert head.status_code == got.status_code, address
        assert head.headers.get("content-type") == got.headers.get("content-type"), address
        assert head.content == b"", address


def test_meeting_mode_can_pause_its_live_list_and_gives_focus_back(database_url, client_as):
    coordinator = client_as("coordinator")
    need = _need(database_url)
    meeting = _meeting(coordinator, database_url)
    post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(need)})
    page = parse(coordinator.get(f"/meetings/{meeting}/live").text)
    toggle = page.find("button", id="live-toggle")
    assert toggle.get("type") == "button" and toggle.get("aria-pressed") == "false" and toggle.text
    state = page.find(id="live-state")
    assert state.get("data-running") and state.get("data-paused")
    # Every link in the reloaded list has an id, which is how htmx gives focus back after a swap.
    fragment = parse(coordinator.get(f"/meetings/{meeting}/ranking").text)
    links = [link for link in fragment.find(id="live-ranking").find_all("a") if "/live?item=" in link.get("href")]
    assert links and all(link.get("id") for link in links)
    script = coordinator.get("/static/js/registry.js").text
    assert "live-toggle" in script and "preventDefault" in script


def test_a_refused_capacity_keeps_every_figure_and_names_the_department(database_url, client_as):
    coordinator = client_as("coordinator")
    meeting = _meeting(coordinator, database_url)
    page = parse(coordinator.get(f"/meetings/{meeting}").text)
    departments = [
        field.get("value") for field in page.find(id="field-capacity").find_all("input", name="department_id")
    ]
    assert len(departments) >= 2
    typed = ["12,5", "tjugo"] + [""] * (len(departments) - 2)
    form = [("seen", "")] + [("department_id", department) for department in departments]
    form += [("available_days", days) for days in typed]
    response = post_form(coordinator, f"/meetings/{meeting}/capacity", form)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    page = parse(response.text)
    assert page.find("input", id=f"field-capacity_{departments[0]}").get("value") == "12,5"
    assert page.find("input", id=f"field-capacity_{departments[1]}").get("value") == "tjugo"
    name = _scalar(database_url, select(m.Department.name).where(m.Department.id == int(departments[1])))
    summary = page.find(class_="error-summary").text
    assert name in summary and "tjugo" not in summary


def test_a_comment_sent_after_the_session_ran_out_is_offered_again_after_log_in(database_url, client):
    need = _need(database_url)
    page = f"http://127.0.0.1:8000/needs/{need}"
    client.cookies.delete("registry_session")  # the session ran out while the page was open
    response = post_form(client, f"/needs/{need}/comments", {"body": "Viktig synpunkt"}, headers={"referer": page})
    assert response.status_code == 303
    login_address = response.headers["location"]
    assert login_address.startswith("/login?next=")
    form = parse(client.get(login_address).text).find("form", action="/login")
    next_address = form.find("input", name="next").get("value")
    assert next_address == f"/needs/{need}?body=Viktig+synpunkt"  # the page (a GET), not the POST address
    logged_in = post_form(client, "/login", {"username": "admin", "password": DEMO_PASSWORD, "next": next_address})
    assert logged_in.status_code == 303 and logged_in.headers["location"] == next_address
    back = client.get(next_address)
    assert back.status_code == 200 and back.headers["content-type"].startswith("text/html")
    assert parse(back.text).find("textarea", id="comment-body").text == "Viktig synpunkt"


def test_page_titles_are_plain_text(client):
    pages = [
        route.path
        for route in client.app.routes
        if "GET" in getattr(route, "route_handler_map", {}) and "{" not in route.path and "." not in route.path
    ]
    assert "/graph" in pages and "/departments" in pages
    for address in pages:
        response = client.get(address)
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if "<html" not in response.text[:200]:
            continue  # a fragment for htmx (similar needs while typing), not a page
        title = re.search(r"<title>(.*?)</title>", response.text, re.S)
        assert title and "<" not in title[1] and title[1].strip(), (address, title and title[1][:200])


def test_words_the_swedish_reader_sees(client):
    swedish = {"Accept-Language": "sv"}
    client.cookies.set("registry_language", "sv")
    footer = parse(client.get("/benefits", headers=swedish).text)
    assert footer.find("a", href="/health").text == "Driftstatus"
    assert footer.find("th", scope="col").text  # the table is there
    headers = [cell.text for cell in footer.find_all("th", scope="col")]
    assert "Status" in headers and "Driftstatus" not in headers


@pytest.mark.parametrize(
    ("language", "one", "two"), [("sv", "1 persondag", "2 persondagar"), ("nb", "1 persondag", "2 persondager")]
)
def test_person_days_take_the_plural_of_their_number(language, one, two):
    catalogue = translations(language)
    assert catalogue.ngettext("%(days)s person-day", "%(days)s person-days", 1) % {"days": 1} == one
    assert catalogue.ngettext("%(days)s person-day", "%(days)s person-days", 2) % {"days": 2} == two
    for template in ("benefits/list.html", "decisions/_need_section.html"):
        assert 'ngettext("%(days)s person-day"' in (PROJECT_ROOT / "templates" / template).read_text()


def test_the_graph_scripts_run_on_a_boosted_visit_and_start_once(client):
    page = client.get("/graph").text
    head, body = page.split("<body", 1)
    assert "graph.js" not in head and "cytoscape" not in head  # htmx swaps only the body
    main = parse(page).find("main")
    sources = [script.get("src") for script in main.find_all("script")]
    assert "/static/js/graph.js" in sources and any("cytoscape" in src for src in sources)
    script = client.get("/static/js/graph.js").text
    assert "window.registryGraph" in script and "destroy()" in script


def test_an_unfiltered_needs_list_pushes_a_plain_address(client):
    response = client.get("/needs", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.headers["hx-push-url"] == "/needs"


def test_the_intake_form_asks_for_the_institution_once(client):
    client.cookies.set("registry_language", "en")
    form = parse(client.get("/intake").text).find("form", action="/intake")
    mentions = [
        element.text
        for element in form.find_all()
        if element.tag in ("label", "p") and "institution" in element.text.lower() and "below" not in element.text
    ]
    assert len(mentions) == 1, mentions
    assert form.find("select", name="raised_by_institution_id")


def _pdf_text(content: bytes) -> str:
    """The text drawing operators of a PDF's (Flate-compressed or plain) page streams."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):  # reportlab: ASCII85, then Flate
            stream = base64.a85decode(stream[:-2].replace(b"\n", b""))
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        texts += [part.decode("latin-1") for part in re.findall(rb"\((.*?)\) Tj", stream)]
    return " ".join(texts)


def test_the_minutes_files_hold_whole_ranks_and_the_method_weights_and_capacity(database_url, client_as):
    coordinator = client_as("coordinator")
    coordinator.cookies.set("registry_language", "en")
    need = _need(database_url)
    meeting = _meeting(coordinator, database_url)
    post_form(coordinator, f"/meetings/{meeting}/agenda", {"need_id": str(need)})
    department = _first(database_url, m.Department.id, m.Department.slug == "it-och-digital-infrastruktur")
    capacity = [("seen", ""), ("department_id", str(department)), ("available_days", "40")]
    assert post_form(coordinator, f"/meetings/{meeting}/capacity", capacity).status_code == 303
    assert post_form(coordinator, f"/meetings/{meeting}/close", {"confirm": "yes"}).status_code == 303
    pdf = coordinator.get(f"/meetings/{meeting}/minutes.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Method:" in text and "Goal shares:" in text and "Capacity in the period:" in text, text[:500]
    assert " 40" in text.split("Capacity in the period:")[1]
    rows = coordinator.get(f"/meetings/{meeting}/minutes.xlsx")
    frame = pd.read_excel(io.BytesIO(rows.content))
    ranks = [value for value in frame["Rank"] if not pd.isna(value)]
    assert all(float(value).is_integer() for value in ranks)
    assert "1.0" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sv", ("Prioritera nu", "Kommentar", "Utvecklingsbehov")),
        ("en", ("Prioritise now", "Comment", "Development need")),
    ],
)
def test_the_change_log_speaks_the_readers_language_not_internal_names(language, words):
    from registry.changes.labels import field_label, object_type_label
    from registry.changes.queries import readable
    from registry.i18n import reset_language, set_language

    token = set_language(language)
    try:
        advice, comment, need = words
        assert readable("advice", "now", {}) == advice
        assert object_type_label("need_comment") == comment and object_type_label("need") == need
        assert field_label("clarified_need") != "clarified_need"
        assert readable("capacity", [["2026-02-05", 4, None]], {}) == "2026-02-05 4 –"
        assert readable("state", "ready", {}) not in ("ready", "")
    finally:
        reset_language(token)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "45,1 · 2,5 · 7 · 2026-12-02 16:05"),
        ("nb", "45,1 · 2,5 · 7 · 02.12.2026, 16:05"),
        ("en", "45.1 · 2.5 · 7"),
    ],
)
def test_numbers_and_dates_are_written_the_readers_way(language, expected):
    from datetime import datetime

    from registry.i18n import reset_language, set_language
    from registry.web.templating import environment

    template = environment().from_string("{{ a|decimal(1) }} · {{ b|decimal }} · {{ c|decimal }} · {{ when|datetime }}")
    token = set_language(language)
    try:
        shown = template.render(a=45.123, b=2.5, c=7.0, when=datetime(2026, 12, 2, 16, 5))
    finally:
        reset_language(token)
    assert shown.startswith(expected)
    for page in ("priorities/backlog.html", "meetings/_ranking.html", "meetings/live.html", "meetings/minutes.html"):
        assert '"%.1f"|format' not in (PROJECT_ROOT / "templates" / page).read_text(), page
