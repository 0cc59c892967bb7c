"""Local stand-ins for where telemetry goes: an OTLP/HTTP collector and a Sentry ingest
endpoint, each a real HTTP server on the loopback that keeps what it was sent."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span


def _decoded(body: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]  # only when the SDK found it

        return bytes(brotli.decompress(body))
    return body


class _Receiver:
    """One HTTP server in a thread, recording the bodies POSTed to `path`."""

    content_type = "application/json"

    def __init__(self, path: str) -> None:
        self.path = path
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = _decoded(self.rfile.read(length), self.headers.get("Content-Encoding"))
                if self.path != receiver.path:
                    self.send_response(404)
                    self.end_headers()
                    return
                receiver.bodies.append(body)
                answer = receiver.answer()
                self.send_response(200)
                self.send_header("Content-Type", receiver.content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def answer(self) -> bytes:
        return b"{}"

    def clear(self) -> None:
        self.bodies.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


class OtlpCollector(_Receiver):
    """Accepts OTLP/HTTP protobuf exports on /v1/traces."""

    content_type = "application/x-protobuf"

    def __init__(self) -> None:
        super().__init__("/v1/traces")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self) -> bytes:
        return ExportTraceServiceResponse().SerializeToString()

    def spans(self) -> list[Span]:
        found: list[Span] = []
        for body in self.bodies:
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    found.extend(scope_spans.spans)
        return found

    def resources(self) -> list[dict[str, Any]]:
        found = []
        for body in self.bodies:
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource_spans in request.resource_spans:
                found.append(attributes(resource_spans.resource.attributes))
        return found


def attributes(values: Any) -> dict[str, Any]:
    """OTLP key-values as a dict of plain values."""
    found: dict[str, Any] = {}
    for item in values:
        kind = item.value.WhichOneof("value")
        found[item.key] = getattr(item.value, kind) if kind else None
    return found


class SentryIngest(_Receiver):
    """Accepts Sentry envelopes for project 1 (DSN `http://public@127.0.0.1:PORT/1`)."""

    def __init__(self) -> None:
        super().__init__("/api/1/envelope/")

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.port}/1"

    def items(self) -> list[tuple[dict[str, Any], bytes]]:
        """Every item of every envelope: its header and its payload."""
        found: list[tuple[dict[str, Any], bytes]] = []
        for body in self.bodies:
            rest = body.split(b"\n", 1)[1] if b"\n" in body else b""
            while rest.strip():
                header_line, _, rest = rest.partition(b"\n")
                header = json.loads(header_line)
                length = header.get("length")
                if length is None:
                    payload, _, rest = rest.partition(b"\n")
                else:
                    payload, rest = rest[:length], rest[length + 1 :]
                found.append((header, payload))
        return found

    def events(self) -> list[dict[str, Any]]:
        return [
            json.loads(payload) for header, payload in self.items() if header["type"] == "event"
        ]
