"""The portal's settings with Django's default middleware (``startproject``'s list) and a
URLconf of the one-row view alone: the benchmark's yardstick for what the portal's own
middleware and URLs cost. Used only by the benchmark's second gunicorn."""

from umkm_portal.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "devtools.status_page.stock_urls"
