"""Environment for the test run, loaded as a pytest plugin before Django is configured."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
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
# Uploaded files of the test run go to a throwaway folder, never the developer's var/.
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="umkm-tests-"))
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="umkm-static-"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
