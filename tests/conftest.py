"""Shared fixtures: reference data comes from the migrations; people from factories."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory

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


def pytest_collection_modifyitems(items):
    """Transactional tests without a live server (the PostgreSQL concurrency tests) run last.

    A transactional test ends by flushing every table, including the regions, banks and role
    groups the migrations loaded, so whatever runs after it finds them gone. The browser
    tests need them (and cannot use ``serialized_rollback``: Playwright's event loop gives
    them another connection object, without the serialized data), so the others go after
    them and create the little reference data they need themselves. pytest-django has
    already sorted the items; this keeps its order otherwise.
    """
    last = [
        item
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and "live_server" not in item.fixturenames
    ]
    if last:
        moved = set(map(id, last))
        items[:] = [item for item in items if id(item) not in moved] + last
