"""Pure ASGI middleware for the HTTP edge: client addresses, request ids and access logs, a
body size limit, and security headers. Pure ASGI rather than BaseHTTPMiddleware, which costs a
task per request on the hot paths."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import ipaddress
import logging
import random
import re
import time
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.docs import PAGES as _DOCS_PAGES  # HTML, each with the policy below
from app.core.errors import (
    DatabaseUnavailable,
    ServiceUnavailable,
    database_outage,
    error_response,
    problem_response,
)
from app.core.logging import request_id_var, trace_var

logger = logging.getLogger("app.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _trace_id(cloud: bytes | None, parent: bytes | None) -> str | None:
    """The trace a request belongs to, from Cloud Run's header or W3C traceparent."""
    if cloud:
        return cloud.decode("latin-1").split("/", 1)[0] or None
    if parent and parent.count(b"-") >= 3:
        return parent.decode("latin-1").split("-")[1]
    return None


def _set_header(message: Message, name: bytes, value: bytes) -> None:
    """Sets one header of a response start message: replaces it if present, else appends.
    Cheaper than MutableHeaders, which lower-cases and rebuilds per call."""
    # A copy, as MutableHeaders makes: a response's own list may be sent more than once.
    headers = message["headers"] = list(message.get("headers", ()))
    for i, (key, _) in enumerate(headers):
        if key.lower() == name:
            headers[i] = (name, value)
            return
    headers.append((name, value))


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """Which address a request came from, believing only the proxies in front of us.

    Each proxy appends the address it saw to X-Forwarded-For, so the list reads client first,
    nearest proxy last, and everything left of what our own proxies wrote is whatever the
    client chose to send. The connection's peer and the entries to its right-most `hops - 1`
    are our proxies (Cloud Run's front end is one hop), as is any address in `networks`; the
    client is the right-most entry that is not one of them. With neither, the peer is the
    client and the header is ignored.
    """

    def __init__(self, hops: int = 0, networks: Sequence[IPNetwork] = ()) -> None:
        self.hops = hops
        self.networks = tuple(networks)

    def _in_networks(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip("[]"))
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def _trusted(self, position: int, address: str) -> bool:
        """`position` counts hops from us: 0 is the connection's peer."""
        return position < self.hops or self._in_networks(address)

    def client(self, peer: str | None, forwarded_for: list[str]) -> str | None:
        if peer is None or not self._trusted(0, peer):
            return peer
        chain = [*forwarded_for, peer]
        for position, address in enumerate(reversed(chain)):
            if not self._trusted(position, address):
                return address
        return chain[0]  # every hop is ours: the left-most is as far as anyone saw

    def rewrite(self, scope: Scope) -> None:
        """Puts the client's address (and the scheme our proxy was spoken to in) into the
        scope, for the limiter, the logs and everything else that reads `request.client`."""
        if not self.hops and not self.networks:
            return
        client = scope.get("client")
        peer = client[0] if client else None
        if peer is None or not self._trusted(0, peer):
            return
        forwarded: list[str] = []
        proto: str | None = None
        for key, value in scope.get("headers", ()):
            if key == b"x-forwarded-for":
                forwarded.extend(e.strip() for e in value.decode("latin-1").split(",") if e.strip())
            elif key == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[-1].strip().lower()
        address = self.client(peer, forwarded)
        if address != peer:
            scope["client"] = (address, 0)
        if proto in {"http", "https"}:
            scope["scheme"] = proto


class _EveryFewSeconds:
    """At most one log line per `seconds` for each kind of outage: a database that is down
    fails every request, and one line per request would bury everything else."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[str, float] = {}

    def __call__(self, kind: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(kind, -self.seconds) < self.seconds:
            return False
        self._last[kind] = now
        return True


class Inflight:
    """The requests an instance is answering, so that its shutdown can wait for the last
    ones to finish what they still do once the server cancelled them (a 503, a rollback)."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.count += 1
        self._idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def settle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), seconds)


