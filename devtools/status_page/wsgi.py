"""WSGI entry point of the benchmark's gunicorn: the portal plus the comparison view."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umkm_portal.settings")

application = get_wsgi_application()
# Set after setup and before the first request; the production entry point
# (umkm_portal.wsgi) never imports this module, so the comparison view is never mounted there.
settings.ROOT_URLCONF = "devtools.status_page.urls"

from umkm_portal.warmup import warm_up  # noqa: E402

warm_up()  # as umkm_portal.wsgi does
