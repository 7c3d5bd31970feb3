"""WSGI entry point of the benchmark's stock server: Django's default middleware only."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.status_page.stock_settings"

application = get_wsgi_application()
