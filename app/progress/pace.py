"""How fast watching, reading and making can be credited: completion is earned, not claimed.

Each item of each explorer has a budget on the server's clock (a token bucket): it starts
with FIRST_ALLOWANCE_MS worth for the first heartbeat (the app sends that one after some
seconds of play), fills as server time passes at the item's own pace, and holds at most
EARN_WINDOW_MS worth (a longer silence means the explorer was away). What a heartbeat adds
to what was done (new milliseconds of a video, new pages, new steps) is kept up to the
budget, the earliest first, and spends it; the rest is not credited, and can be sent again
once time has passed. So whatever the app claims, a video takes about its length to
complete, a book about SECONDS_PER_PAGE a page, a DIY SECONDS_PER_STEP a step. A budget left
unused by one heartbeat stays for the next (within the window), so heartbeats that arrive
unevenly over a slow network lose nothing.
"""

from __future__ import annotations

from app.catalog.schemas import Kind

# Players at up to this speed, and clocks that drift a little, are credited in full.
VIDEO_SPEED = 1.25
SECONDS_PER_PAGE = 5
SECONDS_PER_STEP = 10
FIRST_ALLOWANCE_MS = 30_000
EARN_WINDOW_MS = 60_000

# Units of the item (milliseconds, pages, steps) earned per millisecond of server time.
RATE: dict[Kind, float] = {
    Kind.video: VIDEO_SPEED,
    Kind.ebook: 1 / (SECONDS_PER_PAGE * 1000),
    Kind.diy: 1 / (SECONDS_PER_STEP * 1000),
}
# What the first heartbeat of an item may add: FIRST_ALLOWANCE_MS at normal speed.
FIRST_UNITS: dict[Kind, int] = {
    Kind.video: FIRST_ALLOWANCE_MS,
    Kind.ebook: FIRST_ALLOWANCE_MS // (SECONDS_PER_PAGE * 1000),
    Kind.diy: FIRST_ALLOWANCE_MS // (SECONDS_PER_STEP * 1000),
}
