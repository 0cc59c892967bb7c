from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator

from app.core.contract import ISO_ONLY
from app.notifications.models import Category


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
