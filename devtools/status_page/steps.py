"""What each step of a status check and each middleware costs, measured in this process.

Requests go through Django's WSGI handler exactly as gunicorn hands them over (a POST with a
CSRF cookie and token, ``DEBUG`` off as the caller sets it), without a server or a network:
what is left is the portal's own work per request. Each figure is the best of ``rounds``
runs of ``n`` calls, in milliseconds of CPU time of this process (time spent waiting on the
database is not in it: the database's own share shows in the wrk mode's throughput).
"""

from __future__ import annotations

import gc
import io
import logging
import sys
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils import translation

from complaints.selectors import complaints_for_owner
from public import services
from public.forms import StatusCheckForm
from umkm_portal.owner_tokens import owner_token


def _environ(path: str, body: bytes, cookie: str) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_COOKIE": f"csrftoken={cookie}",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


class Client:
    """POSTs probes through a WSGI handler, as gunicorn would call it."""

    def __init__(self, probes: list[tuple[str, str]], handler: WSGIHandler | None = None):
        self.probes = probes
        self.handler = handler or WSGIHandler()
        self.cookie = _get_new_csrf_string()
        self.token = _mask_cipher_secret(self.cookie)
        self.i = 0

    def post(self, path: str) -> None:
        nik, digits = self.probes[self.i % len(self.probes)]
        self.i += 1
        body = urlencode({"csrfmiddlewaretoken": self.token, "nik": nik, "phone_last4": digits})
        status = []
        response = self.handler(
            _environ(path, body.encode(), self.cookie), lambda s, h, e=None: status.append(s)
        )
        b"".join(response)
        response.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"{path} answered {status[0]}")


def best(call: Callable[[], object], *, n: int, rounds: int) -> float:
    """Milliseconds of this process's CPU per call, the best of ``rounds`` runs of ``n``."""
    times = []
    for _ in range(rounds):
        # A full garbage collection landing in one run and not another is noise larger than
        # some of the differences measured here: collect first, none during the run.
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            for _ in range(n):
                call()
            times.append((time.process_time() - started) / n * 1000)
        finally:
            gc.enable()
    return min(times)


def measure(probes: list[tuple[str, str]], *, n: int = 400, rounds: int = 5) -> list[tuple]:
    """(what, ms per check) for the whole check, the comparison view, each step of a check
    and each middleware left out in turn."""
    found = [p for i, p in enumerate(probes) if i % 10][: max(1, n)]
    rows = []
    with override_settings(ROOT_URLCONF="devtools.status_page.urls"):
        client = Client(found)
        for _ in range(min(n, 50)):  # warm: templates compiled, statements prepared
            client.post("/cek-status/")
            client.post("/bench/one-row/")
        whole = best(lambda: client.post("/cek-status/"), n=n, rounds=rounds)
        rows.append(("the whole status check, every middleware", whole))
        rows.append(
            (
                "the portal's one-row view, every middleware",
                best(lambda: client.post("/bench/one-row/"), n=n, rounds=rounds),
            )
        )
        rows += _steps(found, n=n, rounds=rounds)
        for middleware in settings.MIDDLEWARE:
            rows.append(_without(middleware, client, found, n=n, rounds=rounds))
    return rows


def _without(middleware: str, full: Client, found, *, n: int, rounds: int) -> tuple:
    """The check with every middleware minus the check without ``middleware``: both timed in
    turns, round by round, so a slow moment of the machine falls on both."""
    name = f"middleware {middleware.rsplit('.', 1)[-1]} (the check without it)"
    quiet = logging.getLogger("django.request")
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != middleware]):
        other = Client(found, WSGIHandler())
        quiet.disabled = True  # a 500 without it is the answer here, not an error to log
        try:
            for _ in range(min(n, 20)):
                other.post("/cek-status/")
        except RuntimeError:  # another middleware needs this one
            return (name, None)
        finally:
            quiet.disabled = False
        with_it, without_it = [], []
        for _ in range(rounds):
            with_it.append(best(lambda: full.post("/cek-status/"), n=n, rounds=1))
            without_it.append(best(lambda: other.post("/cek-status/"), n=n, rounds=1))
    return (name, min(with_it) - min(without_it))


def settings_in_process():
    """What the measured process needs to answer like the production server does."""
    return override_settings(
        DEBUG=False,
        STATUS_RATE_LIMITS_ENABLED=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        SECURE_SSL_REDIRECT=False,
    )


def _steps(found: list[tuple[str, str]], *, n: int, rounds: int) -> list[tuple]:
    cycle = iter(range(10**9))

    def probe():
        return found[next(cycle) % len(found)]

    nik, digits = found[0]
    nik_hash = services.nik_digest(nik)
    result = services.status_check(
        nik=nik, phone_last4=digits, nik_hash=nik_hash, client_ip="127.0.0.1"
    )
    request = RequestFactory().post("/cek-status/")
    context = {
        "result": result,
        "owner_token": owner_token(nik_hash),
        "complaints": complaints_for_owner(nik_hash),
    }

    def lookup():
        nik, digits = probe()
        services.status_check(nik=nik, phone_last4=digits, nik_hash=nik_hash, client_ip="127.0.0.1")

    def form():
        nik, digits = probe()
        StatusCheckForm({"nik": nik, "phone_last4": digits}).is_valid()

    with translation.override(settings.LANGUAGE_CODE):
        return [
            ("step: the form (NIK and digits checked)", best(form, n=n, rounds=rounds)),
            (
                "step: NIK hash and owner token",
                best(lambda: owner_token(services.nik_digest(probe()[0])), n=n, rounds=rounds),
            ),
            ("step: the lookup and its log row (Python side)", best(lookup, n=n, rounds=rounds)),
            (
                "step: the owner's requests (pengaduan)",
                best(lambda: complaints_for_owner(nik_hash), n=n, rounds=rounds),
            ),
            (
                "step: rendering the result page",
                best(
                    lambda: render_to_string("public/status_result.html", context, request=request),
                    n=n,
                    rounds=rounds,
                ),
            ),
        ]
