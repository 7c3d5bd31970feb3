"""Benchmark a whole grant round on the current database, step by step.

    DEBUG=true python manage.py bench_round --rows 66000 [--serve] [--json]

Generates a realistic proposal list (:func:`devtools.management.commands.bench_import.generate`),
then runs the round as staff and the background worker run it, each step through the same
service the portal calls, and times each one:

- ``check``: the uploaded list read, checked and staged (``proposal_list_stage``);
- ``merge``: the list merged into the registry (``proposal_list_confirm``);
- ``outcome_workbook``: the XLSX outcome file of the list written to a file;
- ``bulk_verify``: every proposed application of the list verified at once;
- ``submission``: the ministry submission (batch, statuses, XLSX file);
- ``decision``: the ministry's decision file, 3,000 approved and the rest not listed
  (so rejected as not approved);
- ``bank_report``: the bank's report for the approved, 3,000 rows of which 50 failed;
- ``summary``: the dashboard summary rebuilt.

It prints each step's seconds and its ratio to the check step, and whether the targets hold
(no step after the check longer than check + merge; the whole round at most 4 × check +
merge). ``--json`` prints one object instead: ``steps`` (name → seconds), ``total_seconds``.

With ``--serve`` a real server (``runserver`` as ``./run`` starts it, or gunicorn with
``--server gunicorn``) runs on a free localhost port against the same database while two
client threads send status checks (``POST /cek-status/``) and staff logins
(``POST /admin/login/``) for the whole round; it prints how many answered 5xx or timed out,
and the p99 latency (``"served"`` in the JSON). Only 127.0.0.1 is ever contacted.

The round is committed (a server in another process must see it): it creates its own
program, users and owners, with NIKs shifted by a random serial so a second run on the same
database meets few owners of the first. Run it on a benchmark database, not on real data.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from aid import services
from aid.importing import review
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    ImportedFile,
    ImportStatus,
    Program,
    ProposalList,
    Status,
)
from registry.models import BankAccount

BASE_DIR = Path(settings.BASE_DIR)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STEPS = (
    "check",
    "merge",
    "outcome_workbook",
    "bulk_verify",
    "submission",
    "decision",
    "bank_report",
    "summary",
)
APPROVED = 3000
BANK_FAILED = 50


def _shift_niks(path: Path, offset: int) -> None:
    """Add ``offset`` to the serial (last four digits) of every well-formed NIK of the list,
    copies alike, so that NIKs of an earlier run on the same database are not met again."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    for row in rows[1:]:
        nik = row[1]
        if len(nik) == 16 and nik.isdigit():
            serial = (int(nik[12:]) + offset - 1) % 9999 + 1
            row[1] = f"{nik[:12]}{serial:04d}"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


