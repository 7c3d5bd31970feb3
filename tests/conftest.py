"""Shared fixtures: reference data comes from the migrations; people from factories."""

import datetime
import importlib

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
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


# What the data migrations put in an empty database: (migration module, its function). A new
# data migration whose rows every test database needs adds its loader here too, or a
# reused PostgreSQL test database (django_db_setup below) would start without them.
REFERENCE_DATA = [
    ("registry.migrations.0002_load_reference_data", "load"),  # regions, banks
    ("notifications.migrations.0002_seed_templates", "seed"),  # message templates
    ("notifications.migrations.0004_seed_activity_templates", "seed"),
    ("notifications.migrations.0005_outbox_refusals", "seed"),  # the claim's message
    ("notifications.migrations.0006_referral_decision_templates", "seed"),  # KUR decisions
    # transfer failed / sent again (owners), list merged / returned (proposers)
    ("notifications.migrations.0008_seed_transfer_and_list_templates", "seed"),
]


def _ensure_reference_data() -> None:
    """Reload what the data migrations put in (regions, banks, role groups, message
    templates) if it is gone."""
    from django.apps import apps

    from notifications.models import MessageTemplate
    from registry.models import Region

    if not Region.objects.exists() or not MessageTemplate.objects.exists():
        for module, function in REFERENCE_DATA:
            getattr(importlib.import_module(module), function)(apps, None)
    if not Group.objects.exists():
        roles.sync_roles(apps)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """A test database kept from an earlier run (``./test`` passes ``--reuse-db`` outside CI)
    starts as a new one would: emptied, then given the migrations' reference data again.

    An earlier run may have ended in a transactional test (which empties every table) or
    been stopped half-way through one; migrations already applied are not run again, so
    their data would otherwise be missing or mixed with rows left behind. (An SQLite test
    database lives in memory and is always new.)
    """
    from django.db import connection

    reused = request.config.getoption("reuse_db") and not request.config.getoption("create_db")
    if reused and connection.vendor != "sqlite":
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            _ensure_reference_data()
    yield


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


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``./test``), the browser tests share one worker: one Chromium and
    one live server at a time on a small machine, while the other workers run the rest
    (``--dist loadgroup``)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
