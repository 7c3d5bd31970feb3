"""Pluggable senders (``NOTIFY_SENDER``): the log (default) and an HTTP SMS/WhatsApp gateway."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """The message did not go out; it will be tried again later."""


class ConsoleSender:
    """Writes the message to the log instead of sending it (development, demo, tests)."""

    def send(self, *, phone: str, text: str, reference: str) -> str:
        logger.info("notification", extra={"reference": reference, "chars": len(text)})
        return f"console-{reference}"


class HttpGatewaySender:
    """POSTs ``{"to", "text", "reference"}`` as JSON to ``NOTIFY_GATEWAY_URL`` with
    ``Authorization: Bearer NOTIFY_GATEWAY_TOKEN``; any 2xx is sent (its JSON ``id`` is kept),
    anything else, a timeout or a refused connection raises :class:`SendFailed`."""

    def send(self, *, phone: str, text: str, reference: str) -> str:
        body = json.dumps({"to": phone, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(
            settings.NOTIFY_GATEWAY_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.NOTIFY_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(
                request, timeout=settings.NOTIFY_GATEWAY_TIMEOUT
            ) as response:
                payload = response.read(4096)
        except urllib.error.HTTPError as exc:
            raise SendFailed(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendFailed(type(getattr(exc, "reason", exc)).__name__) from exc
        try:
            return str(json.loads(payload or b"{}").get("id", ""))[:64]
        except (ValueError, AttributeError):
            return ""


SENDERS = {
    "console": "notifications.senders.ConsoleSender",
    "http": "notifications.senders.HttpGatewaySender",
}


def get_sender():
    return import_string(SENDERS.get(settings.NOTIFY_SENDER, settings.NOTIFY_SENDER))()
