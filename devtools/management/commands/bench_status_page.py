"""Measure the status check against a minimal one-row view, under gunicorn, in one run.

    python manage.py bench_status_page --applications 100000 --concurrency 32 --seconds 20

Adds fake owners and applications to the *current* database until it holds at least
``--applications`` (never run it against production data), starts gunicorn on a free
localhost port with rate limits lifted and the comparison view mounted, loads both views
with the same number of concurrent clients, and prints requests/s and p50/p99 latency.

When wrk is installed (``--load-generator auto``, the default, or ``wrk``), wrk drives the
server instead of the Python clients, and a third view joins the comparison: the same
one-row view served by a second gunicorn with Django's default middleware and nothing else
(``devtools.status_page.stock_wsgi``), the yardstick for the portal's own per-request work.

``--steps`` starts no server: it times, in this process, the whole check, the one-row view,
each step of a check and the check without each middleware in turn (``devtools.status_page.steps``).
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from aid.models import Application
from devtools.status_page import cpu, load, seed, steps, wrk

HOST = "127.0.0.1"
ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The current connection as a URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            auth += ":" + quote(db["PASSWORD"], safe="")
        return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise CommandError("The benchmark needs a database file, not an in-memory database.")
        return f"sqlite:///{Path(name).resolve()}"
    raise CommandError(f"Unsupported database: {connection.vendor}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Ukur kecepatan halaman cek status dibandingkan tampilan minimal (gunicorn, lokal)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--concurrency", type=int, default=32)
        parser.add_argument("--seconds", type=float, default=20.0, help="per view")
        parser.add_argument("--warmup", type=float, default=2.0, help="per view, not measured")
        parser.add_argument("--rounds", type=int, default=4, help="turns each view takes")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--threads", type=int, default=4, help="per worker, as gunicorn.conf.py; 1: sync"
        )
        parser.add_argument("--max-requests", type=int, default=1_000_000, help="per view")
        parser.add_argument("--probes", type=int, default=2000, help="distinct owners asked")
        parser.add_argument(
            "--steps",
            action="store_true",
            help="no server: time each step of a check and each middleware in this process",
        )
        parser.add_argument("--step-calls", type=int, default=400, help="--steps: calls a run")
        parser.add_argument("--step-rounds", type=int, default=5, help="--steps: runs, best kept")
        parser.add_argument(
            "--load-generator",
            choices=["auto", "wrk", "python"],
            default="auto",
            help="auto: wrk when installed, else the Python clients",
        )

    def handle(self, *args, **o):
        started = time.perf_counter()
        added = seed.ensure_applications(o["applications"])
        total = Application.objects.count()
        self.stdout.write(
            f"{connection.vendor}: {total} permohonan ({added} ditambahkan dalam "
            f"{time.perf_counter() - started:.1f} s)"
        )
        probes = self._probes(o["probes"])
        if o["steps"]:
            self._report_steps(probes, o["step_calls"], o["step_rounds"])
            return None
        use_wrk = o["load_generator"] == "wrk" or (
            o["load_generator"] == "auto" and wrk.available()
        )
        if o["load_generator"] == "wrk" and not wrk.available():
            raise CommandError("wrk is not installed (apt-get install -y wrk)")
        port = free_port()
        servers = [self._start_gunicorn(port, o["workers"], o["threads"])]
        views = [
            ("minimal: one row by NIK", port, "/bench/one-row/", b"True"),
            ("status check (POST /cek-status/)", port, "/cek-status/", b"masked-name"),
        ]
        server_of = {port: servers[0]}
        cpu_used: dict[str, cpu.Sample] = {}
        try:
            self._wait_ready(servers[0], port, "/cek-status/")
            if use_wrk:
                stock_port = free_port()
                servers.append(
                    self._start_gunicorn(
                        stock_port,
                        o["workers"],
                        o["threads"],
                        app="devtools.status_page.stock_wsgi:application",
                    )
                )
                self._wait_ready(servers[1], stock_port, "/bench/one-row/")
                server_of[stock_port] = servers[1]
                views.insert(0, ("stock: one row, default middleware", stock_port, *views[0][2:]))
                # One CSRF cookie and token for every connection: the token is checked against
                # the cookie alone, so the stock server accepts the portal's too.
                session = load.csrf_session(HOST, port)
            results = [(wrk if use_wrk else load).Result(view[0]) for view in views]
            # The views take turns in short rounds, so that a burst of other work on the
            # machine falls on all of them rather than on one.
            for round_ in range(o["rounds"] + 1):
                seconds = o["seconds"] / o["rounds"] if round_ else o["warmup"]
                for (name, view_port, path, marker), total in zip(views, results, strict=True):
                    before = cpu.Sample.take(server_of[view_port].pid) if cpu.available() else None
                    if use_wrk:
                        measured = wrk.run(
                            name,
                            host=HOST,
                            port=view_port,
                            path=path,
                            probes=probes,
                            session=session,
                            concurrency=o["concurrency"],
                            seconds=seconds,
                            found_marker=marker,
                        )
                    else:
                        measured = load.run(
                            name,
                            host=HOST,
                            port=view_port,
                            path=path,
                            probes=probes,
                            concurrency=o["concurrency"],
                            seconds=seconds,
                            max_requests=o["max_requests"],
                            found_marker=marker,
                        )
                    if round_:  # round 0 warms up connections, caches and the workers
                        total.add(measured)
                        if before is not None:
                            used = cpu.Sample.take(server_of[view_port].pid) - before
                            cpu_used[name] = cpu_used.get(name, cpu.ZERO) + used
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
        self._report(results, o, "wrk" if use_wrk else "Python clients")
        if cpu_used:
            self._report_cpu(results, cpu_used, "wrk" if use_wrk else "Python clients")
        return None

    def _probes(self, count: int) -> list[tuple[str, str]]:
        """Owners with an application: 9 in 10 with the right phone digits, 1 in 10 wrong."""
        rng = random.Random(5)
        # Drawn from the ids that exist: ids are not dense (PostgreSQL sequences are not
        # reset between test runs), and a draw from 1..max could find only the one probe
        # that is meant to have the wrong digits.
        with_phone = Application.objects.exclude(owner__phone="")
        ids = list(with_phone.order_by("pk").values_list("pk", flat=True))
        chosen = rng.sample(ids, min(count, len(ids)))
        rows = list(with_phone.filter(pk__in=chosen).values_list("owner__nik", "owner__phone"))
        if not rows:
            raise CommandError("No applications with a phone number to ask about.")
        probes = []
        for n, (nik, phone) in enumerate(rows):
            digits = phone[-4:] if n % 10 else f"{(int(phone[-4:]) + 1) % 10000:04d}"
            probes.append((nik, digits))
        rng.shuffle(probes)
        return probes

    def _start_gunicorn(
        self,
        port: int,
        workers: int,
        threads: int,
        app: str = "devtools.status_page.wsgi:application",
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            # Plain HTTP on localhost, as behind the TLS-terminating proxy (no HTTPS redirect).
            "HTTPS": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            # The digests of refused proposals seeded here are keyed by it.
            "STATUS_LOOKUP_HASH_KEY": settings.STATUS_LOOKUP_HASH_KEY,
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "STATUS_RATE_LIMITS_ENABLED": "false",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            f"--backlog={2048}",
            "--log-level=warning",
        ]
        # Explicit either way: gunicorn also reads gunicorn.conf.py from the project folder.
        command += [
            f"--worker-class={'gthread' if threads > 1 else 'sync'}",
            f"--threads={threads}",
        ]
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def _wait_ready(self, server: subprocess.Popen, port: int, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise CommandError("gunicorn did not answer within 60 s")

    def _report_steps(self, probes: list[tuple[str, str]], calls: int, rounds: int) -> None:
        with steps.settings_in_process():
            rows = steps.measure(probes, n=calls, rounds=rounds)
        self.stdout.write(
            f"\nms of CPU per status check, in this process (best of {rounds} × {calls}):"
        )
        for what, ms in rows:
            figure = "needed by another" if ms is None else f"{ms:8.3f}"
            self.stdout.write(f"  {what:<64} {figure:>8}")

    def _report_cpu(self, results: list, used: dict, generator: str) -> None:
        """CPU per request of each part: where a view's cost lies on this machine."""
        self.stdout.write(f"\nms of CPU per request (from /proc; load generator: {generator})")
        header = f"{'view':<34} {'server':>8} {'database':>9} {'load':>8} {'total':>8}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            sample = used.get(r.name)
            if sample is None or not r.requests:
                continue
            parts = [sample.server, sample.database, sample.load]
            per = [1000 * part / r.requests for part in parts]
            self.stdout.write(
                f"{r.name:<34} {per[0]:>8.3f} {per[1]:>9.3f} {per[2]:>8.3f} {sum(per):>8.3f}"
            )

    def _report(self, results: list, o: dict, generator: str) -> None:
        self.stdout.write(
            f"\ngunicorn {o['workers']} workers"
            + (f" × {o['threads']} threads" if o["threads"] > 1 else " (sync)")
            + f", {o['concurrency']} concurrent clients ({generator}), "
            + f"{o['seconds']:g} s per view\n"
        )
        header = (
            f"{'view':<34} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            bad = r.errors + sum(n for status, n in r.statuses.items() if status != 200)
            self.stdout.write(
                f"{r.name:<34} {r.requests:>9} {r.throughput:>8.0f} "
                f"{r.percentile(50):>8.1f} {r.percentile(99):>8.1f} {bad:>7}"
            )
        *_, minimal, status = results
        self.stdout.write("")
        if len(results) == 3:
            stock = results[0]
            for r in (minimal, status):
                ratio = r.throughput / stock.throughput if stock.throughput else 0.0
                self.stdout.write(f"{r.name} / stock throughput: {ratio:.0%}")
            self.stdout.write("(target: status check ≥ 50% of stock, p99 ≤ 100 ms)")
        ratio = status.throughput / minimal.throughput if minimal.throughput else 0.0
        self.stdout.write(
            f"status check / minimal throughput: {ratio:.0%}; "
            f"status check p99 {status.percentile(99):.1f} ms"
        )
        self.stdout.write(f"status checks that found an owner: {status.found} of {status.requests}")
