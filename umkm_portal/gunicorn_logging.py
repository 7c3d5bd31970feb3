"""gunicorn's own logs (access and error) as the application's: one JSON object per line.

Set in ``gunicorn.conf.py`` (``logger_class``). gunicorn's stock access log fills a text
template, so a User-Agent ending in a backslash or holding a quote broke the line as JSON, and
its ``remote`` was whatever ``X-Real-IP`` the client sent. Here every field goes through
``json.dumps`` (:class:`umkm_portal.logs.JsonFormatter`) and the address comes from
:func:`umkm_portal.client_address.client_address`, as for rate limits and lockouts.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from umkm_portal.client_address import client_address
from umkm_portal.logs import JsonFormatter


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access_fields(self, environ) -> dict:
        """The request's side of an access-log entry (no query string: it may hold a NIK)."""
        return {
            "remote": client_address(environ) or "-",
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        fields = self.access_fields(environ)
        fields.update(
            status=int(status),
            bytes=getattr(resp, "sent", None),
            duration_ms=request_time.seconds * 1000 + request_time.microseconds // 1000,
        )
        self.access_log.info("%s %s %s", fields["method"], fields["path"], status, extra=fields)
