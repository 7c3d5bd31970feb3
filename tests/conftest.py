"""Shared fixtures: reference data comes from the migrations; people from factories."""

import datetime
import importlib

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from aid.models import Program
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch):
    """django-axes refuses authenticate() without a request; Client.login passes none.

    Give it the request the admin login form would have (from 127.0.0.1), so tests may use
    ``client.login`` and axes still counts their failures.
    """
    original = Client.login

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/admin/login/"))
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language. A request through the locale middleware
    leaves its language active in the thread (Django does not reset it after the response),
    so a test that asked for an English page would otherwise turn the next test's own
    gettext calls, and the messages it compares, into English."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": getattr(django_settings, "REDIS_CACHE_OPTIONS", {}),
    }
}


@pytest.fixture
def redis_down():
    """The cache is Redis at a closed port (nothing listens on 127.0.0.1:1), with the options
    the settings give a Redis cache in production, and sessions are cached_db as there."""
    with override_settings(
        CACHES=REDIS_DOWN, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        caches.close_all()
        yield
    caches.close_all()


@pytest.fixture
def program(db) -> Program:
    return Program.objects.create(
        code="bpum-2020",
        name="BPUM 2020",
        amount=2_400_000,
        one_time=True,
        withdrawal_days=90,
        starts_on=datetime.date(2020, 8, 17),
    )


@pytest.fixture
def owner(db):
    return OwnerFactory()


@pytest.fixture
def business(owner):
    return BusinessFactory(owner=owner)


@pytest.fixture
def make_staff(db):
    """Create a staff user in one of the roles (or a superuser with role=None)."""

    def make(role: str | None, username: str | None = None):
        user = get_user_model().objects.create_user(
            username=username or (role or "super").lower(),
            password="not-used-in-tests",
            is_staff=True,
            is_superuser=role is None,
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def verifier(make_staff):
    return make_staff(roles.VERIFIKATOR)


def _ensure_reference_data() -> None:
    """Reload what the data migrations put in (regions, banks, role groups) if it is gone."""
    from django.apps import apps

    from registry.models import Region

    if not Region.objects.exists():
        importlib.import_module("registry.migrations.0002_load_reference_data").load(apps, None)
    if not Group.objects.exists():
        roles.sync_roles(apps)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """A transactional test (browser tests, concurrency tests) ends by flushing every table,
    including the reference data the migrations loaded, so the next one finds it gone
    (``serialized_rollback`` does not help once Playwright gives the test another
    connection). Such tests get it loaded again before they start.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        _ensure_reference_data()
