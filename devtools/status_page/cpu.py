"""CPU time of the processes a load run involves, read from ``/proc`` (Linux).

Throughput alone does not say where a request's cost lies. Around each run the benchmark
reads the CPU seconds of the gunicorn server that answered it (master and workers), of the
database server (every ``postgres`` process; on SQLite the database's work is the server's)
and of the load generator, and divides by the requests answered. A process's own time and the time of its children it has reaped are
both counted, so a worker recycled during a run is not lost.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _processes() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds incl. reaped children)."""
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[0] is the state: ppid is fields[1]; utime, stime, cutime, cstime 11-14.
        seconds = sum(int(value) for value in fields[11:15]) / TICKS
        found[int(entry.name)] = (int(fields[1]), name, seconds)
    return found


def _tree(processes, root: int) -> set[int]:
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _n, _s) in processes.items() if ppid == parent]
        members.update(children)
        frontier += children
    return members


@dataclass(frozen=True)
class Sample:
    server: float
    database: float
    load: float

    @classmethod
    def take(cls, server_pid: int) -> Sample:
        processes = _processes()
        own = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        return cls(
            server=sum(
                processes[pid][2] for pid in _tree(processes, server_pid) if pid in processes
            ),
            database=sum(s for _ppid, name, s in processes.values() if name == "postgres"),
            # The load generator: wrk, the one child this process waits for during a run, or
            # the Python clients in this process itself.
            load=sum(usage.ru_utime + usage.ru_stime for usage in own),
        )

    def __sub__(self, earlier: Sample) -> Sample:
        return Sample(
            self.server - earlier.server,
            self.database - earlier.database,
            self.load - earlier.load,
        )

    def __add__(self, other: Sample) -> Sample:
        return Sample(
            self.server + other.server,
            self.database + other.database,
            self.load + other.load,
        )


ZERO = Sample(0.0, 0.0, 0.0)
