""" "My adventures" as the front answers it before routing (app/profiles/front.py), on the
read-only pool: what its route in router.py runs. An explorer in a classroom is left to the
route, which reads the assignments due through the ORM."""

from __future__ import annotations

from app.classrooms import queries as classrooms_queries
from app.core.errors import NotFound
from app.library import service as library_service
from app.profiles.front import FrontCall, FrontRoute, LeaveToRoute
from app.progress.clock import clock_of


async def _library(call: FrontCall) -> bytes:
    who = await library_service.explorer(call.conn, call.profile_id)
    if who is None:  # deleted since the scope check
        raise NotFound("No such explorer.")
    if await classrooms_queries.in_a_classroom(call.conn, who.id):
        raise LeaveToRoute
    now = (await clock_of(call.app))()
    return await library_service.library(call.conn, call.runtime.settings, who, now, ())


FRONT = (FrontRoute("GET", "/library", _library, read_only=True),)
