"""What `make bench` measures: one entry per scenario, each a pair of sides measured in
alternating rounds in the same run.

A side is a server and the request it is sent. Servers (started by bench/__main__.py):

- `app`       the app, catalogue cache off, on the main data set
- `cached`    the app with its cache, on the main data set
- `floor`     bench/floor.py on the main data set (same SQL, same token check, orjson)
- `constant`  a FastAPI endpoint answering the cached list's bytes (bench/constant.py)
- `large`     the app, cache off, on the large data set (ten times the videos)
- `p-app`, `p-floor`              the app and the floor on the large progress data set
                                  (1,000,000 progress rows; 100,000 in a quick run)
- `p-app-small`, `p-floor-small`  the same on the small one (10,000 rows)

The figure is the server's CPU time per 1,000 requests; a scenario's ratio is the
reference's figure over the app's (1.0: the app costs what the reference costs), and it
holds when ratio >= target. `with_db=True` adds the CPU of the PostgreSQL backends to both
sides' figures: for a data-size comparison, the work that grows with the data is the
database's.

Adding a hot path: a handler in bench/floor.py (`@route(...)`) and one line here, e.g.

    against_floor("heartbeat PUT", lambda ctx: Call(f"/api/v1/progress/{ctx.facts['video']}",
                  "PUT", body='{"position_ms": 1000}'), target=0.6, clients=32)
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# "Within 10%": the app's side may cost at most 10% more than the reference's.
WITHIN_10_PERCENT = 1 / 1.1


@dataclass(frozen=True)
class Call:
    """One request, as every client of a round sends it (the access token is added)."""

    path: str
    method: str = "GET"
    body: str = ""
    headers: tuple[str, ...] = ()
    # Each client its own requests instead (bench/load.py): {"kind": "cycle" | "heartbeat",
    # "clients": [[request, ...] per client]}, each request with its own token. `path`,
    # `body` and `headers` are then one such request, for the JSON check.
    plan: dict[str, Any] | None = None


@dataclass
class Context:
    """What request builders may use: facts about the loaded data, and the servers."""

    facts: dict[str, Any]
    token: str
    get_json: Callable[[str, str], Any]  # (server, path) -> parsed JSON
    memo: dict[str, Any] = field(default_factory=dict)
    # The explorers of the progress data sets: (server, ...) -> what a builder needs.
    token_for: Callable[[uuid.UUID], str] = lambda account: ""
    # An explorer's own (kid-mode) token: (family, explorer) -> token.
    explorer_token_for: Callable[[uuid.UUID, uuid.UUID], str] = lambda account, profile: ""
    dsn_of: Callable[[str], str | None] = lambda server: None


Build = Callable[[Context], Call]


@dataclass(frozen=True)
class Side:
    server: str
    call: Build


@dataclass(frozen=True)
class Scenario:
    name: str
    app: Side
    ref: Side
    target: float | None  # None: reported, not a target
    clients: int = 64
    same_json: bool = False  # check before measuring that both sides answer the same JSON
    with_db: bool = False
    vs: str = ""  # how the table names the reference; the reference's server by default
    # A write's check instead of the JSON one: (context, app server, reference server);
    # raises SystemExit when the two sides do not write the same.
    check: Callable[[Context, str, str], None] | None = None
    # Run before each round of each side with (context, server): e.g. to put back what a
    # round of writes changed, so every round does the same work.
    before_round: Callable[[Context, str], None] | None = None

    @property
    def against(self) -> str:
        return self.vs or {"app": "main data set"}.get(self.ref.server, self.ref.server)


def against_floor(name: str, call: Build, target: float | None, clients: int = 64) -> Scenario:
    return Scenario(name, Side("app", call), Side("floor", call), target, clients, same_json=True)


def no_slope(name: str, call: Build, clients: int = 64) -> Scenario:
    """The same request on the large data set against the main one."""
    return Scenario(
        name, Side("large", call), Side("app", call), WITHIN_10_PERCENT, clients, with_db=True
    )


def _list(ctx: Context) -> Call:
    return Call(f"/api/v1/videos?theme={ctx.facts['theme']}&limit=20")


def _explore(ctx: Context) -> Call:
    return Call("/api/v1/tabs/explore")


def _search(ctx: Context) -> Call:
    return Call("/api/v1/search?q=anansi%20kente")


def _search_full_pages(ctx: Context) -> Call:
    # The same search for as many hits as the main data set has (7 items hold both words on
    # 20,000 videos, 21 on 200,000): both sides answer a full page, so the figure compares the
    # search's work on either size rather than the size of two different answers.
    return Call("/api/v1/search?q=anansi%20kente&limit=7")


def _page(number: int) -> Build:
    def build(ctx: Context) -> Call:
        first = _list(ctx).path
        key = f"cursor-{number}"
        if key not in ctx.memo:
            cursor = ""
            for _ in range(number - 1):
                suffix = f"&cursor={cursor}" if cursor else ""
                cursor = ctx.get_json("app", first + suffix)["next_cursor"]
            ctx.memo[key] = cursor
        return Call(f"{first}&cursor={ctx.memo[key]}" if number > 1 else first)

    return build


from bench import writes  # noqa: E402  (it builds on the classes above)

# The progress data sets' servers: the app and the floor on the large progress table
# (1,000,000 rows; 100,000 in a quick run) and on the small one (10,000 rows).
HEARTBEAT_LARGE = "heartbeat, large table"
HEARTBEAT_SMALL = "heartbeat, small table"


def _on_progress(
    name: str, call: Build, target: float | None, small: bool = False, **kw: Any
) -> Scenario:
    suffix = "-small" if small else ""
    return Scenario(
        name,
        Side(f"p-app{suffix}", call),
        Side(f"p-floor{suffix}", call),
        target,
        vs="floor",
        **kw,
    )


PROGRESS_SCENARIOS: list[Scenario] = [
    _on_progress(HEARTBEAT_LARGE, writes.heartbeats("p-app"), 0.5, check=writes.check_heartbeat),
    _on_progress(
        HEARTBEAT_SMALL,
        writes.heartbeats("p-app-small"),
        0.5,
        small=True,
        check=writes.check_heartbeat,
    ),
    Scenario(
        "heartbeat, large vs small table",
        Side("p-app", writes.heartbeats("p-app")),
        Side("p-app-small", writes.heartbeats("p-app-small")),
        None,
        with_db=True,
        vs="small table",
    ),
    _on_progress("library screen", writes.library, 0.5, same_json=True),
    _on_progress(
        "quiz answer PUT",
        writes.answers,
        0.5,
        check=writes.check_answers,
        before_round=writes.reset_answers,
    ),
]

# Ratios of two scenarios' ratios: (name, scenario, over this one, target).
DERIVED: list[tuple[str, str, str, float]] = [
    ("heartbeat ratio, large / small table", HEARTBEAT_LARGE, HEARTBEAT_SMALL, WITHIN_10_PERCENT),
]

# The notification stream is measured apart (bench/stream.py): its figures are not CPU per
# request. BENCH_ONLY selects it by this name.
STREAM_NAME = "notification stream"

SCENARIOS: list[Scenario] = [
    against_floor("list, uncached", _list, 0.6),
    Scenario(
        "list, cached",
        Side("cached", _list),
        Side("constant", lambda ctx: Call("/api/v1/videos")),
        0.9,
    ),
    against_floor("explore, uncached", _explore, 0.8),
    against_floor("search, uncached", _search, 0.75, clients=32),
    Scenario(
        "list page 100 vs page 1",
        Side("app", _page(100)),
        Side("app", _page(1)),
        WITHIN_10_PERCENT,
        clients=32,
        vs="page 1",
    ),
    no_slope("list, large vs main", _list),
    no_slope("explore, large vs main", _explore),
    no_slope("search, large vs main", _search_full_pages, clients=32),
    # The default page: 20 hits on the large set against 7 on the main one.
    dataclasses.replace(
        no_slope("search, large vs main, page of 20", _search, clients=32), target=None
    ),
    *PROGRESS_SCENARIOS,
]
