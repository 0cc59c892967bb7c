"""The load generator, run as its own process: keep-alive HTTP/1.1 clients on raw asyncio
streams over uvloop (a full HTTP client library, or the default event loop, takes CPU that
the servers under test need on a 2-core machine).

    python -m bench.load URL CLIENTS SECONDS [HEADER ...]   -> one JSON line of results
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

import uvloop


async def _client(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                errors.append(status)
    finally:
        writer.close()


async def run(url: str, clients: int, seconds: float, headers: list[str]) -> dict[str, float]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    head = "".join(f"{h}\r\n" for h in headers)
    request = f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n{head}\r\n".encode()
    latencies: list[float] = []
    errors: list[int] = []
    # Warm up the connections and the server's caches, then measure.
    warm: list[float] = []
    await asyncio.gather(
        *[
            _client(
                parts.hostname or "127.0.0.1",
                parts.port or 80,
                request,
                time.perf_counter() + 1,
                warm,
                errors,
            )
            for _ in range(clients)
        ]
    )
    errors.clear()
    start = time.perf_counter()
    await asyncio.gather(
        *[
            _client(
                parts.hostname or "127.0.0.1",
                parts.port or 80,
                request,
                start + seconds,
                latencies,
                errors,
            )
            for _ in range(clients)
        ]
    )
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0
        )

    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "requests": len(latencies),
        "errors": len(errors),
    }


if __name__ == "__main__":
    url, clients, seconds, *extra = sys.argv[1:]
    print(json.dumps(uvloop.run(run(url, int(clients), float(seconds), extra))))
