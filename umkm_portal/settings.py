"""Settings for the UMKM portal: one module, driven by the environment.

Nothing here needs to be edited to move between a laptop and production; set environment
variables instead (see docs/configuration.md). With nothing set the portal runs in
development mode on an SQLite file under ``var/``.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from umkm_portal.private_files import private_dir, private_file, read_or_create_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional and never required; the environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Runtime files (SQLite database, uploaded lists) live here, outside the code and any web root.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development only: one random key created once in var/ (0600) and read by every process
    # (runserver, db_worker, commands), so sessions and signed tokens survive restarts and
    # pass from one process to another.
    SECRET_KEY = read_or_create_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off (production), "
        "e.g. ALLOWED_HOSTS=umkm.bekasikota.go.id"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "simple_history",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    # Background jobs (below every app that starts one): the Job row, its state and page.
    "jobs",
    "registry",
    "proposers",
    "aid",
    "development",
    "privacy",
    # The project package itself: health check, error pages, operations commands.
    "umkm_portal",
    "dashboard",
    "public",
    "complaints",
    "notifications",
    "payment_checks",
    # The proposers' workspace (/pengusul/), above aid; the Proposer model is in "proposers".
    "workspace",
    # manage.py export_data (reads aid and registry); privacy's masking stays below them.
    "exports",
]
# Benchmarks, load tools and demo seeders (bench_*, seed_demo, seed_scale, bench_round, …): a
# dev-only app that production never lists. On with DEBUG (./run) or DEVTOOLS=true (tests).
DEVTOOLS = env.bool("DEVTOOLS", default=DEBUG)
if DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "umkm_portal.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "umkm_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "public.context_processors.contact",
            ],
        },
    },
]

WSGI_APPLICATION = "umkm_portal.wsgi.application"

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (DATABASE_URL=postgres://...) is production.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus a health check that costs no round trip and prepared statements
    # for the status page (see umkm_portal/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "umkm_portal.postgresql"
    # Persistent connections: the status page does one query per request, so paying a new
    # connection each time would dominate its latency.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A web request may not hold a thread and a connection on one SQL statement for longer
    # than this: PostgreSQL cancels it and the request ends in a 500. gunicorn's gthread
    # workers never kill a busy thread (gunicorn.conf.py), so this is what bounds a request
    # stuck in the database. Web processes only (umkm_portal/wsgi.py sets UMKM_WEB_PROCESS):
    # long work (proposal list imports, summaries) runs in `manage.py db_worker`, unbounded here.
    WEB_STATEMENT_TIMEOUT_SECONDS = env.int("WEB_STATEMENT_TIMEOUT_SECONDS", default=30)
    if env.bool("UMKM_WEB_PROCESS", default=False) and WEB_STATEMENT_TIMEOUT_SECONDS > 0:
        timeout = f"-c statement_timeout={WEB_STATEMENT_TIMEOUT_SECONDS * 1000}"
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
else:
    # The database holds every NIK: created 0600 in a 0700 folder (SQLite gives its -wal and
    # -shm files the database file's mode), and tightened if an older version left it 0644.
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        _sqlite_file = Path(DATABASES["default"]["NAME"])
        private_file(private_dir(_sqlite_file.parent) / _sqlite_file.name)
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    # WAL lets the background worker write while the web process reads.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
# Local memory when unset (one process); redis://... in production so that every web node
# shares rate-limit counters and sessions.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://umkm-portal")}
# A Redis outage must not take the portal down with it (docs/promises-network.md): a cache
# call gives up after a second and its error is logged and ignored. Sessions then fall back
# to the database (cached_db); rate-limit counters read as unavailable, and each limit fails
# the way its module says (the status check closed, the staff login ceiling open).
REDIS_CACHE_OPTIONS = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update(REDIS_CACHE_OPTIONS)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] not in (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# With a shared cache, sessions are read from Redis and written through to the database
# (cached_db): every web node sees every session, and a Redis restart logs nobody out.
SESSION_ENGINE = env.str(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db"
    if CACHE_IS_SHARED
    else "django.contrib.sessions.backends.db",
)

# --- Public status page ---------------------------------------------------------------------
# Rate limits of /cek-status/, counted in the cache above (django-ratelimit). Lifted only for
# the benchmark (bench_status_page starts its own server with this off).
STATUS_RATE_LIMITS_ENABLED = env.bool("STATUS_RATE_LIMITS_ENABLED", default=True)
STATUS_RATES_PER_IP = env.list("STATUS_RATES_PER_IP", default=["10/m", "100/d"])
# An IPv6 client is counted per /64 under the per-address budgets above (and those of the
# activity registration and pengaduan), and its /48 as a whole under this many times them:
# a /48 holds 65,536 /64s, each otherwise a fresh budget.
IPV6_SITE_BUDGET_FACTOR = env.int("IPV6_SITE_BUDGET_FACTOR", default=10)
# Failed checks (unknown NIK or wrong phone digits) allowed per NIK before it is blocked.
STATUS_RATE_PER_NIK = env.str("STATUS_RATE_PER_NIK", default="5/h")
# Key of the HMAC that stands in for the NIK wherever a NIK must be found again without being
# kept (public.services.nik_digest): refused proposals, the lookup log, opt-outs, pengaduan,
# rate-limit keys. Its own key, so that rotating SECRET_KEY changes nothing on the status page;
# rotating this one needs `manage.py rotate_status_lookup_key` (docs/configuration.md).
# Required in production (`check --deploy` reports umkm_portal.E001 without it; until set,
# digests fall back to SECRET_KEY); in development created once in var/ like SECRET_KEY.
STATUS_LOOKUP_HASH_KEY = env.str("STATUS_LOOKUP_HASH_KEY", default="")
if not STATUS_LOOKUP_HASH_KEY and DEBUG:
    STATUS_LOOKUP_HASH_KEY = read_or_create_key(VAR_DIR / "status_lookup_hash_key")
# The department's contact details on the public pages.
DEPARTMENT_CONTACT_ADDRESS = env.str(
    "DEPARTMENT_CONTACT_ADDRESS",
    default="Kompleks Perkantoran Pemerintah Kota Bekasi, Jl. Ir. H. Juanda No. 100, Bekasi",
)
DEPARTMENT_CONTACT_PHONE = env.str("DEPARTMENT_CONTACT_PHONE", default="")
DEPARTMENT_CONTACT_EMAIL = env.str("DEPARTMENT_CONTACT_EMAIL", default="")
# A WhatsApp number (any Indonesian form: 0812…, +62812…): shown as a wa.me link.
DEPARTMENT_CONTACT_WHATSAPP = env.str("DEPARTMENT_CONTACT_WHATSAPP", default="")

# --- The dinas's letterhead, on printed paperwork (daftar hadir for the SPJ) ----------------
LETTERHEAD_GOVERNMENT = env.str("LETTERHEAD_GOVERNMENT", default="PEMERINTAH KOTA BEKASI")
LETTERHEAD_OFFICE = env.str(
    "LETTERHEAD_OFFICE", default="DINAS KOPERASI DAN USAHA KECIL DAN MENENGAH"
)
LETTERHEAD_ADDRESS = env.str(
    "LETTERHEAD_ADDRESS", default="Jl. Ir. H. Juanda No. 100, Bekasi Timur, Kota Bekasi"
)
LETTERHEAD_CITY = env.str("LETTERHEAD_CITY", default="Bekasi")
# Who signs "Mengetahui" under the daftar hadir (name and NIP; blank lines when unset).
LETTERHEAD_SIGNATORY_TITLE = env.str("LETTERHEAD_SIGNATORY_TITLE", default="Kepala Dinas")
LETTERHEAD_SIGNATORY_NAME = env.str("LETTERHEAD_SIGNATORY_NAME", default="")
LETTERHEAD_SIGNATORY_NIP = env.str("LETTERHEAD_SIGNATORY_NIP", default="")

# --- Pembinaan follow-up ----------------------------------------------------------------------
# A capital referral still "dirujuk" after this many days is listed for the pendamping to chase.
REFERRAL_STALE_DAYS = env.int("REFERRAL_STALE_DAYS", default=14)

# --- Pengaduan (owners' requests and complaints) --------------------------------------------
# Days staff have to answer a request, per category (category=days, comma-separated).
COMPLAINT_TARGET_DAYS = {
    "not_received": 5,
    "data_wrong": 10,
    "account_changed": 5,
    "proposal_refused": 10,
    "other": 14,
    **env.dict("COMPLAINT_TARGET_DAYS", cast={"value": int}, default={}),
}
# How long after a successful status check the owner may send a request (seconds).
COMPLAINT_TOKEN_MAX_AGE = env.int("COMPLAINT_TOKEN_MAX_AGE", default=30 * 60)
# Requests per client address, and per owner (NIK), counted in the shared cache.
COMPLAINT_RATES_PER_IP = env.list("COMPLAINT_RATES_PER_IP", default=["5/h", "20/d"])
COMPLAINT_RATE_PER_OWNER = env.str("COMPLAINT_RATE_PER_OWNER", default="3/d")

# --- Notifications to owners' phones --------------------------------------------------------
# "console" (write to the log; the default) or "http" (an SMS/WhatsApp gateway), or a dotted path.
NOTIFY_SENDER = env.str("NOTIFY_SENDER", default="console")
NOTIFY_GATEWAY_URL = env.str("NOTIFY_GATEWAY_URL", default="")
NOTIFY_GATEWAY_TOKEN = env.str("NOTIFY_GATEWAY_TOKEN", default="")
NOTIFY_GATEWAY_TIMEOUT = env.float("NOTIFY_GATEWAY_TIMEOUT", default=10.0)
# Messages to numbers the registry does not hold for the NIK (typed on a public form): at
# most one a day per number, and at most this many a day in all; reaching it logs an ERROR
# and shows a notice on the admin's home page (notifications.services.outbox._number_rules).
NOTIFY_NEW_NUMBER_DAILY_CAP = env.int("NOTIFY_NEW_NUMBER_DAILY_CAP", default=200)
# The token the gateway sends when it forwards a reply (STOP); empty closes the endpoint.
NOTIFY_INBOUND_TOKEN = env.str("NOTIFY_INBOUND_TOKEN", default="")
if NOTIFY_SENDER == "http" and not (NOTIFY_GATEWAY_URL and NOTIFY_GATEWAY_TOKEN):
    raise ImproperlyConfigured(
        "NOTIFY_SENDER=http needs NOTIFY_GATEWAY_URL and NOTIFY_GATEWAY_TOKEN"
    )

# --- Background tasks ---------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# Background jobs (jobs/): a queued or running job with no sign of life for this many seconds
# has lost its worker and may be queued again; a running job writes its progress at most
# once per JOBS_PROGRESS_INTERVAL seconds and its heartbeat every JOBS_HEARTBEAT_SECONDS.
JOBS_STALE_AFTER = env.int("JOBS_STALE_AFTER", default=300)
JOBS_PROGRESS_INTERVAL = 1.0
JOBS_HEARTBEAT_SECONDS = 10
# Lists with more rows than this get their Excel outcome file written once by a job (kept
# until the list changes); bulk verify/reject of more applications than this runs as a job.
JOBS_OUTCOME_MIN_ROWS = env.int("JOBS_OUTCOME_MIN_ROWS", default=5000)
JOBS_BULK_INLINE_MAX = env.int("JOBS_BULK_INLINE_MAX", default=300)

# --- Authentication -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Where a login lands when its ``next`` is missing or unsafe (another host): the admin's
# home, never Django's default /accounts/profile/ (which does not exist here). The
# proposers' login has its own (their workspace).
LOGIN_REDIRECT_URL = "admin:index"

# Staff sessions end after a working day, or when the browser closes. Changing a password
# ends the user's other sessions (Django's session hash check, on by default).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# django-axes: 5 failed logins for one username from one address lock that pair out for
# 30 minutes. Attempts are kept in the database, so every web node sees them and staff with
# the permission can unlock ("Percobaan akses" in the admin: delete the attempt).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "umkm_portal.views.login_locked_out"
# Axes counts a username as the ceiling below does: NFKC and casefolded, so "ＡＤＭＩＮ" and
# "Admin" are not fresh budgets for "admin".
AXES_USERNAME_CALLABLE = "umkm_portal.login_throttle.axes_username"
# Beyond axes: failed logins per username from any address, counted in the cache; over it the
# username is refused until the window ends (umkm_portal/login_throttle.py).
LOGIN_FAILURES_PER_USERNAME = env.str("LOGIN_FAILURES_PER_USERNAME", default="20/15m")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates read one way on every page, in the admin and in messages: "6 Desember 2026"
# (umkm_portal/formats/<language>/formats.py); typed as 06-12-2026.
FORMAT_MODULE_PATH = ["umkm_portal.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))

# Proposal lists hold NIKs and bank accounts: they are stored outside any web root and are
# never served by URL; staff download them through a permission-checked view.
PRIVATE_UPLOAD_ROOT = Path(env.str("PRIVATE_UPLOAD_ROOT", default=str(VAR_DIR / "uploads")))
# Every kept file (uploaded lists, SPTJMs, submissions, decision files, bank reports, outcome
# files) is its owner's only: 0600 in 0700 folders, whatever the process's umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_UPLOAD_ROOT)},
    },
    "staticfiles": {
        # Hashed, compressed names in production (needs `collectstatic`); plain files in
        # development and tests.
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
        # Static files are public: readable by a web server running as another user.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# Proposal lists are kept this many days after upload, then `manage.py purge_uploads`
# deletes the file (the list's rows and outcomes stay).
UPLOAD_RETENTION_DAYS = env.int("UPLOAD_RETENTION_DAYS", default=180)
# How long the status page keeps its minimised record of proposals refused at import (NIK
# hash, last 4 phone digits, proposer, date, reason), after the list's rows are gone.
REFUSED_PROPOSAL_RETENTION_DAYS = env.int("REFUSED_PROPOSAL_RETENTION_DAYS", default=365)

# --- Security -------------------------------------------------------------------------------
# Behind a reverse proxy that terminates TLS (docs/deployment.md), set BEHIND_PROXY=true only
# when that proxy sets X-Forwarded-Proto and X-Real-IP itself and the app port is reachable
# from nowhere else; otherwise a client could claim HTTPS or another address.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
# The header in which that proxy passes the client's address (X-Real-IP or X-Forwarded-For).
# Empty: REMOTE_ADDR is the client. Never set it when clients can reach the portal directly,
# since they could then choose their own address.
TRUSTED_PROXY_IP_HEADER = env.str("TRUSTED_PROXY_IP_HEADER", default="")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not TRUSTED_PROXY_IP_HEADER:
        # Otherwise REMOTE_ADDR, the proxy's own address, would be every citizen's: one
        # rate-limit bucket for the whole city, one address in every log row and lockout.
        raise ImproperlyConfigured(
            "BEHIND_PROXY=true needs TRUSTED_PROXY_IP_HEADER, the header in which the proxy "
            "passes the client's address: TRUSTED_PROXY_IP_HEADER=X-Real-IP with nginx's "
            "`proxy_set_header X-Real-IP $remote_addr;` (docs/deployment.md)."
        )
# One function decides the client's address for rate limits, the lookup log, login lockouts
# and the access log (umkm_portal/client_address.py).
AXES_CLIENT_IP_CALLABLE = "umkm_portal.client_address.client_ip"
RATELIMIT_IP_META_KEY = "umkm_portal.client_address.client_ip"

# HTTPS only when DEBUG is off, so ./run keeps working on http://127.0.0.1:8000.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# The health check is answered over plain HTTP too: load balancers probe the app port.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): everything from our own origin, no inline scripts
# or styles. Django's admin has none. The only exceptions are three fixed style attributes
# in third-party admin templates (django-simple-history's history page, django-import-export's
# export page), allowed by their exact hashes ('unsafe-hashes'), never by 'unsafe-inline'.
# A template that needs an inline <script> uses nonce="{{ CSP_NONCE }}".
_THIRD_PARTY_STYLE_ATTRIBUTES = [
    "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",  # border-top: 0
    "'sha256-mHgUAqxc8GPXM/QhzkHrHujcrQTU9fd6ZjWz+icxKcA='",  # padding: 0;
    "'sha256-+YWRMZ88jMyO7jVlBA52tZADiPobPIUA8LAWee68Fvs='",  # font-weight: bold;
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-hashes'", *_THIRD_PARTY_STYLE_ATTRIBUTES],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "include_nonce_in": ["script-src"],
    },
}

# --- Dashboard ------------------------------------------------------------------------------
# Seconds a dashboard summary is shown before a page view asks for a rebuild in the background.
DASHBOARD_SUMMARY_MAX_AGE = env.int("DASHBOARD_SUMMARY_MAX_AGE", default=300)

# --- Import-export --------------------------------------------------------------------------
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

# --- Proposal list uploads ------------------------------------------------------------------
# Largest upload accepted (a 66,000-row CSV is about 10 MB).
IMPORT_MAX_UPLOAD_MB = env.int("IMPORT_MAX_UPLOAD_MB", default=20)
# Zip-bomb guard for XLSX: total size once unpacked, and the largest packing ratio of a part.
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=200)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Largest photo accepted for an activity's report (pembinaan SPJ).
ACTIVITY_PHOTO_MAX_MB = env.int("ACTIVITY_PHOTO_MAX_MB", default=5)

# --- Decision files and bank reports --------------------------------------------------------
# A file with more rows than this, or more data to parse, is applied by the background worker
# instead of in the request (and cannot be "only checked").
RECONCILIATION_SYNC_MAX_ROWS = env.int("RECONCILIATION_SYNC_MAX_ROWS", default=2000)
RECONCILIATION_SYNC_MAX_MB = env.int("RECONCILIATION_SYNC_MAX_MB", default=2)

# --- Spreadsheet formulas in exports ----------------------------------------------------------
# Off on purpose: it strips one leading "=" only and turns numbers into text. Every file we
# write escapes formulas with umkm_portal.spreadsheets.safe_cell instead.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# --- Logging --------------------------------------------------------------------------------
# One JSON object per line on stdout (LOG_FORMAT=json, the default when DEBUG is off), for the
# log collector of the machine; plain lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "umkm_portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers would also mail admins / print to stderr; one stream is enough.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
