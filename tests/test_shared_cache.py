"""The shared Redis cache of production: two web nodes see the same counters and sessions.

Runs against the Redis on 127.0.0.1:6379, database 7 (skipped with a reason when it is not
running, except under CI with REQUIRE_REDIS=1).
"""

import os
import socket

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import get_usage

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture
def two_nodes(settings):
    """Two cache aliases on the same Redis database, as two web nodes would have."""
    if not _redis_up():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("Redis is required (REQUIRE_REDIS=1) but 127.0.0.1:6379 is not up")
        pytest.skip("Redis not running on 127.0.0.1:6379")
    node = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
    # One prefix per pytest-xdist worker: the clean-up below deletes this prefix's keys only.
    node["KEY_PREFIX"] = f"umkm-tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    settings.CACHES = {"default": dict(node), "node_a": dict(node), "node_b": dict(node)}
    yield caches["node_a"], caches["node_b"]
    caches["node_a"].delete_pattern("*")


def test_a_value_written_by_one_node_is_read_by_the_other(two_nodes):
    node_a, node_b = two_nodes
    assert node_a is not node_b
    node_a.set("status-page:3275", {"status": "ditransfer"}, 60)
    assert node_b.get("status-page:3275") == {"status": "ditransfer"}


def test_rate_limit_counts_requests_to_every_node(two_nodes, settings):
    request = RequestFactory().post("/cek-status/", REMOTE_ADDR="203.0.113.7")
    seen = []
    for attempt in range(6):
        # Requests from one address land on alternate nodes, as a load balancer sends them.
        settings.RATELIMIT_USE_CACHE = "node_a" if attempt % 2 == 0 else "node_b"
        usage = get_usage(request, group="cek-status", key="ip", rate="5/m", increment=True)
        seen.append((usage["count"], usage["should_limit"]))
    assert seen == [(1, False), (2, False), (3, False), (4, False), (5, False), (6, True)]


def test_a_session_started_on_one_node_is_found_on_the_other(two_nodes, settings, db):
    settings.SESSION_CACHE_ALIAS = "node_a"
    session = SessionStore()
    session["_auth_user_id"] = "42"
    session.create()
    session.save()

    settings.SESSION_CACHE_ALIAS = "node_b"
    assert caches["node_b"].get(session.cache_key) is not None  # served from Redis
    assert SessionStore(session_key=session.session_key)["_auth_user_id"] == "42"
