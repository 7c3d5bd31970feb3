"""The status page benchmark runs end to end at a tiny size, so it cannot rot."""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from devtools.status_page import cpu, wrk

ROOT = Path(__file__).resolve().parents[2]
TINY = [
    "--applications=60",
    "--concurrency=4",
    "--seconds=1",
    "--warmup=0.3",
    "--rounds=1",
    "--workers=1",
    "--probes=40",
]


def _assert_report(output: str) -> None:
    rows = {}
    for line in output.splitlines():
        match = re.match(
            r"^(stock|minimal|status check).*?\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+\s+(\d+)$", line
        )
        if match:
            rows[match.group(1)] = (int(match.group(2)), int(match.group(3)))
    # With wrk installed, the one-row view under Django's default middleware joins them.
    expected = {"minimal", "status check"} | ({"stock"} if wrk.available() else set())
    assert set(rows) == expected, output
    for requests, errors in rows.values():
        assert requests > 0, output
        assert errors == 0, output
    found = re.search(r"found an owner: (\d+) of (\d+)", output)
    assert found and int(found.group(1)) > 0, output
    # Where each view's cost lay: the server that answered it spent CPU on every view.
    if cpu.available():
        section = output.split("ms of CPU per request", 1)[1].splitlines()
        servers = {
            line.split()[0].rstrip(":"): float(match.group(1))
            for line in section
            if (match := re.search(r"\s([\d.]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+$", line))
        }
        assert set(servers) == {name.split()[0] for name in expected}, output
        assert all(ms > 0 for ms in servers.values()), output


ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.mark.benchmark
@pytest.mark.skipif(ON_SQLITE, reason="SQLite test databases live in memory; see the next test")
@pytest.mark.django_db(transaction=True)
def test_benchmark_runs_against_the_current_database():
    out = io.StringIO()

    call_command("bench_status_page", *TINY, stdout=out)

    _assert_report(out.getvalue())


@pytest.mark.benchmark
@pytest.mark.skipif(not ON_SQLITE, reason="the PostgreSQL run benchmarks its test database")
def test_benchmark_runs_on_a_fresh_sqlite_file(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "DEBUG": "true",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    migrated = manage("migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    result = manage("bench_status_page", *TINY)

    assert result.returncode == 0, result.stderr
    _assert_report(result.stdout)


@pytest.mark.django_db
def test_the_comparison_view_is_not_mounted_in_the_portal(client):
    assert client.post("/bench/one-row/", {"nik": "3275014108900001"}).status_code == 404


@pytest.mark.benchmark
@pytest.mark.django_db(transaction=True)  # requests run as in production: no test transaction
def test_the_steps_mode_times_each_step_and_each_middleware():
    """``--steps`` answers real checks in process: a check that failed (a 403 from CSRF, a
    500) stops it, so a printed table means each figure timed real answers."""
    out = io.StringIO()

    call_command(
        "bench_status_page",
        "--applications=30",
        "--probes=20",
        "--steps",
        "--step-calls=10",
        "--step-rounds=1",
        stdout=out,
    )

    lines = out.getvalue().splitlines()
    figures = {}
    for line in lines:
        match = re.match(r"^\s+(.+?)\s+(-?[\d.]+|needed by another)$", line)
        if match:
            figures[match.group(1)] = match.group(2)
    assert float(figures["the whole status check, every middleware"]) > float(
        figures["step: NIK hash and owner token"]
    ), lines
    assert "step: rendering the result page" in figures, lines
    middleware = [name for name in figures if name.startswith("middleware ")]
    assert len(middleware) == len(settings.MIDDLEWARE), lines
