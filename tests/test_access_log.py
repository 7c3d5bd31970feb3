"""gunicorn's logs as production runs them: one JSON object per line, the trusted address."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(raw)
        return conn.recv(65536)


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with gunicorn.conf.py in front of the app: (port, stop() -> log lines)."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DATABASE_URL")},
        "DEBUG": "false",
        "HTTPS": "false",
        "VAR_DIR": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "umkm_portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start:\n" + process.stdout.read())
            time.sleep(0.2)

    def stop() -> list[str]:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        return [line for line in output.splitlines() if line.strip()]

    yield port, stop
    if process.poll() is None:
        process.kill()
        process.wait()


def test_every_line_gunicorn_writes_is_json_whatever_the_client_sends(gunicorn):
    port, stop = gunicorn
    _send(
        port,
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        b'X-Real-IP: 6.6.6.6\r\nUser-Agent: Mozilla "pecah" \\\r\n\r\n',
    )
    _send(port, b"GET /tidak-ada/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")

    lines = stop()

    entries = [json.loads(line) for line in lines]  # every line, not only the access log's
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert [e["status"] for e in access] == [200, 404]
    first = access[0]
    assert first["user_agent"] == 'Mozilla "pecah" \\'
    # Without TRUSTED_PROXY_IP_HEADER, a client's own X-Real-IP is not its address.
    assert first["remote"] == "127.0.0.1"
    assert first["path"] == "/healthz" and first["method"] == "GET"


def test_behind_a_proxy_the_access_log_names_the_client_as_the_app_does(settings):
    from gunicorn.config import Config

    from umkm_portal.gunicorn_logging import JsonLogger

    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    logger = JsonLogger(Config())
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, ::ffff:203.0.113.5",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
    }
    assert logger.access_fields(environ)["remote"] == "203.0.113.5"
