"""Structured logs: one JSON object per line on stdout, for the machine's log collector."""

import json
import logging
import re
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# Eight or more digits in a row: a NIK (16), a phone number (10-13) or a bank account (8-16),
# e.g. in the query string of an admin search that ended in 403/404/500. Nothing the portal
# logs on purpose looks like that (times and sizes are short, or numbers, which stay as they
# are); a hexadecimal hash may lose a stretch of digits, which is the price.
_DIGIT_RUN = re.compile(r"\d{8,}")


def mask_digit_runs(text: str) -> str:
    """``text`` with every run of eight or more digits replaced by as many asterisks."""
    return _DIGIT_RUN.sub(lambda match: "*" * len(match.group()), text)


def _masked(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    # Strings, and objects Django passes in extra= (the request, a socket) as their str().
    return mask_digit_runs(str(value))


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra, "exception"}`` on one line.

    Every field but the time goes through :func:`mask_digit_runs`: a NIK in a logged URL (the
    ``request`` Django's ``django.request`` logger passes along) never reaches the log.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _masked(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _masked(value)
        if record.exc_info:
            entry["exception"] = _masked(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
