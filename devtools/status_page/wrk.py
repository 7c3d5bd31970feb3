"""Drive a view with wrk (a load generator written in C), when it is installed.

The Python generator (:mod:`.load`) costs the two cores of a small machine about as much
CPU as the server it measures; wrk costs a fraction of that. Each wrk connection POSTs the
probes back to back on a keep-alive connection; a Lua script picks the bodies, counts the
answers that found an owner, and prints the figures on lines of its own to be read here.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

SCRIPT = """
local bodies = {%(bodies)s}
local marker = %(marker)s
local threads = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(cookie)s"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  found = 0
  i = math.random(#bodies)
end

function request()
  i = i %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end

function response(status, headers, body)
  if marker ~= "" and string.find(body, marker, 1, true) then
    found = found + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("found")
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %%d\\n", summary.requests))
  io.write(string.format("BENCH duration_us %%d\\n", summary.duration))
  io.write(string.format("BENCH p50_us %%d\\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %%d\\n", latency:percentile(99)))
  io.write(string.format("BENCH errors %%d\\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH bad_status %%d\\n", e.status))
  io.write(string.format("BENCH found %%d\\n", total))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Result:
    """One view's figures over one or more wrk runs (the shape of :class:`.load.Result`)."""

    name: str
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    found: int = 0
    statuses: dict = field(default_factory=dict)
    p50s: list[float] = field(default_factory=list)
    p99s: list[float] = field(default_factory=list)

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.errors += other.errors
        self.found += other.found
        self.p50s += other.p50s
        self.p99s += other.p99s

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds: the median of the runs' p50, the worst of their p99."""
        if p == 50 and self.p50s:
            return sorted(self.p50s)[len(self.p50s) // 2]
        if p == 99 and self.p99s:
            return max(self.p99s)
        return float("nan")


def run(
    name: str,
    *,
    host: str,
    port: int,
    path: str,
    probes: list[tuple[str, str]],
    session: tuple[str, str],
    concurrency: int,
    seconds: float,
    found_marker: bytes = b"",
    threads: int = 2,
) -> Result:
    """POST ``probes`` (nik, phone digits) to ``path`` with ``concurrency`` connections for
    ``seconds`` (wrk's own timeout: 10 s per request)."""
    cookie, token = session
    bodies = ", ".join(
        _lua_string(urlencode({"csrfmiddlewaretoken": token, "nik": nik, "phone_last4": last4}))
        for nik, last4 in probes
    )
    script = SCRIPT % {
        "bodies": bodies,
        "marker": _lua_string(found_marker.decode()),
        "cookie": cookie,
    }
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script_path = Path(tmp) / "probes.lua"
        script_path.write_text(script)
        done = subprocess.run(
            [
                "wrk",
                f"--threads={max(1, min(threads, concurrency))}",
                f"--connections={concurrency}",
                f"--duration={max(1, round(seconds))}s",
                "--timeout=10s",
                f"--script={script_path}",
                f"http://{host}:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr[-2000:]}")
    figures = {}
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            _, key, value = line.split()
            figures[key] = int(value)
    return Result(
        name,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        errors=figures["errors"] + figures["bad_status"],
        found=figures["found"],
        p50s=[figures["p50_us"] / 1000],
        p99s=[figures["p99_us"] / 1000],
    )
