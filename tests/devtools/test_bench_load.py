"""The load benchmark runs end to end at a tiny size, so it cannot rot."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.test_shared_cache import REDIS_URL, _redis_up

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres]


def test_bench_load_drives_gunicorn_and_reports_latency(db):
    if connection.vendor != "postgresql":
        pytest.skip("bench_load runs gunicorn against PostgreSQL (set DATABASE_URL)")
    if not _redis_up():
        pytest.skip("Redis not running on 127.0.0.1:6379")
    out = StringIO()
    call_command(
        "bench_load",
        requests=30,
        concurrency=2,
        workers=2,
        cache_url=REDIS_URL,
        urls=["GET /", "GET /healthz", "GET /admin/login/"],
        stdout=out,
    )
    report = out.getvalue()
    assert "requests 30 in" in report and "errors 0" in report
    for line in ("GET /healthz", "GET /admin/login/", "all"):
        assert line in report
    assert "200:10" in report
