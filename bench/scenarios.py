"""What `make bench` measures: one entry per scenario, each a pair of sides measured in
alternating rounds in the same run.

A side is a server and the request it is sent. Servers (started by bench/__main__.py):

- `app`       the app, catalogue cache off, on the main data set
- `cached`    the app with its cache, on the main data set
- `floor`     bench/floor.py on the main data set (same SQL, same token check, orjson)
- `constant`  a FastAPI endpoint answering the cached list's bytes (bench/constant.py)
- `large`     the app, cache off, on the large data set (ten times the videos)

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


@dataclass
class Context:
    """What request builders may use: facts about the loaded data, and the servers."""

    facts: dict[str, Any]
    token: str
    get_json: Callable[[str, str], Any]  # (server, path) -> parsed JSON
    memo: dict[str, Any] = field(default_factory=dict)


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
    no_slope("search, large vs main", _search, clients=32),
]
