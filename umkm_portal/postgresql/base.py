"""Django's PostgreSQL backend with two per-connection savings for hot, tiny requests.

Selected by ``umkm_portal.settings`` whenever ``DATABASE_URL`` points at PostgreSQL.

1. **Health check without a round trip.** With ``CONN_HEALTH_CHECKS`` Django sends
   ``SELECT 1`` before the first query of every request that reuses a persistent connection:
   a round trip costing about as much as the one-row read it protects. Here the check looks
   at the socket instead (a zero-timeout ``select``): an idle connection has nothing to read
   (the portal uses no LISTEN/NOTIFY) unless the server has hung up (a restart or ``pg_terminate_backend`` sends an error
   message and closes it), so something readable, or a closed connection, means reconnect.
   That covers what the ``SELECT 1`` covered, a server that went away while the worker was
   idle, without asking the server. A silently dropped network path (no FIN, no error) is
   caught by neither without a timeout; Django closes a connection whose query failed at the
   end of that request, as before.
2. **Server-side prepared statements** for the few hot statements that ask for them
   (:func:`umkm_portal.postgresql.prepared.execute_prepared`): parsed and planned once per
   connection instead of on every request. This backend only forgets them when it opens a
   new connection.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Prepared statements belong to the server session: a new connection has none.
        self.prepared_statements: dict[str, str] = {}
        self.prepare_attempts = 0
        return connection

    def close_if_health_check_failed(self):
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if self._server_hung_up():
            self.close()
        self.health_check_done = True

    def _server_hung_up(self) -> bool:
        """True when the idle connection has something to read (the server's goodbye or EOF)
        or is already closed; no bytes are sent."""
        if self.connection.closed:
            return True
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)
