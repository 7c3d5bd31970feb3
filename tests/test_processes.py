"""The portal across real processes, as ./run starts it: no SECRET_KEY in the environment, a
web server, a worker and commands, each its own process, on the embedded SQLite default.

Tests in one process never see what only happens between processes (a key drawn per process
left every owner refused at import "not found" under ./run). These start the real
processes, wait until they answer, and kill their process groups at the end.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The environment a test run sets that ./run does not.
NOT_UNDER_RUN = (
    "SECRET_KEY",
    "STATUS_LOOKUP_HASH_KEY",
    "DATABASE_URL",
    "TASKS_BACKEND",
    "HTTPS",
    "STATICFILES_BACKEND",
    "LOG_FORMAT",
)
REFUSED_NIK = "3275011708900001"  # its row lacks the KTP address: refused at import
LIST = (
    "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,Bidang Usaha,No HP\n"
    "3275014708850003,Siti Aminah,Jl. Melati 5,Bekasi Timur,Arenjaya,Warung Siti,Kuliner,"
    "081234567890\n"
    f"{REFUSED_NIK},Agus Salim,,Bekasi Timur,Arenjaya,Bengkel Agus,Otomotif,081298765432\n"
)

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the embedded SQLite default of ./run (its own database in a temporary VAR_DIR)",
)


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_UNDER_RUN}
    env.update(DEBUG="true", VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


def _manage(env: dict, *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Long-running processes, each in its own process group, all killed at the end."""

    def __init__(self, env: dict, logs: Path):
        self.env = env
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.logs / f"{name}-{len(self.started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)

    def stop_all(self) -> None:
        for process in self.started:
            self.stop(process)

    def log_text(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(self.logs.iterdir())
        )


@pytest.fixture
def processes(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    running = Processes(_env(tmp_path / "var"), logs)
    yield running
    running.stop_all()


def _serve(processes: Processes, port: int) -> subprocess.Popen:
    """Start runserver as ./run does and wait until it answers (up to two minutes)."""
    server = processes.start("runserver", "runserver", f"127.0.0.1:{port}", "--noreload")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, "runserver stopped:\n" + processes.log_text()
        health = f"http://127.0.0.1:{port}/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=5) as r:
            if r.status == 200:
                return server
        time.sleep(0.3)
    raise AssertionError("runserver did not answer in time:\n" + processes.log_text())


def _status_check(port: int, nik: str, last4: str) -> str:
    """The status form as a browser sends it: the page first (CSRF cookie and token)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    url = f"http://127.0.0.1:{port}/cek-status/"
    with opener.open(url, timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "nik": nik, "phone_last4": last4}
    ).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    with opener.open(request, timeout=30) as response:
        assert response.status == 200
        return re.sub(r"\s+", " ", response.read().decode())


def test_an_owner_refused_at_a_command_line_import_finds_it_after_a_server_restart(
    processes, tmp_path
):
    env = processes.env
    _manage(env, "migrate", "--noinput")
    _manage(env, "shell", "-c", "from aid import services; services.program_ensure_bpum_2020()")
    port = _free_port()
    server = _serve(processes, port)
    processes.start("db_worker", "db_worker", "--interval", "1", "--no-reload")

    upload = tmp_path / "arenjaya.csv"
    upload.write_text(LIST)
    _manage(
        env,
        "import_proposals",
        str(upload),
        "--program",
        "bpum-2020",
        "--proposer",
        "Kelurahan Arenjaya",
        "--commit",
    )
    processes.stop(server)
    _serve(processes, port)

    page = _status_check(port, REFUSED_NIK, "5432")
    assert "Usulan dari Kelurahan Arenjaya" in page, page[:2000]
    assert "Data kurang lengkap" in page
    # Wrong digits still get the page that reveals nothing.
    assert "Usulan dari" not in _status_check(port, REFUSED_NIK, "0000")

    # The keys every process shared: created once, by the first, readable by their owner only.
    var = Path(env["VAR_DIR"])
    for name in ("secret_key", "status_lookup_hash_key", "db.sqlite3"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    assert stat.S_IMODE(var.stat().st_mode) == 0o700


def test_run_refuses_a_port_another_program_holds_and_prints_no_logins(tmp_path):
    """Before, ./run's start-up check talked to the other program and printed the logins
    while its own server died."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = subprocess.run(
            ["./run", "--port", str(port)],
            cwd=ROOT,
            env=_env(tmp_path / "var"),
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert result.returncode == 1
    assert f"Port {port} sudah dipakai program lain, jadi portal tidak dijalankan." in result.stderr
    assert f"./run --port {port + 1}" in result.stderr
    assert "Masuk di" not in result.stdout and "Portal:" not in result.stdout


def test_run_refuses_a_port_that_is_not_a_number():
    result = subprocess.run(
        ["./run", "--port", "delapan"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert 'Port harus berupa angka 1-65535 (bukan "delapan")' in result.stderr
