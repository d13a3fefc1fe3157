"""The admin forms: areas and departments are created, edited and deleted in the browser (post/redirect/get),
memberships change from either side, and wrong input is named, kept and changes nothing.

What the database holds is checked through the JSON API, which reads the same tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tests.conftest import post_form
from tests.htmlpage import Element, parse


def department_ids(client) -> dict[str, int]:
    return {d["slug"]: d["id"] for d in client.get("/api/v1/departments").json()}


def area_ids(client) -> dict[str, int]:
    return {a["slug"]: a["id"] for a in client.get("/api/v1/areas").json()}


def register(client) -> tuple[list, list]:
    """Everything the register holds, as the API shows it, to prove a refused form changed nothing."""
    return client.get("/api/v1/areas").json(), client.get("/api/v1/departments").json()


def follow(client, response) -> Element:
    """The post/redirect/get step: a 303 to the page that shows the result, and that page."""
    assert response.status_code == 303, response.text[:500]
    shown = client.get(response.headers["location"])
    assert shown.status_code == 200
    return parse(shown.text)


def checked(form: Element, name: str) -> set[int]:
    return {int(box.get("value")) for box in form.find_all("input", name=name) if "checked" in box.attrs}


# ---------------------------------------------------------------- areas


def test_new_area_form_offers_every_department(client):
    document = parse(client.get("/areas/new").text)
    form = document.find("form", action="/areas/new")
    assert form.find("input", name="name").get("value") == ""
    assert {int(box.get("value")) for box in form.find_all("input", name="department_ids")} == set(
        department_ids(client).values()
    )
    assert form.find("input", name="_csrf_token").get("value")


def test_create_area_through_the_form(client):
    departments = department_ids(client)
    response = post_form(
        client,
        "/areas/new",
        [
            ("name", "VSO för lokaler"),
            ("slug", ""),
            ("purpose", "Lokalfrågor"),
            ("department_ids", departments["hr"]),
            ("department_ids", departments["kommunikation"]),
        ],
    )
    assert response.headers["location"] == "/areas/vso-for-lokaler"
    document = follow(client, response)
    assert document.find("h1").text == "VSO för lokaler"
    assert "Lokalfrågor" in document.text

    area = client.get("/api/v1/areas/vso-for-lokaler").json()
    assert {d["slug"] for d in area["departments"]} == {"hr", "kommunikation"}
    assert area["purpose"] == "Lokalfrågor"
    assert len(client.get("/api/v1/areas").json()) == 7
    assert "Styrgrupp – VSO för lokaler" in document.text, "a new area gets its steering group"
    assert "Dialogarena – VSO för lokaler" in document.text, "and its dialogue arena"


def test_edit_form_shows_the_area_as_it_is(client):
    departments = department_ids(client)
    form = parse(client.get("/areas/styrning/edit").text).find("form", action="/areas/styrning/edit")
    assert form.find("input", name="name").get("value") == "VSO för styrning"
    assert form.find("input", name="slug").get("value") == "styrning"
    assert checked(form, "department_ids") == {departments["hr"], departments["ledningsstod-och-ekonomi"]}


def test_edit_area_through_the_form_renames_it_and_changes_its_departments(client):
    departments = department_ids(client)
    response = post_form(
        client,
        "/areas/styrning/edit",
        [
            ("name", "VSO för styrning och ledning"),
            ("slug", "styrning-och-ledning"),
            ("purpose", "Ny"),
            ("department_ids", departments["hr"]),
            ("department_ids", departments["biblioteket"]),
        ],
    )
    assert response.headers["location"] == "/areas/styrning-och-ledning"
    document = follow(client, response)
    assert document.find("h1").text == "VSO för styrning och ledning"
    assert client.get("/areas/styrning").status_code == 404

    area = client.get("/api/v1/areas/styrning-och-ledning").json()
    assert {d["slug"] for d in area["departments"]} == {"hr", "biblioteket"}
    library = client.get("/api/v1/departments/biblioteket").json()
    assert "styrning-och-ledning" in {a["slug"] for a in library["areas"]}
    economy = client.get("/api/v1/departments/ledningsstod-och-ekonomi").json()
    assert "styrning-och-ledning" not in {a["slug"] for a in economy["areas"]}


def test_area_form_without_any_department_ticked_empties_the_area(client):
    response = post_form(client, "/areas/styrning/edit", {"name": "VSO för styrning", "slug": "styrning"})
    follow(client, response)
    assert client.get("/api/v1/areas/styrning").json()["departments"] == []
    assert len(client.get("/api/v1/departments").json()) == 8, "the departments stay"


def test_delete_area_through_the_form(client):
    confirm = client.get("/areas/styrning/delete")
    assert confirm.status_code == 200
    assert "VSO för styrning" in parse(confirm.text).find("h1").text

    document = follow(client, post_form(client, "/areas/styrning/delete", {}))
    assert "VSO för styrning" not in {card.find("h2").text for card in document.find_all("li", class_="card")}
    assert client.get("/api/v1/areas/styrning").status_code == 404
    assert client.get("/areas/styrning").status_code == 404
    hr = client.get("/api/v1/departments/hr").json()
    assert hr["areas"] == [], "HR belonged only to the deleted area; the department itself stays"


# ---------------------------------------------------------------- departments


def test_create_department_through_the_form(client):
    areas = area_ids(client)
    response = post_form(
        client,
        "/departments/new",
        [
            ("name", "Avd. för juridik"),
            ("short_name", "Juridik"),
            ("slug", "juridik"),
            ("description", ""),
            ("area_ids", areas["styrning"]),
        ],
    )
    assert response.headers["location"] == "/departments/juridik"
    document = follow(client, response)
    assert document.find("h1").text == "Avd. för juridik"
    department = client.get("/api/v1/departments/juridik").json()
    assert department["short_name"] == "Juridik"
    assert [a["slug"] for a in department["areas"]] == ["styrning"]
    area = client.get("/api/v1/areas/styrning").json()
    assert "juridik" in {d["slug"] for d in area["departments"]}


def test_edit_department_through_the_form_moves_it_between_areas(client):
    areas = area_ids(client)
    form = parse(client.get("/departments/biblioteket/edit").text).find("form", action="/departments/biblioteket/edit")
    assert checked(form, "area_ids") == {areas["utbildning"], areas["forskning-och-forskarutbildning"]}

    response = post_form(
        client,
        "/departments/biblioteket/edit",
        [
            ("name", "Avd. för biblioteket"),
            ("short_name", "UB"),
            ("slug", "biblioteket"),
            ("description", "Böcker"),
            ("area_ids", areas["utbildning"]),
            ("area_ids", areas["kommunikation"]),
        ],
    )
    assert response.headers["location"] == "/departments/biblioteket"
    document = follow(client, response)
    assert {a.text for a in document.find("section", aria_labelledby="areas-heading").find_all("a")} == {
        "VSO för utbildning",
        "VSO för kommunikation",
    }
    research = parse(client.get("/areas/forskning-och-forskarutbildning").text)
    assert "Avd. för biblioteket" not in research.find("section", aria_labelledby="departments-heading").text
    communication = client.get("/api/v1/areas/kommunikation").json()
    assert "biblioteket" in {d["slug"] for d in communication["departments"]}
    assert client.get("/api/v1/departments/biblioteket").json()["short_name"] == "UB"


def test_delete_department_through_the_form(client):
    confirm = client.get("/departments/biblioteket/delete")
    assert confirm.status_code == 200
    document = follow(client, post_form(client, "/departments/biblioteket/delete", {}))
    assert "Avd. för biblioteket" not in document.text
    assert client.get("/api/v1/departments/biblioteket").status_code == 404
    assert len(client.get("/api/v1/areas").json()) == 6, "the areas stay"
    education = client.get("/api/v1/areas/utbildning").json()
    assert "biblioteket" not in {d["slug"] for d in education["departments"]}


# ---------------------------------------------------------------- wrong input


@dataclass(frozen=True)
class Form:
    """One admin form and a valid submission for it."""

    url: str
    valid: tuple[tuple[str, str], ...]
    memberships: str
    reference: str
    taken_name: str
    taken_slug: str

    def submission(self, client, field: str, value: str) -> list[tuple[str, str]]:
        fields = [(name, typed) for name, typed in self.valid if name != field]
        if field != self.memberships:
            other = (
                department_ids(client)["kommunikation"]
                if self.memberships == "department_ids"
                else area_ids(client)["kommunikation"]
            )
            fields.append((self.memberships, str(other)))
        return [*fields, (field, value)]


FORMS = {
    "new area": Form(
        url="/areas/new",
        valid=(("name", "VSO för lokaler"), ("slug", "lokaler"), ("purpose", "Lokalfrågor")),
        memberships="department_ids",
        reference="responsible_head_id",
        taken_name="VSO för utbildning",
        taken_slug="utbildning",
    ),
    "edit area": Form(
        url="/areas/styrning/edit",
        valid=(("name", "VSO för styrning och ledning"), ("slug", "ledning"), ("purpose", "Ändrad")),
        memberships="department_ids",
        reference="responsible_head_id",
        taken_name="VSO för utbildning",
        taken_slug="utbildning",
    ),
    "new department": Form(
        url="/departments/new",
        valid=(("name", "Avd. för juridik"), ("short_name", "Juridik"), ("slug", "juridik")),
        memberships="area_ids",
        reference="head_id",
        taken_name="Avd. för HR",
        taken_slug="hr",
    ),
    "edit department": Form(
        url="/departments/hr/edit",
        valid=(("name", "Avd. för personal"), ("short_name", "Personal"), ("slug", "personal")),
        memberships="area_ids",
        reference="head_id",
        taken_name="Avd. för biblioteket",
        taken_slug="biblioteket",
    ),
}

# What is typed wrong: (field, value); "{…}" is filled in from the form above.
WRONG = {
    "empty name": ("name", "   "),
    "name over 200 characters": ("name", "Avd. " + "x" * 196),
    "invalid URL name": ("slug", "Not A Slug!"),
    "URL name the pages use": ("slug", "new"),
    "name in use": ("name", "{taken_name}"),
    "URL name in use": ("slug", "{taken_slug}"),
    "nonexistent membership": ("{memberships}", "999999"),
    "non-numeric membership": ("{memberships}", "abc"),
    "membership id beyond any database": ("{memberships}", "99999999999999999999"),
    "nonexistent person": ("{reference}", "999999"),
    "non-numeric person": ("{reference}", "1 OR 1=1"),
}


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("case", WRONG)
def test_wrong_input_is_named_kept_and_changes_nothing(client, form_name, case):
    form = FORMS[form_name]
    field, value = (part.format(**form.__dict__) for part in WRONG[case])
    submission = form.submission(client, field, value)
    before = register(client)

    response = post_form(client, form.url, submission)

    assert response.status_code == 422
    document = parse(response.text)
    summary = document.find("div", class_="error-summary")
    assert [a.get("href") for a in summary.find_all("a")] == [f"#field-{field}"]
    assert document.find(id=f"field-{field}"), "the summary links to the field"
    again = document.find("form", action=form.url)
    for name, typed in submission:
        if name in {"name", "short_name", "slug"}:
            assert again.find("input", name=name).get("value") == typed, f"{name} is kept as typed"
        elif name in {"purpose", "description"}:
            assert again.find("textarea", name=name).text == typed
    if field in {"name", "slug"}:
        assert again.find("input", name=field).get("aria-invalid") == "true"
    assert register(client) == before


def test_a_valid_membership_stays_ticked_when_another_field_is_wrong(client):
    departments = department_ids(client)
    response = post_form(
        client,
        "/areas/new",
        [("name", ""), ("department_ids", departments["hr"]), ("department_ids", departments["biblioteket"])],
    )
    assert response.status_code == 422
    assert checked(parse(response.text).find("form", action="/areas/new"), "department_ids") == {
        departments["hr"],
        departments["biblioteket"],
    }


def test_every_wrong_field_is_named_at_once(client):
    response = post_form(client, "/areas/new", {"name": "", "slug": "Not A Slug!", "department_ids": "abc"})
    assert response.status_code == 422
    links = {a.get("href") for a in parse(response.text).find("div", class_="error-summary").find_all("a")}
    assert {"#field-name", "#field-slug"} <= links


def test_refused_edit_still_posts_to_the_entry_being_edited(client):
    response = post_form(client, "/areas/styrning/edit", {"name": "VSO för styrning", "slug": "Not A Slug!"})
    assert response.status_code == 422
    assert parse(response.text).find("form", action="/areas/styrning/edit")
    assert client.get("/api/v1/areas/styrning").status_code == 200


def test_name_without_letters_or_digits_asks_for_a_url_name(client):
    before = register(client)
    response = post_form(client, "/departments/new", {"name": "???", "slug": ""})
    assert response.status_code == 422
    assert [a.get("href") for a in parse(response.text).find("div", class_="error-summary").find_all("a")] == [
        "#field-slug"
    ]
    assert register(client) == before


def test_forms_for_unknown_entries_are_404(client):
    assert client.get("/areas/no-such-area/edit").status_code == 404
    assert post_form(client, "/areas/no-such-area/edit", {"name": "x"}).status_code == 404
    assert post_form(client, "/departments/no-such-department/delete", {}).status_code == 404


# ---------------------------------------------------------------- CSRF


@contextmanager
def as_a_forged_form(client) -> Iterator[None]:
    """Requests the way another site's form would send them: with the reader's cookies (CSRF cookie and
    session included), but without the token, which that site cannot read. (The test client otherwise
    adds the token header to every write, the way htmx does.)"""
    hooks = client.event_hooks
    client.event_hooks = {"request": [], "response": hooks["response"]}
    try:
        yield
    finally:
        client.event_hooks = hooks


@pytest.mark.parametrize(
    "url, data",
    [
        ("/areas/new", {"name": "VSO för lokaler"}),
        ("/areas/styrning/edit", {"name": "Kapad", "slug": "kapad"}),
        ("/areas/styrning/delete", {}),
        ("/departments/new", {"name": "Avd. för juridik"}),
        ("/departments/hr/edit", {"name": "Kapad", "slug": "kapad"}),
        ("/departments/hr/delete", {}),
    ],
)
def test_post_without_the_csrf_token_is_refused_and_changes_nothing(client, url, data):
    assert client.cookies.get("registry_csrf"), "the reader has the CSRF cookie"
    before = register(client)
    with as_a_forged_form(client):
        response = client.post(url, data=data)
    assert response.status_code == 403
    assert "Traceback" not in response.text
    assert register(client) == before


def test_post_with_a_wrong_csrf_token_is_refused(client):
    before = register(client)
    with as_a_forged_form(client):
        in_the_form = client.post("/areas/styrning/delete", data={"_csrf_token": "0" * 64})
        in_the_header = client.post("/areas/styrning/delete", headers={"x-csrftoken": "0" * 64})
    assert in_the_form.status_code == 403
    assert in_the_header.status_code == 403
    assert register(client) == before


def test_api_write_without_the_csrf_token_is_refused(client):
    before = register(client)
    with as_a_forged_form(client):
        response = client.delete("/api/v1/areas/styrning")
    assert response.status_code == 403
    assert register(client) == before


def test_named_steering_group_members_are_appointed_and_removed_on_the_area_page(client):
    import re

    page = client.get("/areas/styrning").text
    person_id = re.search(r'<option value="(\d+)">Nils Läsare', page).group(1)
    added = client.post("/areas/styrning/steering-members", data={"person_id": person_id, "role": "secretary"})
    assert added.status_code == 303
    page = client.get("/areas/styrning").text
    assert "Nils Läsare" in page.split('id="steering-heading"')[1].split('id="arena-heading"')[0]
    twice = client.post("/areas/styrning/steering-members", data={"person_id": person_id, "role": "member"})
    assert twice.status_code == 422
    member_id = re.search(r"/areas/styrning/steering-members/(\d+)/delete", page).group(1)
    assert client.post(f"/areas/styrning/steering-members/{member_id}/delete").status_code == 303
    assert f"/steering-members/{member_id}/delete" not in client.get("/areas/styrning").text


def test_institutions_are_created_edited_and_deleted(client):
    created = client.post("/institutions/new", data={"name": "Institutionen för kemi", "short_name": "Kemi"})
    assert created.status_code == 303 and created.headers["location"] == "/institutions/institutionen-for-kemi"
    assert "Institutionen för kemi" in client.get("/institutions").text
    bad = client.post("/institutions/new", data={"name": "Institutionen för kemi"})
    assert bad.status_code == 422 and 'href="#field-name"' in bad.text
    assert client.post("/institutions/institutionen-for-kemi/delete").status_code == 303
    assert client.get("/institutions/institutionen-for-kemi").status_code == 404


def test_institutions_take_part_in_a_dialogue_arena(client):
    import re

    client.post("/institutions/new", data={"name": "Institutionen för kemi"})
    page = client.get("/areas/utbildning").text
    institution_id = re.search(r'<option value="(\d+)">Institutionen för kemi', page).group(1)
    added = client.post(
        "/areas/utbildning/arena-participants", data={"institution_id": institution_id, "role": "studierektor"}
    )
    assert added.status_code == 303
    page = client.get("/areas/utbildning").text
    arena = page.split('id="arena-heading"')[1]
    assert "Institutionen för kemi" in arena and "studierektor" in arena
    assert client.post("/areas/utbildning/arena-participants", data={"institution_id": "999999"}).status_code == 422
    participant = re.search(r"/areas/utbildning/arena-participants/(\d+)/delete", page).group(1)
    assert client.post(f"/areas/utbildning/arena-participants/{participant}/delete").status_code == 303
    assert "studierektor" not in client.get("/areas/utbildning").text