class RequestContextMiddleware:
    """Resolves the client's address, accepts or generates `X-Request-ID`, echoes it, and
    logs one line per request, naming the route that answered. An exception that escapes is
    a 500 problem, or a 503 with Retry-After when it says the database is unreachable; a
    request still running when the server's grace period ends (it is cancelled) is a 503 with
    Retry-After too, its unit of work rolled back on the way out."""

    def __init__(self, app: ASGIApp, *, proxies: TrustedProxies, inflight: Inflight) -> None:
        self.app = app
        self.proxies = proxies
        self.inflight = inflight
        self._outage_log = _EveryFewSeconds(10.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.proxies.rewrite(scope)
        self.inflight.enter()
        incoming = cloud = parent = None
        for key, value in scope.get("headers", ()):  # one pass for the three we read
            if key == b"x-request-id":
                incoming = value.decode("latin-1")
            elif key == b"x-cloud-trace-context":
                cloud = value
            elif key == b"traceparent":
                parent = value
        # 32 hex digits like a uuid4's. An id must be unique, not secret: the process's
        # generator (seeded from the OS) costs no system call per request, as os.urandom does.
        request_id = (
            incoming
            if incoming and _REQUEST_ID.match(incoming)
            else f"{random.getrandbits(128):032x}"
        )
        raw_id = request_id.encode("latin-1")
        rid_token = request_id_var.set(request_id)
        trace_token = trace_var.set(_trace_id(cloud, parent))
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                _set_header(message, b"x-request-id", raw_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except asyncio.CancelledError:
            # The server stops and its grace period is over: this request cannot finish
            # here, another instance can. (Said before the cancellation goes on.)
            status = 503
            if not response_started:
                await error_response(ShuttingDown())(scope, receive, send_with_id)
            raise
        except Exception as exc:
            if database_outage(exc):
                if self._outage_log("database"):
                    logger.warning(
                        "database unavailable: answering 503 (logged every 10 s at most)",
                        extra={"error": repr(exc)},
                    )
                if response_started:
                    raise
                await error_response(DatabaseUnavailable())(scope, receive, send_with_id)
                return
            # Logged here, while the request id is still known; the client learns nothing
            # internal, only the id to quote.
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if response_started:
                raise
            response = problem_response(
                500, detail=f"Something went wrong on our side (request {request_id})."
            )
            await response(scope, receive, send_with_id)
        finally:
            # The record (and its fields) only when the access log is written at all.
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "http_method": scope["method"],
                        "path": scope["path"],
                        # The declared route that answered (its template and name); none
                        # for an answer given before routing (a cache hit, a refusal).
                        "route": _route_of(scope),
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(rid_token)
            trace_var.reset(trace_token)
            self.inflight.leave()


class ShuttingDown(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__(
            "This server is shutting down; try again (another one answers).",
            headers={"Retry-After": "1"},
        )


def _route_of(scope: Scope) -> str | None:
    route = scope.get("route")
    template = getattr(route, "path_format", None)
    if template is None:
        return None
    return f"{getattr(route, 'name', '')} {template}"


class _BodyTooLarge(HTTPException):
    """An HTTPException so that FastAPI's body parsing lets it through as a 413, not a 400."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodyLimitMiddleware:
    """Refuses request bodies over `max_bytes` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        declared: bytes | None = None
        chunked = False
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                declared = value
            elif key == b"transfer-encoding":
                chunked = True
        if declared is None and not chunked and scope.get("http_version") in ("1.0", "1.1"):
            # HTTP/1.x without Content-Length or Transfer-Encoding has no body (RFC 9112,
            # 6.3): nothing to count, so no wrapper around every message.
            await self.app(scope, receive, send)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return

        seen = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if response_started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, detail=f"The request body is larger than {self.max_bytes} bytes."
        )
        await response(scope, receive, send)


# The document is data the pages fetch: the common headers, no policy. The docs assets are
# not here: the API's policy suits a script or a stylesheet.
_DOCS_PATHS = _DOCS_PAGES | {"/openapi.json"}

# Swagger UI and ReDoc from this origin only (app/core/docs.py serves their files), plus a
# small inline script per page, allowed by its hash (computed per response, so it follows
# FastAPI's and our settings). Styles may be inline: both UIs set styles from their code.
# Images: the UIs' icons are data: URIs; ReDoc's search runs in a worker made from a blob.
# Requests go to this API only.
_DOCS_POLICY = (
    "default-src 'none'; "
    "script-src 'self' {hashes}; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "worker-src blob:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)


def docs_policy(html: bytes) -> str:
    """The Content-Security-Policy of a docs page: its own inline scripts and nothing else."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return _DOCS_POLICY.format(hashes=hashes).replace(" ;", ";")


_API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_HSTS = "max-age=31536000; includeSubDomains"


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class SecurityHeadersMiddleware:
    """The security headers of every response, each unless the response set its own. The
    raw header lines are built once, at start-up: per response only the missing ones are
    appended."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts
        common = {
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
        hsts_header = {"Strict-Transport-Security": _HSTS} if hsts else {}
        self._api = _raw({**common, "Content-Security-Policy": _API_POLICY, **hsts_header})
        self._docs = _raw({**common, **hsts_header})

    def _secure(self, message: Message, defaults: list[tuple[bytes, bytes]]) -> None:
        headers = message["headers"] = list(message.get("headers", ()))
        present = {key.lower() for key, _ in headers}
        headers.extend(line for line in defaults if line[0] not in present)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path not in _DOCS_PATHS:
            api = self._api

            async def send_secured(message: Message) -> None:
                if message["type"] == "http.response.start":
                    self._secure(message, api)
                await send(message)

            await self.app(scope, receive, send_secured)
            return
        is_docs_page = path in _DOCS_PAGES
        docs = self._docs
        held: list[Message] = []

        async def send_with_headers(message: Message) -> None:
            if is_docs_page and (held or message["type"] == "http.response.start"):
                # Held until the page is whole: its policy names its inline scripts' hashes.
                held.append(message)
                if message["type"] == "http.response.start" or message.get("more_body"):
                    return
                start, *bodies = held
                _set_header(
                    start,
                    b"content-security-policy",
                    docs_policy(b"".join(part.get("body", b"") for part in bodies)).encode(),
                )
                for part in held:
                    await _send_secured(part)
                return
            await _send_secured(message)

        async def _send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._secure(message, docs)
            await send(message)

        await self.app(scope, receive, send_with_headers)
