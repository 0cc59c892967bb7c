"""Examples of the limits' operations: a parent of the demo family setting an explorer's
evenings, and the explorer's day as its app reads it."""

from __future__ import annotations

from typing import Any

LIMITS_IN: dict[str, Any] = {"daily_minutes": 45, "bedtime": {"start": "19:30", "end": "06:30"}}
# A PIN only when the family set one (the demo family has none: `pin` is then ignored).
EXTEND_IN: dict[str, Any] = {"minutes": 15, "pin": "2468"}

# Answers, as the server gives them.
LIMITS_OUT: dict[str, Any] = {
    "daily_minutes": 45,
    "weekday_minutes": None,
    "bedtime": {"start": "19:30:00", "end": "06:30:00"},
    "timezone": "Africa/Accra",
}
GET_LIMITS_OUT = LIMITS_OUT
PUT_LIMITS_OUT = LIMITS_OUT
GET_LIMITS_TODAY_OUT: dict[str, Any] = {
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
# The same day once a parent granted 15 minutes: play is open again until they are used.
EXTEND_LIMITS_OUT: dict[str, Any] = {
    "date": "2026-12-07",
    "timezone": "Africa/Accra",
    "state": "ok",
    "reason": None,
    "minutes_used": 45.0,
    "minutes_allowed": 60,
    "minutes_left": 15.0,
    "extra_minutes": 15,
    "until": "2026-12-07T17:25:00Z",
}
