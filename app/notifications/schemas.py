from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StringConstraints,
    model_validator,
)

from app.core.contract import ISO_ONLY
from app.limits.schemas import TodayOut
from app.notifications.models import Category
from app.rewards.schemas import LatestBadge


class Status(StrEnum):
    unread = "unread"
    read = "read"
    archived = "archived"


class NotificationOut(BaseModel):
    id: uuid.UUID
    profile_id: uuid.UUID | None
    category: Category
    title: str
    body: str
    link: str
    created_at: datetime
    seen_at: datetime | None
    read_at: datetime | None
    archived_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> NotificationOut:
        return cls.model_validate(dict(row._mapping) if hasattr(row, "_mapping") else row)


class UnreadCount(BaseModel):
    unread: int


class ReadAllOut(BaseModel):
    updated: int


class TicketOut(BaseModel):
    ticket: str
    expires_in: int = Field(description="Seconds; the ticket works once, on the stream route")


class Platform(StrEnum):
    android = "android"
    ios = "ios"
    web = "web"


class DeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Platform
    token: Annotated[
        str, StringConstraints(min_length=8, max_length=512, pattern=r"^[\x21-\x7e]+$")
    ]
    profile_id: uuid.UUID | None = None


class DeviceOut(BaseModel):
    id: uuid.UUID
    platform: Platform
    profile_id: uuid.UUID | None
    created_at: datetime


class PushConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: `"no"` or `0` is not read as a parent's answer either way.
    granted: StrictBool


class PushConsentOut(BaseModel):
    granted: bool
    granted_at: datetime | None = None
    devices_removed: int = 0


class Channels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    in_app: StrictBool
    push: StrictBool
    email: StrictBool = Field(
        default=False, description="By email to the parent (the weekly report only)"
    )


# A local time of day, `HH:MM` or `HH:MM:SS[.ffffff]`, without an offset (refused below).
LOCAL_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


def _local_time(schema: dict[str, Any]) -> None:
    # `format: time` admits an offset; the pattern says what is accepted.
    schema.pop("format", None)
    schema["pattern"] = LOCAL_TIME


LocalTime = Annotated[
    time, Field(description="Local time, e.g. 17:00", json_schema_extra=_local_time)
]


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: time = Field(description="Local time, e.g. 19:30", json_schema_extra=_local_time)
    end: time = Field(
        description="Local time; before `start` means the next morning",
        json_schema_extra=_local_time,
    )

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")
        if self.start.tzinfo or self.end.tzinfo:
            raise ValueError("quiet hours are local times, without an offset")
        return self


class Reminders(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        min_length=1, max_length=7, description="ISO weekdays: 1 is Monday, 7 Sunday"
    )
    time: LocalTime

    @model_validator(mode="after")
    def _tidy(self) -> Reminders:
        if self.time.tzinfo:
            raise ValueError("a reminder time is local, without an offset")
        self.days = sorted(set(self.days))
        return self


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: dict[Category, Channels] = Field(default_factory=dict)
    quiet_hours: QuietHours | None = None
    reminders: Reminders | None = None
    nickname_on_lock_screen: StrictBool = Field(
        default=False,
        description="Whether a push on a locked screen may show the explorer's nickname",
    )
    nickname_in_email: StrictBool = Field(
        default=False, description="Whether an email about the explorer may name them"
    )


class PreferencesOut(BaseModel):
    categories: dict[Category, Channels]
    quiet_hours: QuietHours | None
    reminders: Reminders | None
    nickname_on_lock_screen: bool
    nickname_in_email: bool = False


class FollowKind(StrEnum):
    theme = "theme"
    series = "series"


class FollowOut(BaseModel):
    kind: FollowKind
    id: uuid.UUID
    followed_at: datetime


class Audience(StrEnum):
    everyone = "everyone"
    followers = "followers"


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: FollowKind
    id: uuid.UUID


class AnnouncementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    link: Annotated[str, StringConstraints(min_length=1, max_length=300)] = Field(
        default="wonderspaced://home",
        description="Where the notification opens: a link into the app (`wonderspaced://...`, "
        "or a deep link under APP_LINK_BASE), or an https address on a host of "
        "ANNOUNCEMENT_LINK_HOSTS; anything else is a 422 on `link`",
    )
    audience: Audience
    target: Target | None = None
    send_at: Annotated[datetime | None, ISO_ONLY] = Field(
        default=None, description="Later: scheduled; none: now"
    )
    preview: StrictBool = Field(default=False, description="Only count who it would reach")

    @model_validator(mode="after")
    def _target(self) -> AnnouncementIn:
        if (self.audience is Audience.followers) != (self.target is not None):
            raise ValueError("followers need a target (a theme or a series); everyone has none")
        if self.send_at is not None and self.send_at.tzinfo is None:
            raise ValueError("send_at needs an offset (e.g. Z)")
        return self


class AnnouncementOut(BaseModel):
    id: uuid.UUID | None
    title: str
    body: str
    link: str
    audience: Audience
    target: Target | None
    send_at: datetime | None
    sent_at: datetime | None
    status: str = Field(description="preview, scheduled, sending or sent")
    audience_size: int = Field(description="How many inboxes it reaches (now)")
    reached: int = Field(description="How many notifications were delivered so far")


# --- the live stream's events (GET /notifications/stream) --------------------------------------
# Each server-sent event has an `event` name and a `data` line, the JSON of its payload below;
# `id` (when present) is the position to send back as Last-Event-ID on reconnecting. They are
# in the document (components `StreamEvent` and each `*Event`) so a stream handler can be
# written from it alone.


