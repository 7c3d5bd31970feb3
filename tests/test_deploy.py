"""A production deployment as docs/deployment.md describes it: settings, static files, gunicorn."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The production environment of docs/deployment.md (secrets replaced by test values).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Qm0Vq3-production-like-test-key-of-fifty-or-more-chars-2JfL9",
    "STATUS_LOOKUP_HASH_KEY": "Lk4pR8t1-production-like-lookup-key-of-fifty-or-more-chars-9Qw",
    "ALLOWED_HOSTS": "umkm.bekasikota.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://umkm.bekasikota.go.id",
    "BEHIND_PROXY": "true",
    "TRUSTED_PROXY_IP_HEADER": "X-Real-IP",
    "DATABASE_URL": "postgres://umkm:secret@127.0.0.1:5432/umkm",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "PRIVATE_UPLOAD_ROOT": "/srv/umkm/uploads",
}
# Variables of the test run that production does not set.
TEST_ONLY = (
    "HTTPS",
    "STATICFILES_BACKEND",
    "TASKS_BACKEND",
    "SESSION_ENGINE",
    "LOG_FORMAT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEVTOOLS",
)


def _run(args: list[str], **overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (*TEST_ONLY, *PRODUCTION_ENV)}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_is_clean_in_the_documented_production_environment():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_requires_the_status_lookup_key_and_says_how_to_set_it():
    # Without it the status page's digests would be keyed by SECRET_KEY: a rotation of
    # SECRET_KEY would leave every owner refused at import "not found".
    result = _run(["manage.py", "check", "--deploy"], STATUS_LOOKUP_HASH_KEY=None)
    assert result.returncode != 0
    assert "umkm_portal.E001" in result.stderr
    assert "STATUS_LOOKUP_HASH_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # the fix, in the message
    assert "rotate_status_lookup_key" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts():
    result = _run(["manage.py", "check"], ALLOWED_HOSTS=None)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_behind_a_proxy_without_naming_the_client_address_header_refuses_to_start():
    # Otherwise every citizen would share the proxy's address: one rate-limit bucket for the
    # whole city, and lookup log rows and login lockouts that all name the proxy.
    result = _run(["manage.py", "check"], TRUSTED_PROXY_IP_HEADER=None)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_IP_HEADER" in result.stderr
    assert "TRUSTED_PROXY_IP_HEADER=X-Real-IP" in result.stderr  # the fix, in the message


def test_production_uses_the_shared_cache_for_sessions_and_rate_limits():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'],"
        " s.SESSION_ENGINE, s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT]))"
    )
    result = _run(["-c", code], DJANGO_SETTINGS_MODULE="umkm_portal.settings")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "django_redis.cache.RedisCache",
        "redis://127.0.0.1:6379/1",
        "django.contrib.sessions.backends.cached_db",
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
    ]


def test_collectstatic_writes_compressed_hashed_files(tmp_path):
    result = _run(["manage.py", "collectstatic", "--noinput"], STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/portal.css"]
    assert hashed != "css/portal.css"
    assert (tmp_path / hashed).exists() and (tmp_path / f"{hashed}.gz").exists()
    assert "admin/js/nav_sidebar.js" in manifest


def test_gunicorn_configuration_loads_the_application():
    result = _run(
        ["-m", "gunicorn", "--check-config", "-c", "gunicorn.conf.py", "umkm_portal.wsgi"],
        WEB_CONCURRENCY="3",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.postgres
def test_backup_restores_with_identical_row_counts(db, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the backup script is for PostgreSQL (set DATABASE_URL)")
    db_settings = connection.settings_dict
    url = (
        f"postgres://{db_settings['USER']}@{db_settings['HOST'] or '127.0.0.1'}:"
        f"{db_settings['PORT'] or 5432}/{db_settings['NAME']}"
    )
    backups = tmp_path / "backups"
    backups.mkdir()
    backups.chmod(0o755)  # as an operator might have made it
    result = subprocess.run(
        ["scripts/backup-restore-check", str(backups)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "PGPASSWORD": db_settings["PASSWORD"] or ""},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical counts after restore" in result.stdout
    dumps = list(backups.glob("*.dump"))
    assert dumps
    # Every NIK and account is in it: its owner's only, in a folder only its owner can open.
    assert all(stat.S_IMODE(dump.stat().st_mode) == 0o600 for dump in dumps)
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700


_DB_OPTIONS = (
    "import json, django; {imports}; from django.conf import settings;"
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {{}})))"
)


def test_web_processes_bound_every_sql_statement_and_the_worker_does_not():
    web = _run(["-c", _DB_OPTIONS.format(imports="import umkm_portal.wsgi")])
    assert web.returncode == 0, web.stderr
    assert "-c statement_timeout=30000" in json.loads(web.stdout.splitlines()[-1])["options"]

    # manage.py db_worker (imports, reports) and other commands load the settings without
    # the WSGI module: their long statements are theirs to run.
    worker = _run(
        ["-c", _DB_OPTIONS.format(imports="django.setup()")],
        DJANGO_SETTINGS_MODULE="umkm_portal.settings",
    )
    assert worker.returncode == 0, worker.stderr
    assert "statement_timeout" not in json.loads(worker.stdout.splitlines()[-1]).get("options", "")


@pytest.mark.postgres
def test_postgresql_cancels_a_web_statement_that_runs_too_long(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's (set DATABASE_URL)")
    db_settings = connection.settings_dict
    url = (
        f"postgres://{db_settings['USER']}:{db_settings['PASSWORD'] or ''}@"
        f"{db_settings['HOST'] or '127.0.0.1'}:{db_settings['PORT'] or 5432}/{db_settings['NAME']}"
    )
    code = (
        "import umkm_portal.wsgi; from django.db import connection, OperationalError\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])\n"
        "    try:\n"
        "        cursor.execute('SELECT pg_sleep(5)'); print('finished')\n"
        "    except OperationalError as exc: print(type(exc.__cause__).__name__)\n"
    )
    result = _run(["-c", code], DATABASE_URL=url, WEB_STATEMENT_TIMEOUT_SECONDS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["1s", "QueryCanceled"]


def test_the_master_compiles_every_project_template_before_forking(tmp_path, settings):
    """umkm_portal.wsgi warms up before gunicorn forks: every template of the project is
    compiled there, and a broken template stops the start instead of failing a worker's first
    page."""
    from django.template import TemplateSyntaxError, engines

    from umkm_portal import warmup

    engine = engines["django"].engine
    compiled = warmup.warm_up()
    templates = {
        path.name
        for folder in warmup._project_template_dirs(engine)
        for path in folder.rglob("*.html")
    }
    assert compiled >= len(templates) > 20
    assert {"status_result.html", "base.html", "form_page.html"} <= templates

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "broken.html").write_text("{% if %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    settings.BASE_DIR = tmp_path
    with pytest.raises(TemplateSyntaxError):
        warmup.warm_up()