class _Server:
    """A real web server in its own process, on a free localhost port, against ``env``'s
    database, with two client threads sending status checks and logins until stopped."""

    def __init__(self, kind: str, database_url: str, login: tuple[str, str], tmp: Path):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.login = login
        self.log = tmp / "server.log"
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(
            {
                "DATABASE_URL": database_url,
                "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "HTTPS": "false",
                # Measured here is the database, not the status page's rate limits.
                "STATUS_RATE_LIMITS_ENABLED": "false",
                "LOG_LEVEL": "WARNING",
            }
        )
        if kind == "gunicorn":
            env.update(
                {
                    "DEBUG": "false",
                    "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                    "GUNICORN_ACCESS_LOG": "/dev/null",
                    "STATIC_ROOT": str(tmp / "static"),
                    "STATICFILES_BACKEND": (
                        "django.contrib.staticfiles.storage.StaticFilesStorage"
                    ),
                }
            )
            command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
            command.append("umkm_portal.wsgi")
        else:
            env["DEBUG"] = "true"
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}"]
            command.append("--noreload")
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )
        self.latencies: list[float] = []
        self.by_request: dict[str, list[float]] = {}
        # (started, seconds, "METHOD /path", status) of every answer slower than a second.
        self.slow: list[tuple[float, float, str, int]] = []
        self.failed = 0
        self.statuses: dict[int, int] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise CommandError(f"the server did not answer:\n{self.log.read_text()[-3000:]}")

    def _request(self, conn, method, path, cookies, body=None):
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, payload.decode("utf-8", "replace")

    def _form(self, path: str, data: dict) -> int:
        """A browser's form POST: the page (CSRF cookie and token), then the POST; each
        request's answer and time is counted."""
        cookies: dict[str, str] = {}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            for method in ("GET", "POST"):
                started = time.perf_counter()
                try:
                    if method == "GET":
                        status, page = self._request(conn, "GET", path, cookies)
                        match = CSRF_INPUT.search(page)
                        if match:
                            data = {**data, "csrfmiddlewaretoken": match.group(1)}
                    else:
                        status, _page = self._request(conn, "POST", path, cookies, urlencode(data))
                except (OSError, http.client.HTTPException):
                    status = 0  # timed out or refused: a failure
                self._count(time.perf_counter() - started, status, started, f"{method} {path}")
                if status == 0 or status >= 500:
                    return status
            return status
        finally:
            conn.close()

    def _count(self, seconds: float, status: int, started: float, label: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_request.setdefault(label, []).append(seconds)
            if seconds > 1 or status == 0 or status >= 500:
                self.slow.append((started, seconds, label, status))
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 0 or status >= 500:
                self.failed += 1

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        username, password = self.login
        while not self.stopping.is_set():
            nik = f"3275{rng.randrange(10**12):012d}"
            self._form("/cek-status/", {"nik": nik, "phone_last4": f"{rng.randrange(10**4):04d}"})
            if self.stopping.is_set():
                break
            self._form("/admin/login/", {"username": username, "password": password})
            time.sleep(0.05)

    def start_clients(self) -> None:
        self.threads = [
            threading.Thread(target=self._client, args=(seed,), daemon=True) for seed in (1, 2)
        ]
        for thread in self.threads:
            thread.start()

    def stop(self, timeline: list | None = None) -> dict:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return {
            "requests": len(self.latencies),
            "failed": self.failed,
            "p99_ms": round(_percentile(self.latencies, 99) * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            # A login's POST hashes the password (PBKDF2, about a CPU-second on this box).
            "p99_ms_by_request": {
                label: round(_percentile(values, 99) * 1000, 1)
                for label, values in sorted(self.by_request.items())
            },
            # Answers slower than a second (or failed), with the step running when sent.
            "slow": [
                {
                    "step": next(
                        (name for name, begin, end in timeline or [] if begin <= at < end), ""
                    ),
                    "request": label,
                    "status": status,
                    "ms": round(seconds * 1000),
                }
                for at, seconds, label, status in sorted(self.slow)[:50]
            ],
        }


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if "memory" in str(db["NAME"]):
        raise CommandError("--serve needs a database another process can open (not :memory:).")
    return f"sqlite:///{db['NAME']}"


class Command(BaseCommand):
    help = "Time a whole round (check to bank report) on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=2000, help="rows of the list")
        parser.add_argument("--seed", type=int, help="random seed of the list (default: new)")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object"
        )
        parser.add_argument(
            "--serve",
            action="store_true",
            help="serve status checks and logins from a real server during the round",
        )
        parser.add_argument("--server", choices=("runserver", "gunicorn"), default="runserver")

    def handle(self, *args, rows: int, seed: int | None, as_json: bool, serve: bool, **options):
        seed = seed if seed is not None else random.randrange(1, 10**6)
        rng = random.Random(seed)
        say = (lambda *a: None) if as_json else self.stdout.write
        with tempfile.TemporaryDirectory(prefix="bench-round-") as tmp_name:
            tmp = Path(tmp_name)
            program, people, proposal_list = self._prepare(tmp, rows, seed, rng, say)
            server = None
            if serve:
                server = _Server(options["server"], _database_url(), people["login"], tmp)
                try:
                    server.wait_ready()
                except Exception:
                    server.stop()
                    raise
                server.start_clients()
                say(f"Serving status checks and logins on 127.0.0.1:{server.port}")
            timeline: list = []
            try:
                steps, facts = self._round(program, people, proposal_list, tmp, rng, say, timeline)
            finally:
                served = server.stop(timeline) if server else None
        check_merge = steps["check"] + steps["merge"]
        total = sum(steps.values())
        result = {
            "database": connection.vendor,
            "rows": rows,
            "seed": seed,
            "steps": {name: round(seconds, 3) for name, seconds in steps.items()},
            "total_seconds": round(total, 3),
            "facts": facts,
            "targets": {
                "slowest_after_check_le_check_merge": max(
                    seconds for name, seconds in steps.items() if name != "check"
                )
                <= check_merge,
                "total_le_4x_check_merge": total <= 4 * check_merge,
            },
        }
        if served is not None:
            result["served"] = served
        if as_json:
            self.stdout.write(json.dumps(result))
            return
        self._report(result, steps, served)

    # --- the round ----------------------------------------------------------------------

    def _prepare(self, tmp: Path, rows: int, seed: int, rng: random.Random, say):
        """The program, the staff members (one per role of the round, as separation of duties
        requires) and the uploaded list, all untimed."""
        from devtools.management.commands.bench_import import generate

        started = time.perf_counter()
        path = tmp / "daftar.csv"
        generate(path, rows, seed=seed)
        _shift_niks(path, rng.randrange(1000, 9000))
        stamp = f"{int(time.time())}-{seed}"
        program = Program.objects.create(
            code=f"round-{stamp}"[:30], name=f"Benchmark round {stamp}", amount=2_400_000
        )
        users = get_user_model().objects
        people = {
            role: users.create(username=f"bench-{role}-{stamp}"[:150], is_staff=True)
            for role in ("officer", "verifier", "submitter", "decider", "treasurer")
        }
        password = secrets.token_urlsafe(12)
        login = users.create_user(
            username=f"bench-login-{stamp}"[:150], password=password, is_staff=True
        )
        people["login"] = (login.username, password)
        proposal_list = ProposalList(
            program=program,
            proposer_name="Benchmark round",
            proposer_kind=ProposalList.ProposerKind.OTHER,
            original_filename="daftar.csv",
            uploaded_by=people["officer"],
            import_status=ImportStatus.UPLOADED,
        )
        with path.open("rb") as f:
            proposal_list.file.save(f"bench-round-{stamp}.csv", File(f), save=False)
        proposal_list.save()
        say(
            f"bench_round: {rows} rows on {connection.vendor} (seed {seed}); prepared in "
            f"{time.perf_counter() - started:.1f} s"
        )
        return program, people, proposal_list

    def _round(self, program, people, proposal_list, tmp: Path, rng, say, timeline: list):
        steps: dict[str, float] = {}
        facts: dict[str, int] = {}

        def timed(name: str, work):
            started = time.perf_counter()
            value = work()
            steps[name] = time.perf_counter() - started
            timeline.append((name, started, time.perf_counter()))
            say(f"  {name:<17}{steps[name]:8.2f} s")
            return value

        timed("check", lambda: services.proposal_list_stage(proposal_list=proposal_list))
        proposal_list.refresh_from_db()
        if proposal_list.import_status != ImportStatus.STAGED:
            raise CommandError(
                f"the list ended {proposal_list.import_status}: {proposal_list.import_error}"
            )
        facts["merged"] = timed(
            "merge",
            lambda: services.proposal_list_confirm(
                proposal_list=proposal_list, by=people["officer"]
            ),
        )
        facts["workbook_bytes"] = timed(
            "outcome_workbook",
            lambda: review.outcome_xlsx_write(proposal_list, tmp / "hasil.xlsx"),
        )
        of_list = Application.objects.filter(proposal_list=proposal_list)
        facts["verified"] = timed(
            "bulk_verify",
            lambda: (
                services.applications_verify(
                    applications=of_list.filter(status=Status.PROPOSED), by=people["verifier"]
                ).moved
            ),
        )
        batch = timed(
            "submission",
            lambda: services.submission_create(
                program=program,
                proposal_list=proposal_list,
                file_format="xlsx",
                by=people["submitter"],
            ),
        )
        facts["submitted"] = batch.rows
        approved = list(
            of_list.filter(status=Status.SUBMITTED)
            .filter(owner__bank_accounts__is_active=True)
            .values_list("owner__nik", flat=True)[:APPROVED]
        )
        decision_path = tmp / "keputusan.csv"
        with decision_path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(["NIK", "Nama"])
            writer.writerows([nik, ""] for nik in approved)
        decision = timed(
            "decision",
            lambda: self._returned_file(
                services.decision_file_import,
                services.decision_file_process,
                DecisionFile,
                decision_path,
                program=program,
                by=people["decider"],
                reject_missing=True,
            ),
        )
        facts["approved"] = decision.applied
        facts["not_approved"] = decision.not_approved
        bank_path = tmp / "laporan-bank.csv"
        self._write_bank_report(bank_path, program, approved, rng)
        report = timed(
            "bank_report",
            lambda: self._returned_file(
                services.bank_report_import,
                services.bank_report_process,
                BankReport,
                bank_path,
                program=program,
                by=people["treasurer"],
            ),
        )
        facts["bank_applied"] = report.applied
        facts["bank_refused"] = report.refused
        from dashboard.services import summary_refresh

        timed("summary", summary_refresh)
        return steps, facts

    @staticmethod
    def _returned_file(import_, process, model, path: Path, **kwargs) -> ImportedFile:
        """Upload a decision file or bank report as staff do; a big one is applied as the
        worker applies it (its task's body), right away."""
        with path.open("rb") as f:
            record = import_(file=f, filename=path.name, **kwargs)
        if record.state == ImportedFile.State.QUEUED:
            process(**{"decision_file" if model is DecisionFile else "bank_report": record})
        record = model.objects.get(pk=record.pk)
        if record.state == ImportedFile.State.FAILED:
            raise CommandError(f"{model.__name__} failed: {record.error}")
        return record

    @staticmethod
    def _write_bank_report(path: Path, program, niks: list[str], rng) -> None:
        accounts = dict(
            BankAccount.objects.filter(owner__nik__in=niks, is_active=True).values_list(
                "owner__nik", "account_number"
            )
        )
        bank_codes = dict(
            BankAccount.objects.filter(owner__nik__in=niks, is_active=True).values_list(
                "owner__nik", "bank__code"
            )
        )
        failed = set(rng.sample(niks, min(BANK_FAILED, len(niks))))
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(
                ["NIK", "No Rekening", "Kode Bank", "Nominal", "Tanggal", "Referensi", "Status"]
                + ["Keterangan"]
            )
            for number, nik in enumerate(niks, 1):
                writer.writerow(
                    [
                        nik,
                        accounts.get(nik, ""),
                        bank_codes.get(nik, ""),
                        program.amount,
                        # The day of the decision: a transfer before its approval is refused.
                        timezone.localdate().strftime("%d/%m/%Y"),
                        f"TRX-{program.pk}-{number:06d}",
                        "GAGAL" if nik in failed else "BERHASIL",
                        "Rekening tidak aktif" if nik in failed else "",
                    ]
                )

    def _report(self, result: dict, steps: dict, served: dict | None) -> None:
        out = self.stdout.write
        check = steps["check"] or 1e-9
        out(f"{'step':<19}{'seconds':>9}{'× check':>9}")
        for name, seconds in steps.items():
            out(f"{name:<19}{seconds:9.2f}{seconds / check:9.2f}")
        out(f"{'total':<19}{result['total_seconds']:9.2f}{result['total_seconds'] / check:9.2f}")
        out(f"facts: {result['facts']}")
        targets = result["targets"]
        out(
            "targets: slowest step after the check ≤ check + merge: "
            f"{'yes' if targets['slowest_after_check_le_check_merge'] else 'NO'}; "
            f"total ≤ 4 × (check + merge): {'yes' if targets['total_le_4x_check_merge'] else 'NO'}"
        )
        if served is not None:
            out(
                f"served during the round: {served['requests']} requests, "
                f"{served['failed']} 5xx or timed out, p99 {served['p99_ms']:.0f} ms "
                f"(statuses {served['statuses']})"
            )
            out(f"  p99 by request (ms): {served['p99_ms_by_request']}")
            for slow in served["slow"]:
                out(
                    f"  slow: {slow['request']} {slow['status']} {slow['ms']} ms during {slow['step']}"
                )
