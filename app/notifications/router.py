"""Notifications: the inbox, the live stream, devices, push consent, preferences, follows
and admin announcements."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response, status
from fastapi.security import APIKeyQuery

from app.auth.deps import (
    Caller,
    CallerDep,
    CurrentPrincipal,
    EditorPrincipal,
    OptionalCaller,
    RevocationsDep,
)
from app.core.db import DatabaseDep, SessionDep
from app.core.errors import BadRequest, Unauthorized, problem_responses
from app.core.pagination import Page, PageParamsDep
from app.core.parts import SettingsDep
from app.integrations.parts import BrokerDep
from app.notifications import service
from app.notifications.deeplinks import LinkRules
from app.notifications.schemas import (
    STREAM_RESPONSE,
    AnnouncementIn,
    AnnouncementOut,
    DeviceIn,
    DeviceOut,
    FollowKind,
    FollowOut,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    PushConsentIn,
    PushConsentOut,
    ReadAllOut,
    Status,
    TicketOut,
    UnreadCount,
)
from app.notifications.stream import StreamResponse, StreamSpec, events
from app.profiles.scope import ParentProfileDep, ProfileDep

router = APIRouter(tags=["notifications"])

ProfileFilter = Annotated[
    uuid.UUID | None, Query(description="One explorer's inbox (a parent may pick any child)")
]


@router.get(
    "/notifications",
    response_model=Page[NotificationOut],
    responses=problem_responses(400, 401, 404, 422),
)
async def list_notifications(
    caller: CallerDep,
    session: SessionDep,
    page: PageParamsDep,
    profile_id: ProfileFilter = None,
    status: Status | None = None,
) -> Page[NotificationOut]:
    return await service.list_inbox(
        session, caller, profile_id, status.value if status else None, page.limit, page.cursor
    )


@router.get(
    "/notifications/unread-count", response_model=UnreadCount, responses=problem_responses(401, 404)
)
async def get_unread_count(
    caller: CallerDep, session: SessionDep, profile_id: ProfileFilter = None
) -> UnreadCount:
    return UnreadCount(unread=await service.unread_count(session, caller, profile_id))


@router.post(
    "/notifications/read-all", response_model=ReadAllOut, responses=problem_responses(401, 404)
)
async def mark_all_notifications_read(
    caller: CallerDep, session: SessionDep, profile_id: ProfileFilter = None
) -> ReadAllOut:
    return ReadAllOut(updated=await service.read_all(session, caller, profile_id))


def _marker(column: str, summary: str) -> None:
    async def mark(
        notification_id: uuid.UUID, caller: CallerDep, session: SessionDep
    ) -> NotificationOut:
        return await service.mark(session, caller, notification_id, column)

    verb = column.removesuffix("_at").replace("archived", "archive")
    router.add_api_route(
        f"/notifications/{{notification_id}}/{verb}",
        mark,
        methods=["POST"],
        response_model=NotificationOut,
        responses=problem_responses(401, 404, 422),
        summary=summary,
        name={"read_at": "mark_notification_read", "seen_at": "mark_notification_seen"}.get(
            column, "archive_notification"
        ),
    )


_marker("read_at", "Mark as read (seen too)")
_marker("seen_at", "Mark as seen")
_marker("archived_at", "Archive")


@router.post(
    "/notifications/stream-ticket",
    response_model=TicketOut,
    responses=problem_responses(401),
    summary="A single-use, 60-second ticket for EventSource (which cannot send headers)",
)
async def create_stream_ticket(caller: CallerDep, session: SessionDep) -> TicketOut:
    return TicketOut(
        ticket=await service.issue_ticket(session, caller), expires_in=service.TICKET_SECONDS
    )


# EventSource cannot send headers: a single-use ticket in the URL instead of the token.
stream_ticket = APIKeyQuery(
    name="ticket",
    scheme_name="StreamTicket",
    description="From POST /notifications/stream-ticket; used once, within 60 seconds",
    auto_error=False,
)


async def _stream_caller(
    caller: OptionalCaller,
    db: DatabaseDep,
    revocations: RevocationsDep,
    ticket: Annotated[str | None, Depends(stream_ticket)],
) -> Caller:
    """The bearer token when one is sent, else the ticket (what EventSource can send)."""
    if caller is not None:
        return caller
    if ticket is None:
        raise Unauthorized("Sign in to use this.", code="not_authenticated")
    async with db.session() as session:
        return await service.redeem_ticket(session, revocations, ticket)


def _digits(schema: dict[str, Any]) -> None:
    # A header is absent or a string, never `null`: the string branch alone, with its digits.
    (text,) = [s for s in schema.pop("anyOf") if s.get("type") == "string"]
    schema.update(text, pattern="^[0-9]+$")


@router.get(
    "/notifications/stream",
    response_class=StreamResponse,
    responses={
        200: STREAM_RESPONSE,
        **problem_responses(400, 401),
    },
    summary="Live notifications and read-state changes (server-sent events)",
)
async def stream_notifications(
    caller: Annotated[Caller, Depends(_stream_caller)],
    db: DatabaseDep,
    broker: BrokerDep,
    revocations: RevocationsDep,
    settings: SettingsDep,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=20,
            description="The id of the last event received, to resume after it",
            # Stated for clients; checked below, so anything else is a 400 `invalid_event_id`.
            json_schema_extra=_digits,
        ),
    ] = None,
) -> StreamResponse:
    position: int | None = None
    if last_event_id is not None:
        if not (last_event_id.isascii() and last_event_id.isdigit()):
            raise BadRequest(
                "Last-Event-ID is the id of an event of this stream.", code="invalid_event_id"
            )
        position = int(last_event_id)
    spec = StreamSpec(
        max_seconds=settings.stream_max_seconds,
        heartbeat_seconds=settings.stream_heartbeat_seconds,
    )
    return StreamResponse(
        events(db, broker, revocations, caller, position, spec),
        # Heartbeats come from the stream itself (one task less per stream).
        ping=0,
        headers={
            # No proxy or CDN may buffer, store or re-encode (compress) the stream.
            "Cache-Control": "no-cache, no-store, no-transform",
            "Content-Encoding": "identity",
        },
    )


# --- devices and consent ---------------------------------------------------------------------


@router.post(
    "/devices",
    response_model=DeviceOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Register a push token (again: the same device, updated)",
)
async def register_device(body: DeviceIn, caller: CallerDep, session: SessionDep) -> DeviceOut:
    return await service.register_device(session, caller, body)


@router.delete(
    "/devices/{device_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
)
async def delete_device(device_id: uuid.UUID, caller: CallerDep, session: SessionDep) -> None:
    await service.remove_device(session, caller, device_id)


@router.post(
    "/accounts/me/push-consent",
    response_model=PushConsentOut,
    responses=problem_responses(401, 403, 422),
    tags=["privacy"],
    summary="Allow push notifications, or stop them (every device is forgotten)",
)
async def set_push_consent(
    body: PushConsentIn, principal: CurrentPrincipal, session: SessionDep
) -> PushConsentOut:
    granted_at, removed = await service.set_push_consent(
        session, principal.account_id, body.granted
    )
    return PushConsentOut(granted=body.granted, granted_at=granted_at, devices_removed=removed)


# --- preferences and follows -----------------------------------------------------------------


@router.get(
    "/profiles/{profile_id}/notification-preferences",
    response_model=PreferencesOut,
    responses=problem_responses(401, 404),
)
async def get_notification_preferences(profile: ProfileDep, session: SessionDep) -> PreferencesOut:
    return await service.preferences(session, profile.id)


@router.put(
    "/profiles/{profile_id}/notification-preferences",
    response_model=PreferencesOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Parents only: what this explorer is sent, how, and when",
)
async def update_notification_preferences(
    body: PreferencesIn, profile: ParentProfileDep, session: SessionDep
) -> PreferencesOut:
    return await service.put_preferences(session, profile.account_id, profile.id, body)


@router.put(
    "/profiles/{profile_id}/follows/{kind}/{target_id}",
    response_model=FollowOut,
    responses=problem_responses(401, 404, 422),
)
async def follow(
    kind: FollowKind, target_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> FollowOut:
    return await service.follow(session, profile.account_id, profile.id, kind, target_id)


@router.delete(
    "/profiles/{profile_id}/follows/{kind}/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
)
async def unfollow(
    kind: FollowKind, target_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> None:
    await service.unfollow(session, profile.id, kind, target_id)


# --- announcements ---------------------------------------------------------------------------


@router.post(
    "/admin/announcements",
    response_model=AnnouncementOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": AnnouncementOut, "description": "A preview"},
        **problem_responses(401, 403, 422),
    },
    tags=["admin"],
    summary="Announce to every family, or to followers of a theme or series (now or later)",
)
async def admin_create_announcement(
    body: AnnouncementIn,
    principal: EditorPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> AnnouncementOut:
    links = LinkRules.of(settings.app_link_base, settings.announcement_link_hosts)
    out = await service.announce(session, principal.account_id, body, links)
    if body.preview:
        response.status_code = status.HTTP_200_OK
    return out


@router.get(
    "/admin/announcements/{announcement_id}",
    response_model=AnnouncementOut,
    responses=problem_responses(401, 403, 404),
    tags=["admin"],
)
async def admin_get_announcement(
    announcement_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> AnnouncementOut:
    return await service.get_announcement(session, announcement_id)
