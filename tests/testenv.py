"""Environment for the test run, loaded as a pytest plugin before Django is configured."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# Its own key, as production has (check --deploy requires it).
os.environ.setdefault("STATUS_LOOKUP_HASH_KEY", "tests-only-status-lookup-key-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The suite runs with DEBUG off, as production does, but over plain HTTP (the test client and
# the live server); tests of the HTTPS settings turn them on themselves.
os.environ.setdefault("HTTPS", "false")
# The dev-only app (benchmarks, seeders): the suite runs them at a small size.
os.environ.setdefault("DEVTOOLS", "true")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Tests do not run collectstatic; production's hashed-name storage is exercised by the
# deployment checks instead.
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Uploaded files of the test run go to a throwaway folder, never the developer's var/; one
# folder per pytest-xdist worker (the workers inherit the environment of the process that
# started them, so a folder chosen there is replaced by one of the worker's own).
# A folder given by the developer is kept (and shared by the workers).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
for _name, _prefix in (("VAR_DIR", "umkm-tests-"), ("STATIC_ROOT", "umkm-static-")):
    _made_by = os.environ.get(f"{_name}_MADE_BY_TESTS")  # the process that made it, if one did
    if _name not in os.environ or (_made_by is not None and _made_by != _WORKER):
        os.environ[_name] = tempfile.mkdtemp(prefix=f"{_prefix}{_WORKER}{_WORKER and '-'}")
        os.environ[f"{_name}_MADE_BY_TESTS"] = _WORKER
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
