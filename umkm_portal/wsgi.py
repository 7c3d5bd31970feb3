"""The WSGI application, imported by gunicorn (gunicorn.conf.py) and nothing else."""

import os

from django.core.wsgi import get_wsgi_application

from umkm_portal.private_files import restrict_umask

# Whatever a web process writes (uploads, the SQLite database) is its user's only.
restrict_umask()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")
# Read by the settings: web processes get a bound on every SQL statement
# (WEB_STATEMENT_TIMEOUT_SECONDS); the background worker, started by manage.py, does not.
os.environ.setdefault("UMKM_WEB_PROCESS", "true")

application = get_wsgi_application()

from umkm_portal.warmup import warm_up  # noqa: E402  (needs the settings configured above)

# Imported by gunicorn's master before it forks (preload_app): workers start ready.
warm_up()
