"""Limits in and out, and an explorer's day."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from app.accounts.schemas import TimeZone
from app.limits.rules import Reason, State

Minutes = Annotated[int, Field(ge=0, le=1440)]


class WeekdayMinutes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    monday: Minutes
    tuesday: Minutes
    wednesday: Minutes
    thursday: Minutes
    friday: Minutes
    saturday: Minutes
    sunday: Minutes

    def as_list(self) -> list[int]:
        return [
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        ]

    @classmethod
    def of(cls, values: list[int]) -> WeekdayMinutes:
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        return cls(**dict(zip(names, values, strict=True)))


# A wall-clock time with no offset: the document says so, as the validator below does.
LocalTime = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "examples": ["19:30", "06:30"],
        }
    ),
]


class Bedtime(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: LocalTime = Field(description="Local time (the family's zone) play stops")
    end: LocalTime = Field(description="Local time play may start again")

    @model_validator(mode="after")
    def _not_empty(self) -> Bedtime:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("bedtime times are local: no offset")
        if self.start == self.end:
            raise ValueError("bedtime starts and ends at different times")
        return self


class LimitsIn(BaseModel):
    """The whole set of limits (what is left out is switched off)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"daily_minutes": 45, "bedtime": {"start": "19:30", "end": "06:30"}},
                {
                    "weekday_minutes": {
                        "monday": 30,
                        "tuesday": 30,
                        "wednesday": 30,
                        "thursday": 30,
                        "friday": 45,
                        "saturday": 60,
                        "sunday": 60,
                    }
                },
            ]
        },
    )

    daily_minutes: Minutes | None = Field(
        default=None, description="The same allowance every day (or use weekday_minutes)"
    )
    weekday_minutes: WeekdayMinutes | None = Field(
        default=None, description="One allowance per weekday (or use daily_minutes)"
    )
    bedtime: Bedtime | None = None

    @model_validator(mode="after")
    def _one_allowance(self) -> LimitsIn:
        if self.daily_minutes is not None and self.weekday_minutes is not None:
            raise ValueError("give daily_minutes or weekday_minutes, not both")
        return self


class LimitsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "daily_minutes": 45,
                    "weekday_minutes": None,
                    "bedtime": {"start": "19:30:00", "end": "06:30:00"},
                    "timezone": "Africa/Accra",
                }
            ]
        }
    )

    daily_minutes: int | None
    weekday_minutes: WeekdayMinutes | None
    bedtime: Bedtime | None
    timezone: TimeZone


class TodayOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-12-07",
                    "timezone": "Africa/Accra",
                    "state": "wind_down",
                    "reason": "allowance",
                    "minutes_used": 41.5,
                    "minutes_allowed": 45,
                    "minutes_left": 3.5,
                    "extra_minutes": 0,
                    "until": "2026-12-07T17:03:30Z",
                }
            ]
        }
    )

    date: date
    timezone: TimeZone
    state: State = Field(
        description="`ok`; `wind_down` in the last 5 minutes before a lock; `locked`"
    )
    reason: Reason | None = Field(description="What locks (or is about to): allowance or bedtime")
    minutes_used: float = Field(description="Learning time today, from the heartbeats")
    minutes_allowed: int | None = Field(description="Today's allowance with extra minutes")
    minutes_left: float | None
    extra_minutes: int = Field(description="Granted by a parent today")
    until: datetime | None = Field(
        description="Locked: when play may start again. Otherwise the earliest moment a lock "
        "can come (bedtime, or the allowance used up by playing on)."
    )


class ExtendIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"minutes": 15, "pin": "2468"}]}
    )

    minutes: int = Field(ge=1, le=240, description="Extra minutes for today")
    pin: Annotated[str | None, Field(pattern=r"^\d{4,6}$")] = Field(
        default=None, description="The parent PIN, when the family has one"
    )
