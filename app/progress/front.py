"""The heartbeats the front answers before routing (app/profiles/front.py): one per kind, each
running what its route in router.py runs."""

from __future__ import annotations

from pydantic import BaseModel

from app.catalog.schemas import Kind
from app.profiles.front import FrontCall, FrontHandler, FrontRoute
from app.progress import service as progress_service
from app.progress.clock import clock_of
from app.progress.schemas import DiyBeat, EbookBeat, VideoBeat


def _heartbeat(kind: Kind) -> FrontHandler:
    async def handle(call: FrontCall) -> BaseModel:
        now = (await clock_of(call.app))()
        item_id = call.params["item_id"]
        return await progress_service.record(
            call.conn, call.profile_id, kind, item_id, call.body, now
        )

    return handle


FRONT = tuple(
    FrontRoute("PUT", f"/progress/{kind.value}/{{item_id}}", _heartbeat(kind), body=body)
    for kind, body in ((Kind.video, VideoBeat), (Kind.ebook, EbookBeat), (Kind.diy, DiyBeat))
)
