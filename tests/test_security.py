"""Security headers on every page, HTTPS behaviour, error pages and the health check."""

import json
import logging
import sys

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from umkm_portal import roles
from umkm_portal.logs import JsonFormatter

pytestmark = pytest.mark.django_db

# Page name -> (path, needs a staff login, expected status)
PAGES = {
    "landing": ("/", False, 200),
    "admin login": ("/admin/login/", False, 200),
    "healthz": ("/healthz", False, 200),
    "404": ("/tidak-ada/", False, 404),
    "admin index": ("/admin/", True, 200),
    "changelist": ("/admin/aid/application/", True, 200),
    "owner page": (None, True, 200),
}


@pytest.fixture
def https(settings):
    """Production's HTTPS settings, which the suite otherwise leaves off (tests/testenv.py)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_page_carries_the_security_headers(https, make_staff, owner, client):
    for name, (path, staff, status) in PAGES.items():
        if staff and "_auth_user_id" not in client.session:
            client.force_login(make_staff(roles.VERIFIKATOR))
        path = path or reverse("admin:registry_owner_change", args=[owner.pk])
        response = client.get(path, secure=True)
        assert response.status_code == status, name
        csp = _csp(response)
        assert csp["default-src"] == "'self'", name
        assert csp["script-src"].startswith("'self'"), name
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], name
        assert csp["frame-ancestors"] == "'none'", name
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "same-origin", name
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), name


def test_plain_http_is_redirected_to_https_except_the_health_check(https, client):
    response = client.get("/admin/login/")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/admin/login/"
    assert client.get("/healthz").status_code == 200


def test_session_cookie_is_secure_httponly_and_ends_with_the_browser(https, make_staff, client):
    user = make_staff(roles.VERIFIKATOR)
    user.set_password("kata-sandi-panjang-sekali")
    user.save()
    response = client.post(
        "/admin/login/",
        {"username": user.username, "password": "kata-sandi-panjang-sekali"},
        secure=True,
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 8 * 60 * 60


@pytest.mark.urls("tests.urls_broken")
def test_pages_with_debug_off_show_indonesian_errors_without_traceback(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()

    # A view breaks; the visitor sees the 500 page, never the exception.
    client.raise_request_exception = False
    response = client.get("/rusak/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in html
    assert "Traceback" not in html and "rahasia-internal" not in html and "RuntimeError" not in html


def test_permission_denied_page_is_in_indonesian(make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("admin:aid_proposallist_add"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_healthz_reports_the_database(client, monkeypatch):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_logs_are_one_json_object_per_line():
    record = logging.makeLogRecord(
        {"name": "aid.importing", "levelname": "ERROR", "msg": "gagal %s", "args": ("x",)}
    )
    record.proposal_list = 7
    try:
        raise ValueError("rusak")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line  # the traceback's line breaks are escaped inside the string
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["message"] == "gagal x"
    assert entry["proposal_list"] == 7
    assert "ValueError: rusak" in entry["exception"]


NIK = "3275011708900001"
PHONE = "081298765432"


@pytest.mark.parametrize("status", [403, 404])
def test_a_nik_or_phone_in_a_refused_url_never_reaches_the_log(status, make_staff, client, caplog):
    query = f"?q={NIK}&telepon={PHONE}&rekening=1234567890"
    if status == 403:
        client.force_login(make_staff(roles.PIMPINAN))
        url = reverse("admin:aid_proposallist_add") + query
    else:
        url = "/admin-tidak-ada/" + query
    with caplog.at_level(logging.INFO):
        assert client.get(url).status_code == status

    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any(json.loads(line)["logger"] == "django.request" for line in lines)
    for line in lines:
        json.loads(line)
        assert NIK not in line and PHONE not in line and "1234567890" not in line


def test_long_digit_runs_are_masked_in_every_field_numbers_stay_numbers():
    record = logging.makeLogRecord(
        {"name": "gunicorn.access", "levelname": "INFO", "msg": "GET /cari/%s", "args": (NIK,)}
    )
    record.path = f"/admin/registry/owner/?q=%2B62{PHONE[1:]}"
    record.bytes = 123456789
    record.when = "2026-11-27T05:03:55"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /cari/" + "*" * 16
    assert PHONE[1:] not in entry["path"] and entry["path"].startswith("/admin/registry/owner/?q=")
    assert entry["bytes"] == 123456789  # a number in the log is not an identifier
    assert entry["when"] == "2026-11-27T05:03:55"
