"""Server-side prepared statements for a few hot statements (PostgreSQL, psycopg2).

Plain SQL ``PREPARE``/``EXECUTE``: this works directly and through PgBouncer in session mode
(the mode docs/deployment.md calls for), not in transaction mode.
"""

from __future__ import annotations


def execute_prepared(cursor, name: str, sql: str, params) -> None:
    """Run ``sql`` (``%s`` placeholders, as Django writes them) as a prepared statement.

    The first use on a connection sends ``PREPARE …; EXECUTE …`` in one round trip, later
    uses only ``EXECUTE``: one statement and one round trip per call either way. ``cursor``
    is a Django cursor; on connections not opened by ``umkm_portal.postgresql`` (SQLite, or
    Django's own backend) the statement simply runs unprepared.
    """
    wrapper = cursor.db
    prepared = getattr(wrapper, "prepared_statements", None)
    if prepared is None:
        cursor.execute(sql, params)
        return
    server_name = prepared.get(name)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    if server_name is not None:
        cursor.execute(f"EXECUTE {server_name}{arguments}", params)
        return
    # A PREPARE outlives a rollback, so after a failed first use it is unknown whether the
    # name exists on the server: every attempt uses a new name.
    wrapper.prepare_attempts += 1
    server_name = f"{name}_{wrapper.prepare_attempts}"
    cursor.execute(
        f"PREPARE {server_name} AS {numbered_placeholders(sql)}; EXECUTE {server_name}{arguments}",
        params,
    )
    prepared[name] = server_name


def numbered_placeholders(sql: str) -> str:
    """``%s`` → ``$1``, ``$2`` …, leaving ``%%`` as it is (the text is still interpolated)."""
    parts = sql.split("%%")
    number = 0
    out = []
    for part in parts:
        pieces = part.split("%s")
        numbered = [pieces[0]]
        for piece in pieces[1:]:
            number += 1
            numbered.append(f"${number}{piece}")
        out.append("".join(numbered))
    return "%%".join(out)
