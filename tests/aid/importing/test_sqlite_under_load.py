"""The embedded default (SQLite file, ``runserver`` + ``db_worker``) under its own work.

A real ``manage.py db_worker`` process checks a generated list of tens of thousands of rows
while other threads post status checks and staff logins to a real server on the same SQLite
file; then staff merge the list through the admin while the checks go on. Nothing may answer
500 ("database is locked"), every check must be answered, and the list must end staged and
then merged.

pytest-django's SQLite test database lives in memory, which other processes cannot open, so
this test builds its own database file in a temporary folder and drives subprocesses.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
ROWS = 30_000
ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")

SETUP = """
import random
from pathlib import Path
from django.contrib.auth import get_user_model
from devtools.management.commands.bench_import import generate
from aid.models import Program
from registry import fakes

get_user_model().objects.create_superuser("admin", "", "rahasia-uji-123")
Program.objects.create(code="bpum-uji", name="BPUM uji", amount=2_400_000, one_time=True)
generate(Path({path!r}), {rows})
rng = random.Random(7)
Path({niks!r}).write_text("\\n".join(fakes.nik(rng) for _ in range(50)))
"""

UPLOAD = """
from pathlib import Path
from aid import services
from aid.models import Program, ProposalList

with Path({path!r}).open("rb") as f:
    created = services.proposal_list_upload(
        program=Program.objects.get(code="bpum-uji"),
        proposer_name="Kelurahan Uji",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        file=f,
        filename="daftar.csv",
    )
print(created.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that sends Django's CSRF token like a form does."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self) -> int:
        self.request("/admin/login/")
        status, _ = self.request(
            "/admin/login/?next=/admin/",
            {"username": "admin", "password": "rahasia-uji-123", "next": "/admin/"},
        )
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.skipif(
    not ON_SQLITE, reason="SQLite-specific: one file shared by the web server and the worker"
)
def test_a_large_import_never_locks_out_status_checks_logins_or_the_worker(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "false",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "STATUS_RATE_LIMITS_ENABLED": "false",
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    python = [sys.executable, "manage.py"]

    def manage(*args: str) -> str:
        done = subprocess.run(
            [*python, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    list_path, niks_path = tmp_path / "daftar.csv", tmp_path / "niks.txt"
    manage("migrate", "--noinput", "-v0")
    manage("shell", "-c", SETUP.format(path=str(list_path), rows=ROWS, niks=str(niks_path)))
    niks = niks_path.read_text().split()

    logs = {name: (tmp_path / f"{name}.log").open("w+") for name in ("server", "worker")}
    server = subprocess.Popen(
        [*python, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=logs["server"],
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [*python, "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=logs["worker"],
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    answers: Counter[str] = Counter()
    failures: list[str] = []

    def status_checks(seed: int) -> None:
        rng = random.Random(seed)
        client = Browser(base)
        client.request("/cek-status/")
        while not stop.is_set():
            status, body = client.request(
                "/cek-status/", {"nik": rng.choice(niks), "phone_last4": "1234"}
            )
            answers[f"status check {status}"] += 1
            if status != 200:
                failures.append(f"/cek-status/ -> {status}: {body[:300]!r}")

    def logins() -> None:
        while not stop.is_set():
            status = Browser(base).login()
            answers[f"login {status}"] += 1
            if status != 302:
                failures.append(f"/admin/login/ -> {status}")

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        staff = Browser(base)
        assert staff.login() == 302

        threads = [threading.Thread(target=status_checks, args=(n,)) for n in range(3)]
        threads.append(threading.Thread(target=logins))
        for thread in threads:
            thread.start()

        list_id = int(manage("shell", "-c", UPLOAD.format(path=str(list_path))).split()[-1])
        status_url = f"/admin/aid/proposallist/{list_id}/impor/status.json"

        def wait_for(wanted: set[str], seconds: float) -> dict:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                code, body = staff.request(status_url)
                assert code == 200, body[:300]
                state = json.loads(body)
                if state["status"] in wanted:
                    return state
                assert worker.poll() is None, "the worker process died"
                time.sleep(0.3)
            raise AssertionError(f"list still {state['status']} after {seconds} s: {state}")

        state = wait_for({"staged", "refused", "failed"}, 180)
        assert state["status"] == "staged", state
        assert state["rows_read"] == ROWS

        # The merge is a background job: the request only queues it and redirects to the
        # job's page; the worker merges.
        code, _ = staff.request(f"/admin/aid/proposallist/{list_id}/impor/gabungkan/", {})
        assert code == 302
        state = wait_for({"merged"}, 300)
        assert state["counts"]["merged"] > ROWS * 0.8
        time.sleep(0.5)  # status checks after the merge, too
    finally:
        stop.set()
        for thread in threads if "threads" in locals() else []:
            thread.join(timeout=70)
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.seek(0)
        server_log, worker_log = logs["server"].read(), logs["worker"].read()
        for log in logs.values():
            log.close()

    assert not failures, (
        f"{len(failures)} failed requests, e.g. {failures[:3]}\n{server_log[-3000:]}"
    )
    assert answers["status check 200"] > 10, answers
    assert answers["login 302"] > 3, answers
    assert "database is locked" not in server_log + worker_log, worker_log[-3000:]
