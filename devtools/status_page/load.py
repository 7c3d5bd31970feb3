"""A small closed-loop HTTP load generator (asyncio, localhost only, bounded in time and count).

Each of ``concurrency`` clients fetches the form once (for the CSRF cookie and token, as a
browser would), then POSTs back to back; the latency of a request includes a new connection
when the server closed the previous one, as it does for every request with gunicorn's sync
workers.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_COOKIE = re.compile(r"csrftoken=([^;]+)")


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    found: int = 0

    def add(self, other: Result) -> None:
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.statuses += other.statuses
        self.errors += other.errors
        self.found += other.found

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency in milliseconds at percentile ``p`` (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


def csrf_session(host: str, port: int, path: str = "/cek-status/") -> tuple[str, str]:
    """(cookie value, form token) from one GET of the form."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        cookie = _COOKIE.search(response.getheader("Set-Cookie") or "")
        token = _TOKEN.search(body)
        if response.status != 200 or not cookie or not token:
            raise RuntimeError(f"GET {path} gave {response.status} without a CSRF token")
        return cookie.group(1), token.group(1)
    finally:
        conn.close()


async def _read_response(reader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    keep_alive = headers.get("connection", "").lower() != "close"
    return status, body, keep_alive


async def _client(host, port, path, bodies, cookie, deadline, budget, result, found_marker):
    reader = writer = None
    i = 0
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        body = bodies[i % len(bodies)]
        i += 1
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Cookie: csrftoken={cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        ).encode() + body
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, content, keep_alive = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] += 1
        if found_marker and found_marker in content:
            result.found += 1
        if not keep_alive:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run(
    name: str,
    *,
    host: str,
    port: int,
    path: str,
    probes: list[tuple[str, str]],
    concurrency: int,
    seconds: float,
    max_requests: int,
    found_marker: bytes = b"",
) -> Result:
    """POST ``probes`` (nik, phone digits) to ``path`` for ``seconds`` or ``max_requests``."""
    sessions = [csrf_session(host, port) for _ in range(concurrency)]
    result = Result(name)

    async def main():
        budget = [max_requests]
        deadline = time.perf_counter() + seconds
        tasks = []
        for n, (cookie, token) in enumerate(sessions):
            # Each client starts at a different probe so they do not all ask for one NIK.
            rotated = probes[n::concurrency] or probes
            bodies = [
                urlencode({"csrfmiddlewaretoken": token, "nik": nik, "phone_last4": last4}).encode()
                for nik, last4 in rotated
            ]
            tasks.append(
                _client(host, port, path, bodies, cookie, deadline, budget, result, found_marker)
            )
        started = time.perf_counter()
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - started

    # A thread of its own: the caller's thread may already run an event loop (a test session
    # driving Playwright does), and asyncio.run() refuses to nest.
    failure: list[BaseException] = []

    def target():
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported in the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=target, name=f"load {name}")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result