class NoData(BaseModel):
    """An event that carries nothing (`{}`)."""

    model_config = ConfigDict(extra="forbid")


class ResetData(BaseModel):
    reason: Literal["unknown", "expired"] = Field(
        description="expired: the client was away longer than events are kept; unknown: the "
        "Last-Event-ID is not one of this stream's. Reload the inbox, then follow on."
    )


class NotificationState(BaseModel):
    """A notification's read state after it changed on any device of the family."""

    id: uuid.UUID
    seen_at: datetime | None
    read_at: datetime | None
    archived_at: datetime | None


class ReadAllData(BaseModel):
    ids: list[uuid.UUID] = Field(description="The notifications now read")
    read_at: datetime


class ReconnectData(BaseModel):
    reason: Literal["shutdown"]


class _Event(BaseModel):
    id: str | None = Field(
        default=None,
        pattern=r"^[0-9]+$",
        description="The SSE `id:` line: send it back as Last-Event-ID to resume after it",
    )


class ReadyEvent(_Event):
    """First event of every stream (after a `reset`, if any): the stream is live."""

    event: Literal["ready"]
    data: NoData


class ResetEvent(_Event):
    event: Literal["reset"]
    data: ResetData


class NotificationEvent(_Event):
    """A new notification for the family (or the explorer of an explorer token)."""

    event: Literal["notification"]
    data: NotificationOut


class SeenEvent(_Event):
    event: Literal["seen"]
    data: NotificationState


class ReadEvent(_Event):
    event: Literal["read"]
    data: NotificationState


class ArchivedEvent(_Event):
    event: Literal["archived"]
    data: NotificationState


class ReadAllEvent(_Event):
    """Every unread notification of one recipient was marked read at once."""

    event: Literal["read_all"]
    data: ReadAllData


class SignedOutEvent(_Event):
    """The sign-in behind the stream was ended (signed out everywhere, a profile deleted):
    the stream closes; do not reconnect with the same token."""

    event: Literal["signed_out"]
    data: NoData


class LimitPayload(BaseModel):
    """Which explorer, and where their day stands now (as `GET .../limits/today` answers)."""

    profile_id: uuid.UUID
    today: TodayOut


class LimitWarningEvent(_Event):
    """Five minutes before an explorer's play locks (allowance or bedtime): wind down."""

    event: Literal["limit_warning"]
    data: LimitPayload


class LimitReachedEvent(_Event):
    """An explorer's play is locked until `today.until`: show the lock screen."""

    event: Literal["limit_reached"]
    data: LimitPayload


class LimitExtendedEvent(_Event):
    """A parent granted more time today: leave the lock screen and read `limits/today`."""

    event: Literal["limit_extended"]
    data: LimitPayload


class BadgeEarnedEvent(_Event):
    """The explorer earned a badge (sent to that explorer's streams; never to another
    family's): show it, with its picture."""

    event: Literal["badge_earned"]
    data: LatestBadge


class ReconnectEvent(_Event):
    """The server is shutting down: reconnect (after `retry`) with Last-Event-ID."""

    event: Literal["reconnect"]
    data: ReconnectData


class StreamEvent(
    RootModel[
        Annotated[
            ReadyEvent
            | ResetEvent
            | NotificationEvent
            | SeenEvent
            | ReadEvent
            | ArchivedEvent
            | ReadAllEvent
            | SignedOutEvent
            | ReconnectEvent
            | LimitWarningEvent
            | LimitReachedEvent
            | LimitExtendedEvent
            | BadgeEarnedEvent,
            Field(discriminator="event"),
        ]
    ]
):
    """One event of the live stream, by its `event` name. Comment lines (heartbeats) carry
    no event."""


STREAM_EVENTS: tuple[type[BaseModel], ...] = (StreamEvent,)


def _frame(event: type[_Event]) -> dict[str, Any]:
    """One event as it is sent: its name, its `data` line (the JSON of its payload schema),
    the `id` to resume after it, the reconnection delay when one is set."""
    name = event.model_fields["event"].annotation.__args__[0]  # type: ignore[union-attr]
    payload = event.model_fields["data"].annotation.__name__  # type: ignore[union-attr]
    return {
        "type": "object",
        "required": ["event", "data"],
        "properties": {
            "event": {"const": name},
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": {"$ref": f"#/components/schemas/{payload}"},
            },
            "id": {"type": "string", "pattern": "^[0-9]+$"},
            "retry": {"type": "integer", "minimum": 0},
        },
    }


_EVENT_TYPES: tuple[type[_Event], ...] = (
    ReadyEvent,
    ResetEvent,
    NotificationEvent,
    SeenEvent,
    ReadEvent,
    ArchivedEvent,
    ReadAllEvent,
    SignedOutEvent,
    ReconnectEvent,
    LimitWarningEvent,
    LimitReachedEvent,
    LimitExtendedEvent,
    BadgeEarnedEvent,
)
# Named schemas of the document: each event as sent (`ReadyFrame`...), and `StreamFrame`.
STREAM_FRAMES: dict[str, dict[str, Any]] = {
    e.__name__.removesuffix("Event") + "Frame": _frame(e) for e in _EVENT_TYPES
}
STREAM_FRAMES["StreamFrame"] = {
    "description": "One server-sent event as sent: `StreamEvent` is the same with `data` parsed",
    "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in STREAM_FRAMES],
}
STREAM_RESPONSE: dict[str, Any] = {
    "description": "Server-sent events. The schema is one event as sent (before OpenAPI 3.2 "
    "a stream's `schema` describes each event): its `event` name and its `data` line, the "
    "JSON of that event's payload; `StreamEvent` is the same with `data` parsed",
    "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/StreamFrame"}}},
}
