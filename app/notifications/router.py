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
from app.core.examples import path_example, request_example, response_example
from app.core.pagination import Page, PageParamsDep
from app.core.parts import SettingsDep
from app.integrations.parts import BrokerDep
from app.notifications import service
from app.notifications.deeplinks import LinkRules
from app.notifications.examples import (
    ANNOUNCEMENT_ID,
    ANNOUNCEMENT_IN,
    ANNOUNCEMENT_PREVIEW,
    ANNOUNCEMENT_SENT,
    ARCHIVE_NOTIFICATION_OUT,
    CREATE_STREAM_TICKET_OUT,
    DEVICE_IN,
    FOLLOW_OUT,
    GET_NOTIFICATION_PREFERENCES_OUT,
    GET_UNREAD_COUNT_OUT,
    LIST_NOTIFICATIONS_OUT,
    MARK_ALL_NOTIFICATIONS_READ_OUT,
    MARK_NOTIFICATION_READ_OUT,
    MARK_NOTIFICATION_SEEN_OUT,
    PREFERENCES_IN,
    PUSH_CONSENT_IN,
    REGISTER_DEVICE_OUT,
    SET_PUSH_CONSENT_OUT,
    STREAM_NOTIFICATIONS_EVENT_STREAM,
    UPDATE_NOTIFICATION_PREFERENCES_OUT,
)
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
    responses={
        **problem_responses(400, 401, 404, 422),
        **response_example(200, LIST_NOTIFICATIONS_OUT),
    },
    summary="List the caller's notifications, newest first.",
)
async def list_notifications(
    caller: CallerDep,
    session: SessionDep,
    page: PageParamsDep,
    profile_id: ProfileFilter = None,
    status: Status | None = None,
) -> Page[NotificationOut]:
    """Lists the inbox in cursor pages, newest first: messages due by now (a later one waits for
    its time), optionally of one `status`.

    **Who may call:** any signed-in caller: an explorer reads its own inbox; a parent, teacher,
    editor or admin the family's, or one child's with `profile_id`. Anonymous callers are
    refused (401).

    **Rules:** `profile_id` must be an explorer of the caller's family (404 otherwise; an
    explorer may name only itself); a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.list_inbox(
        session, caller, profile_id, status.value if status else None, page.limit, page.cursor
    )


@router.get(
    "/notifications/unread-count",
    response_model=UnreadCount,
    responses={
        **problem_responses(401, 404),
        **response_example(200, GET_UNREAD_COUNT_OUT),
    },
    summary="Count the caller's unread notifications.",
)
async def get_unread_count(
    caller: CallerDep, session: SessionDep, profile_id: ProfileFilter = None
) -> UnreadCount:
    """Counts the unread messages due by now: the badge on the bell.

    **Who may call:** any signed-in caller (an explorer its own, a grown-up the family's or one
    child's with `profile_id`); anonymous callers are refused (401).

    **Rules:** `profile_id` must be an explorer of the caller's family (404 otherwise).

    **Retries:** a read; repeating it changes nothing.
    """
    return UnreadCount(unread=await service.unread_count(session, caller, profile_id))


@router.post(
    "/notifications/read-all",
    response_model=ReadAllOut,
    responses={
        **problem_responses(401, 404),
        **response_example(200, MARK_ALL_NOTIFICATIONS_READ_OUT),
    },
    summary="Mark every unread notification read.",
)
async def mark_all_notifications_read(
    caller: CallerDep, session: SessionDep, profile_id: ProfileFilter = None
) -> ReadAllOut:
    """Marks every unread message of the inbox (or of one child's with `profile_id`) read and
    answers how many changed; every open stream of the family hears a `read_all` event.

    **Who may call:** any signed-in caller (an explorer its own inbox, a grown-up the family's);
    anonymous callers are refused (401).

    **Rules:** `profile_id` must be an explorer of the caller's family (404 otherwise).

    **Retries:** idempotent: a repeat finds nothing unread and answers `updated: 0`.
    """
    return ReadAllOut(updated=await service.read_all(session, caller, profile_id))


MARK_ERRORS = problem_responses(401, 404, 422)


@router.post(
    "/notifications/{notification_id}/read",
    name="mark_notification_read",
    response_model=NotificationOut,
    responses={
        **MARK_ERRORS,
        **response_example(200, MARK_NOTIFICATION_READ_OUT),
    },
    summary="Mark a notification as read (and seen).",
)
async def mark_notification_read(
    notification_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> NotificationOut:
    """Marks the message read (and seen, if it was not) and answers it; the first time, every open
    stream of the family hears a `read` event, so the other devices update too.

    **Who may call:** any signed-in caller, on a message of its own inbox: an explorer its own,
    a parent, teacher, editor or admin any of the family's. Anonymous callers are refused (401).

    **Rules:** a message outside the caller's inbox is a 404.

    **Retries:** idempotent: marking it again keeps the first time it was read and sends no
    second event.
    """
    return await service.mark(session, caller, notification_id, "read_at")


@router.post(
    "/notifications/{notification_id}/seen",
    name="mark_notification_seen",
    response_model=NotificationOut,
    responses={
        **MARK_ERRORS,
        **response_example(200, MARK_NOTIFICATION_SEEN_OUT),
    },
    summary="Mark a notification as seen (shown, not yet opened).",
)
async def mark_notification_seen(
    notification_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> NotificationOut:
    """Marks the message seen (the list showed it) and answers it; the first time, every open
    stream of the family hears a `seen` event.

    **Who may call:** any signed-in caller, on a message of its own inbox: an explorer its own,
    a parent, teacher, editor or admin any of the family's. Anonymous callers are refused (401).

    **Rules:** a message outside the caller's inbox is a 404.

    **Retries:** idempotent: marking it again keeps the first time it was seen and sends no
    second event.
    """
    return await service.mark(session, caller, notification_id, "seen_at")


@router.post(
    "/notifications/{notification_id}/archive",
    name="archive_notification",
    response_model=NotificationOut,
    responses={
        **MARK_ERRORS,
        **response_example(200, ARCHIVE_NOTIFICATION_OUT),
    },
    summary="Archive a notification: it leaves the inbox's default list.",
)
async def archive_notification(
    notification_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> NotificationOut:
    """Archives the message and answers it; the first time, every open stream of the family hears
    an `archived` event.

    **Who may call:** any signed-in caller, on a message of its own inbox: an explorer its own,
    a parent, teacher, editor or admin any of the family's. Anonymous callers are refused (401).

    **Rules:** a message outside the caller's inbox is a 404.

    **Retries:** idempotent: archiving it again keeps the first time and sends no second event.
    """
    return await service.mark(session, caller, notification_id, "archived_at")


@router.post(
    "/notifications/stream-ticket",
    response_model=TicketOut,
    responses={
        **problem_responses(401),
        **response_example(200, CREATE_STREAM_TICKET_OUT),
    },
    summary="Get a single-use, 60-second ticket for EventSource, which cannot send headers.",
)
async def create_stream_ticket(caller: CallerDep, session: SessionDep) -> TicketOut:
    """Issues a ticket that opens `GET /notifications/stream?ticket=...` once, within 60 seconds,
    as the caller (browsers' EventSource cannot send the Authorization header).

    **Who may call:** any signed-in caller, an explorer included; anonymous callers are refused
    (401).

    **Rules:** the ticket stands for the caller's sign-in: signing out or any revocation before
    it is used makes it refused (401 `invalid_token`).

    **Retries:** not idempotent: each request issues another ticket (an unused one expires by
    itself).
    """
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
        200: {
            **STREAM_RESPONSE,
            "content": {
                "text/event-stream": {
                    **STREAM_RESPONSE["content"]["text/event-stream"],
                    "example": STREAM_NOTIFICATIONS_EVENT_STREAM,
                }
            },
        },
        **problem_responses(400, 401),
    },
    summary="Follow new notifications and read-state changes live (server-sent events).",
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
    """Opens a `text/event-stream` of the caller's inbox: new messages and every change of read,
    seen or archived state made on any device, with a heartbeat comment while idle. The stream
    ends after `STREAM_MAX_SECONDS` (reconnect with `Last-Event-ID`), at shutdown and when the
    sign-in is revoked, each with a final event saying why.

    **Who may call:** any signed-in caller, an explorer included, with the bearer token or a
    stream ticket (`?ticket=` from `POST /notifications/stream-ticket`); anonymous callers are
    refused (401).

    **Rules:** a ticket is used once, within 60 seconds (401 `invalid_ticket`); `Last-Event-ID`
    is an event id of this stream in digits (400 `invalid_event_id`), and the events after it
    are sent first.

    **Retries:** a read: reconnecting with `Last-Event-ID` resumes without losing or repeating
    an event.
    """
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
    responses={
        **problem_responses(401, 403, 404, 422),
        **response_example(200, REGISTER_DEVICE_OUT),
    },
    summary="Register this device's push token.",
    openapi_extra=request_example(DEVICE_IN),
)
async def register_device(body: DeviceIn, caller: CallerDep, session: SessionDep) -> DeviceOut:
    """Registers the push token of this phone or tablet, for the family's messages or, with
    `profile_id`, one explorer's.

    **Who may call:** any signed-in caller: an explorer registers for itself only (another
    `profile_id` is a 404); a parent for the family or one of its explorers. Anonymous callers
    are refused (401).

    **Rules:** a parent must have allowed push notifications first (403 `push_consent_required`,
    `POST /accounts/me/push-consent`); `profile_id` must be an explorer of the family (404).

    **Retries:** idempotent: the same token again updates the same device (its id is kept).
    """
    return await service.register_device(session, caller, body)


@router.delete(
    "/devices/{device_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
    summary="Forget a device: it gets no more pushes.",
)
async def delete_device(device_id: uuid.UUID, caller: CallerDep, session: SessionDep) -> None:
    """Deletes the device's push token (on sign-out, or when the app's token changes).

    **Who may call:** any signed-in caller on a device of its family: an explorer only its own
    devices. Anonymous callers are refused (401).

    **Rules:** another family's (or, for an explorer, another explorer's) device is a 404.

    **Retries:** a repeat after success is a 404 and deletes nothing more.
    """
    await service.remove_device(session, caller, device_id)


@router.post(
    "/accounts/me/push-consent",
    response_model=PushConsentOut,
    responses={
        **problem_responses(401, 403, 422),
        **response_example(200, SET_PUSH_CONSENT_OUT),
    },
    summary="Allow push notifications, or stop them (every device is forgotten).",
    openapi_extra=request_example(PUSH_CONSENT_IN),
)
async def set_push_consent(
    body: PushConsentIn, principal: CurrentPrincipal, session: SessionDep
) -> PushConsentOut:
    """Records the parent's choice: `granted: true` allows devices to register for pushes; `false`
    withdraws it and forgets every push token of the family at once (answered as
    `devices_removed`).

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin) for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** none beyond the schema.

    **Retries:** idempotent: the same choice again keeps the first `granted_at` (and removes no
    device the second time).
    """
    granted_at, removed = await service.set_push_consent(
        session, principal.account_id, body.granted
    )
    return PushConsentOut(granted=body.granted, granted_at=granted_at, devices_removed=removed)


# --- preferences and follows -----------------------------------------------------------------


@router.get(
    "/profiles/{profile_id}/notification-preferences",
    response_model=PreferencesOut,
    responses={
        **problem_responses(401, 404),
        **response_example(200, GET_NOTIFICATION_PREFERENCES_OUT),
    },
    summary="Read what an explorer is sent, how, and when.",
)
async def get_notification_preferences(profile: ProfileDep, session: SessionDep) -> PreferencesOut:
    """Answers the explorer's notification preferences: per category the channels (inbox, push),
    quiet hours, reminder days and time, and whether the nickname shows on the lock screen; the
    defaults until a parent sets them.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.preferences(session, profile.id)


@router.put(
    "/profiles/{profile_id}/notification-preferences",
    response_model=PreferencesOut,
    responses={
        **problem_responses(401, 403, 404, 422),
        **response_example(200, UPDATE_NOTIFICATION_PREFERENCES_OUT),
    },
    summary="Set what an explorer is sent, how, and when.",
    openapi_extra=request_example(PREFERENCES_IN),
)
async def update_notification_preferences(
    body: PreferencesIn, profile: ParentProfileDep, session: SessionDep
) -> PreferencesOut:
    """Replaces the explorer's preferences with the body (a category left out gets its default
    channels) and answers them.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** quiet hours and reminder times are local times of the family's time zone.

    **Retries:** idempotent: a PUT of the same body leaves the same preferences.
    """
    return await service.put_preferences(session, profile.account_id, profile.id, body)


@router.put(
    "/profiles/{profile_id}/follows/{kind}/{target_id}",
    response_model=FollowOut,
    responses={
        **problem_responses(401, 404, 422),
        **response_example(200, FOLLOW_OUT),
    },
    summary="Follow a theme or series: hear when something new is added to it.",
)
async def follow(
    kind: FollowKind, target_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> FollowOut:
    """Makes the explorer a follower of the theme or series: announcements to its followers, and
    news of what is published in it, reach this explorer.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the theme or series must exist (404 otherwise).

    **Retries:** idempotent: following again keeps the first `followed_at`.
    """
    return await service.follow(session, profile.account_id, profile.id, kind, target_id)


@router.delete(
    "/profiles/{profile_id}/follows/{kind}/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 404, 422),
    summary="Stop following a theme or series.",
)
async def unfollow(
    kind: FollowKind, target_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> None:
    """Ends the explorer's follow of the theme or series.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** idempotent: unfollowing what is not followed is a 204 too.
    """
    await service.unfollow(session, profile.id, kind, target_id)


# --- announcements ---------------------------------------------------------------------------


@router.post(
    "/admin/announcements",
    response_model=AnnouncementOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": AnnouncementOut,
            "description": "A preview",
            "content": {"application/json": {"example": ANNOUNCEMENT_PREVIEW}},
        },
        **problem_responses(401, 403, 422),
        **response_example(201, ANNOUNCEMENT_SENT),
    },
    summary="Announce to every family, or to followers of a theme or series, now or later.",
    openapi_extra=request_example(ANNOUNCEMENT_IN),
)
async def admin_create_announcement(
    body: AnnouncementIn,
    principal: EditorPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> AnnouncementOut:
    """Creates an announcement to its audience (every family, or followers of a theme or series) at
    `send_at` or now, delivered to each inbox and, where allowed, by push; with `preview: true`
    it only answers who it would reach (200, nothing stored or sent).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `link` is a link into the app (`wonderspaced://...` or under APP_LINK_BASE) or an
    https address on a host of ANNOUNCEMENT_LINK_HOSTS (422); a target must exist (422). Each
    family's quiet hours and preferences apply to the push.

    **Retries:** not idempotent: each request (not a preview) is another announcement.
    """
    links = LinkRules.of(settings.app_link_base, settings.announcement_link_hosts)
    out = await service.announce(session, principal.account_id, body, links)
    if body.preview:
        response.status_code = status.HTTP_200_OK
    return out


@router.get(
    "/admin/announcements/{announcement_id}",
    response_model=AnnouncementOut,
    responses={**problem_responses(401, 403, 404), **response_example(200, ANNOUNCEMENT_SENT)},
    summary="Read an announcement and how many it has reached so far.",
)
async def admin_get_announcement(
    announcement_id: Annotated[
        uuid.UUID,
        path_example(ANNOUNCEMENT_ID, "The id a created announcement answers (the demo has none)"),
    ],
    principal: EditorPrincipal,
    session: SessionDep,
) -> AnnouncementOut:
    """Answers the announcement with its status (scheduled, sending, sent), its audience's size and
    how many inboxes it has reached.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404 (the demo sends no announcement, so the example's id
    answers 404 until one is created).

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.get_announcement(session, announcement_id)
