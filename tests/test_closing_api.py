"""The JSON API for notifications, following needs and the follow-up figures, in the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select

from registry.db import models as m
from tests.database import insert_need, scalar

EN = {"Accept-Language": "en"}


def _area(url, slug="infrastruktur"):
    return scalar(url, select(m.SupportArea.id).where(m.SupportArea.slug == slug))


def _routed_intake(viewer, coordinator, url) -> int:
    response = viewer.post("/intake", data={"raised_by_name": "Lars", "title": "Bättre kaffe", "description": "Kallt."})
    need = int(response.headers["location"].split("sent=")[1])
    moved = coordinator.post(
        f"/needs/{need}/field", data={"field": "owning_area_id", "owning_area_id": str(_area(url))}
    )
    assert moved.status_code == 303
    return need


def test_notifications_list_and_mark_read(client_as, anonymous_client, database_url):
    viewer, coordinator = client_as("viewer"), client_as("coordinator")
    need = _routed_intake(viewer, coordinator, database_url)
    listed = viewer.get("/api/v1/notifications", headers=EN).json()
    assert listed["unread"] == 1
    (item,) = listed["items"]
    assert item["kind"] == "routed" and item["need_id"] == need and not item["read"]
    assert item["text"] == f"#{need} Bättre kaffe was routed to VSO för infrastruktur."
    # Someone else cannot mark it read; its owner can.
    assert coordinator.post("/api/v1/notifications/read", json={"ids": [item["id"]]}).json() == {"marked": 0}
    assert viewer.post("/api/v1/notifications/read", json={"ids": [item["id"]]}).json() == {"marked": 1}
    assert viewer.get("/api/v1/notifications?unread=true").json() == {"items": [], "unread": 0}
    wrong = viewer.post("/api/v1/notifications/read", json={"ids": "all"})
    assert wrong.status_code == 400 and "ids" in wrong.text
    assert anonymous_client.get("/api/v1/notifications", headers={"Accept": "application/json"}).status_code == 401


def test_follow_and_unfollow_a_need(client_as, database_url):
    need = scalar(database_url, insert_need(_area(database_url), "Wifi i aulan"))
    viewer = client_as("viewer")
    assert viewer.get(f"/api/v1/needs/{need}/follow").json() == {"need_id": need, "following": False}
    assert viewer.put(f"/api/v1/needs/{need}/follow").json() == {"need_id": need, "following": True}
    assert viewer.get(f"/api/v1/needs/{need}/follow").json()["following"] is True
    assert viewer.delete(f"/api/v1/needs/{need}/follow").status_code == 204
    assert viewer.get(f"/api/v1/needs/{need}/follow").json()["following"] is False
    assert viewer.put("/api/v1/needs/999999/follow").status_code == 404


def test_follow_up_figures(client_as, database_url):
    ids = [
        scalar(database_url, insert_need(_area(database_url), title, state))
        for title, state in (("Ett", "submitted"), ("Två", "submitted"), ("Tre", "ready"))
    ]
    viewer = client_as("viewer")
    # "Tre" is bounced to another area and back: moved twice, as the change log tells.
    admin = client_as("admin")
    for slug in ("utbildning", "infrastruktur"):
        moved = admin.post(
            f"/needs/{ids[2]}/field", data={"field": "owning_area_id", "owning_area_id": str(_area(database_url, slug))}
        )
        assert moved.status_code == 303
    figures = viewer.get("/api/v1/follow-up").json()
    cells = {(c["row"], c["column"]): c["value"] for c in figures["by_state_and_area"]}
    assert cells == {("submitted", "VSO för infrastruktur"): 2, ("ready", "VSO för infrastruktur"): 1}
    assert [lt["milestone"] for lt in figures["lead_times"]] == ["recommendation", "decision", "done"]
    assert {s["value"]: s["needs"] for s in figures["moves"]} == {"0": 2, "1": 0, "2": 1, "3+": 0}
    assert figures["disagreement"] == {"shared": 0, "split": 0, "share": 0.0, "pairs": []}
    other = viewer.get(f"/api/v1/follow-up?area={_area(database_url, 'utbildning')}").json()
    assert other["by_state_and_area"] == []
    wrong = viewer.get("/api/v1/follow-up?from=yesterday")
    assert wrong.status_code == 400 and "from" in wrong.text


def test_the_openapi_document_describes_them(client):
    document = client.get("/schema/openapi.json").json()
    operations = {
        (path, method): operation["operationId"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {
        ("/api/v1/notifications", "get"): "listNotifications",
        ("/api/v1/notifications/read", "post"): "markNotificationsRead",
        ("/api/v1/needs/{need_id}/follow", "put"): "followNeed",
        ("/api/v1/needs/{need_id}/follow", "delete"): "unfollowNeed",
        ("/api/v1/follow-up", "get"): "getFollowUpFigures",
    }.items() <= operations.items()
    schemas = document["components"]["schemas"]
    assert {"NotificationListOut", "MarkReadIn", "FollowOut", "FiguresOut"} <= set(schemas)
