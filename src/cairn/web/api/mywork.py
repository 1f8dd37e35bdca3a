"""My work and my notifications over the API: the JSON twins of /mine and /inbox,
and what `cairn mine` reads in remote mode."""

from __future__ import annotations

from typing import Any

from cairn.services.mywork import my_work
from cairn.services.notifications import inbox, mark_read
from cairn.web.api.reads import ActionItemRead, OwedRead, ReadModel
from cairn.web.api.schemas import Id, api_router
from cairn.web.auth import ApiContextDep

router = api_router(tags=["my work"])


class ReviewWaitingRead(ReadModel):
    key: str
    title: str
    severity: str


class MyIncidentRead(ReadModel):
    key: str
    title: str
    severity: str
    status: str
    roles: list[str]


class MyWorkRead(ReadModel):
    user: str
    reviews: list[ReviewWaitingRead]
    postmortems_owed: list[OwedRead]
    action_items: list[ActionItemRead]
    incidents: list[MyIncidentRead]


class NotificationRead(ReadModel):
    id: int
    kind: str
    text: str
    link: str | None
    at: str
    read: bool


class NotificationList(ReadModel):
    total: int
    unread: int
    items: list[NotificationRead]


class MarkedRead(ReadModel):
    marked: int


def _notifications(ctx) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    items = [{"id": n.id, "kind": n.kind, "text": n.text, "link": n.link, "at": n.at.isoformat(), "read": n.read} for n in inbox(ctx)]
    return {"total": len(items), "unread": sum(1 for n in items if not n["read"]), "items": items}


@router.get("/mine", name="api_my_work", response_model=MyWorkRead)
def mine(ctx: ApiContextDep) -> dict[str, Any]:
    """Reviews waiting for me, postmortems I owe, my open action items and the open incidents I am in."""
    return my_work(ctx).to_data()


@router.get("/notifications", name="api_notifications", response_model=NotificationList)
def notifications(ctx: ApiContextDep) -> dict[str, Any]:
    """My notifications, newest first (at most 200), only of incidents I may see now."""
    return _notifications(ctx)


@router.post("/notifications/read", name="api_notifications_read_all", response_model=MarkedRead)
def read_all(ctx: ApiContextDep) -> dict[str, Any]:
    return {"marked": mark_read(ctx)}


@router.post("/notifications/{notification_id}/read", name="api_notification_read", response_model=MarkedRead)
def read_one(notification_id: Id, ctx: ApiContextDep) -> dict[str, Any]:
    """Mark one of mine read (another's is left alone: `marked` is 0)."""
    return {"marked": mark_read(ctx, notification_id)}
