"""The project's PostgreSQL backend: a health check without a round trip, prepared statements."""

import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from umkm_portal.postgresql.prepared import execute_prepared, numbered_placeholders

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend only"),
]


def test_placeholders_are_numbered_and_percent_signs_kept():
    assert numbered_placeholders("a = %s AND b LIKE '%%x' OR c = %s") == (
        "a = $1 AND b LIKE '%%x' OR c = $2"
    )


def _pid(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _new_request(conn) -> None:
    """What Django does between two requests on a persistent connection."""
    conn.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_the_health_check_of_a_live_connection_sends_nothing(monkeypatch):
    conn = connections["default"]
    conn.ensure_connection()
    conn.health_check_enabled = True
    pid = _pid(conn)
    _new_request(conn)

    def round_trip():
        raise AssertionError("the health check asked the server (SELECT 1)")

    monkeypatch.setattr(conn, "is_usable", round_trip)
    with CaptureQueriesContext(conn) as queries:
        assert _pid(conn) == pid
    assert len(queries) == 1
    assert conn.health_check_done


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_while_idle_is_replaced_without_an_error():
    conn = connections["default"]
    conn.ensure_connection()
    conn.health_check_enabled = True
    old_pid = _pid(conn)
    _new_request(conn)

    # Another session ends ours, as a server restart would.
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        other.close()

    deadline = time.monotonic() + 5
    while not conn._server_hung_up() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _pid(conn) != old_pid  # the first query of the request got a fresh connection


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_once_per_connection_in_the_same_round_trip():
    conn = connections["default"]
    conn.close()
    conn.ensure_connection()

    with CaptureQueriesContext(conn) as queries:
        for value in (1, 2):
            with conn.cursor() as cursor:
                execute_prepared(cursor, "test_double", "SELECT %s::int * 2", (value,))
                assert cursor.fetchone() == (value * 2,)
    first, second = (q["sql"] for q in queries.captured_queries)
    assert first.startswith("PREPARE test_double_1 AS SELECT $1::int * 2; EXECUTE test_double_1")
    assert second == "EXECUTE test_double_1(2)"

    conn.close()  # a new connection has no prepared statements: prepared again on first use
    with conn.cursor() as cursor:
        execute_prepared(cursor, "test_double", "SELECT %s::int * 2", (3,))
        assert cursor.fetchone() == (6,)


@pytest.mark.django_db(transaction=True)
def test_a_failed_first_use_prepares_under_a_new_name_next_time():
    conn = connections["default"]
    conn.close()
    conn.ensure_connection()
    with pytest.raises(Exception, match="division by zero"), conn.cursor() as cursor:
        # PREPARE succeeds, EXECUTE fails: the name may or may not exist on the server now.
        execute_prepared(cursor, "test_ratio", "SELECT 1 / %s::int", (0,))

    with conn.cursor() as cursor:
        execute_prepared(cursor, "test_ratio", "SELECT 1 / %s::int", (1,))
        assert cursor.fetchone() == (1,)
    assert conn.prepared_statements == {"test_ratio": "test_ratio_2"}
