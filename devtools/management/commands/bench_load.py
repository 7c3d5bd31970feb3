"""Load test: gunicorn (production settings) on this machine, driven by Python threads.

Starts gunicorn with ``gunicorn.conf.py`` (2 workers by default) on a free localhost port,
against the configured database (PostgreSQL in a real run) and ``--cache-url`` (Redis),
sends a bounded number of requests from ``--concurrency`` threads, stops gunicorn and prints
requests per second, latency percentiles and error counts, overall and per URL.

    DATABASE_URL=postgres://... python manage.py bench_load --requests 2000 --concurrency 8

The mix is configurable (``--url "GET /healthz"`` repeated); by default it is the landing page,
the health check, the admin login page, and the public status check (``POST /cek-status/``)
when that page exists. A POST first fetches its page for the CSRF cookie and token. Answers
429 (rate limited) are counted apart from errors. Only localhost is ever contacted.
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import Resolver404, resolve

BASE_DIR = Path(settings.BASE_DIR)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DEFAULT_URLS = ["GET /", "GET /healthz", "GET /admin/login/"]
STATUS_CHECK = "POST /cek-status/"


@dataclass
class Results:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    statuses: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, url: str, seconds: float, status: int | None, error: str = "") -> None:
        with self.lock:
            self.latencies[url].append(seconds)
            self.statuses[url][status or 0] += 1
            if error:
                self.errors[url] += 1


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite" and "memory" not in str(db["NAME"]):
        return f"sqlite:///{db['NAME']}"
    raise CommandError("bench_load needs a database another process can open (PostgreSQL).")


class Client:
    """One keep-alive connection per thread, with its own cookies (for CSRF)."""

    def __init__(self, port: int, post_data: dict):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.post_data = post_data

    def _send(self, method: str, path: str, body: str | None = None, headers=None):
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload

    def run(self, method: str, path: str) -> int:
        if method == "GET":
            return self._send("GET", path)[0]
        # A form POST as a browser sends it: the page first, for the CSRF cookie and token.
        status, page = self._send("GET", path)
        match = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        data = dict(self.post_data)
        if match:
            data["csrfmiddlewaretoken"] = match.group(1)
        body = urlencode(data)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._send("POST", path, body, headers)[0]


class Command(BaseCommand):
    help = "Load-test the portal under gunicorn on localhost and print throughput and latency."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=1000, help="Total requests.")
        parser.add_argument("--duration", type=float, default=60, help="Stop after seconds.")
        parser.add_argument("--concurrency", type=int, default=8, help="Client threads.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument(
            "--url",
            action="append",
            dest="urls",
            help='"METHOD /path", repeatable (default: the landing page, /healthz, the admin '
            "login page and POST /cek-status/ when it exists).",
        )
        parser.add_argument(
            "--post-data",
            action="append",
            default=[],
            help="key=value sent with every POST, repeatable (e.g. nik=3275...).",
        )
        parser.add_argument(
            "--cache-url",
            default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7"),
            help="CACHE_URL of the gunicorn workers (shared Redis).",
        )
        parser.add_argument("--database-url", help="Default: this process's database.")

    def handle(self, *args, **options):
        urls = options["urls"] or self._default_urls()
        mix = []
        for spec in urls:
            method, _, path = spec.strip().partition(" ")
            if method.upper() not in ("GET", "POST") or not path.startswith("/"):
                raise CommandError(f"--url must look like 'GET /path', not {spec!r}")
            mix.append((method.upper(), path))
        post_data = dict(item.split("=", 1) for item in options["post_data"])
        port = _free_port()
        with tempfile.TemporaryDirectory(prefix="umkm-bench-") as tmp:
            env = self._environment(options, port, Path(tmp))
            self._collectstatic(env)
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py")]
                + ["umkm_portal.wsgi"],
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(Path(tmp) / "gunicorn.log", "w"),  # noqa: SIM115
                start_new_session=True,
            )
            try:
                self._wait_ready(port, server, Path(tmp) / "gunicorn.log")
                results, elapsed = self._drive(port, mix, post_data, options)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
        self._report(results, elapsed, options)

    def _default_urls(self) -> list[str]:
        urls = list(DEFAULT_URLS)
        try:
            resolve(urlsplit(STATUS_CHECK.split(" ", 1)[1]).path)
            urls.append(STATUS_CHECK)
        except Resolver404:
            pass
        return urls

    def _environment(self, options, port: int, tmp: Path) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                # The digests already in the database (refused proposals) are keyed by it.
                "STATUS_LOOKUP_HASH_KEY": settings.STATUS_LOOKUP_HASH_KEY,
                "ALLOWED_HOSTS": "127.0.0.1",
                # Plain HTTP on localhost: no TLS proxy in front of this run.
                "HTTPS": "false",
                "DATABASE_URL": options["database_url"] or _database_url(),
                "CACHE_URL": options["cache_url"],
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(options["workers"]),
                "GUNICORN_ACCESS_LOG": "/dev/null",
                "LOG_LEVEL": "WARNING",
                "STATIC_ROOT": str(tmp / "static"),
                "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
            }
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def _collectstatic(self, env: dict) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )

    def _wait_ready(self, port: int, server: subprocess.Popen, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise CommandError(f"gunicorn did not become healthy:\n{log.read_text()[-3000:]}")

    def _drive(self, port, mix, post_data, options) -> tuple[Results, float]:
        results = Results()
        total = options["requests"]
        counter = iter(range(total))
        counter_lock = threading.Lock()
        deadline = time.monotonic() + options["duration"]

        def worker():
            client = Client(port, post_data)
            while time.monotonic() < deadline:
                with counter_lock:
                    n = next(counter, None)
                if n is None:
                    return
                method, path = mix[n % len(mix)]
                label = f"{method} {path}"
                started = time.perf_counter()
                try:
                    status = client.run(method, path)
                except (OSError, http.client.HTTPException) as exc:
                    results.add(label, time.perf_counter() - started, None, type(exc).__name__)
                    continue
                failed = status >= 500 or (status >= 400 and status != 429)
                results.add(label, time.perf_counter() - started, status, "x" if failed else "")

        threads = [threading.Thread(target=worker) for _ in range(options["concurrency"])]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, time.perf_counter() - started

    def _report(self, results: Results, elapsed: float, options) -> None:
        every = [s for values in results.latencies.values() for s in values]
        if not every:
            raise CommandError("no request completed")
        errors = sum(results.errors.values())
        limited = sum(statuses.get(429, 0) for statuses in results.statuses.values())
        out = self.stdout.write
        out(
            f"bench_load: gunicorn {options['workers']} workers, {options['concurrency']} "
            f"client threads, database {connection.vendor}, cache {options['cache_url']}"
        )
        out(
            f"requests {len(every)} in {elapsed:.2f} s = {len(every) / elapsed:.1f} req/s; "
            f"errors {errors}; rate-limited (429) {limited}"
        )
        out(f"{'url':<26}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")

        def row(label, values, statuses=""):
            figures = "".join(f"{_percentile(values, p) * 1000:>9.1f}" for p in (50, 95, 99))
            out(f"{label:<26}{len(values):>7}{figures}  {statuses}")

        for label, values in sorted(results.latencies.items()):
            statuses = results.statuses[label]
            row(label, values, " ".join(f"{k or 'exc'}:{n}" for k, n in sorted(statuses.items())))
        row("all", every)
