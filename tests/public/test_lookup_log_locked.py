"""A status check answers even while a background job holds SQLite's write lock: its log
entry is skipped (and counted) instead of turning the check into an error."""

import sqlite3

import pytest
from django.core.cache import cache
from django.db import connection

from aid.models import Status
from privacy.masking import mask_name
from public import services
from public.models import StatusLookup
from tests.public.conftest import check

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_check_during_a_long_write_answers_and_counts_the_skipped_log(client, owner_in):
    if connection.vendor != "sqlite":
        pytest.skip("the lookup log waits on a write lock on SQLite only")
    owner = owner_in(Status.APPROVED)
    cache.delete(services.SKIPPED_KEY)
    before = StatusLookup.objects.count()
    # Another connection to the same database holds the write lock, as a merge does.
    name = connection.settings_dict["NAME"]
    if connection.is_in_memory_db():
        name = f"file:memorydb_{connection.alias}?mode=memory&cache=shared"
    job = sqlite3.connect(name, uri=name.startswith("file:"), isolation_level=None)
    try:
        job.execute("BEGIN IMMEDIATE")
        job.execute(f"DELETE FROM {StatusLookup._meta.db_table} WHERE id < 0")
        response = check(client, owner.nik, owner.phone[-4:])
    finally:
        job.execute("ROLLBACK")
        job.close()

    assert response.status_code == 200
    assert mask_name(owner.full_name) in response.content.decode()
    assert StatusLookup.objects.count() == before
    assert cache.get(services.SKIPPED_KEY) == 1

    # Once the lock is gone, checks are logged again.
    assert check(client, owner.nik, owner.phone[-4:]).status_code == 200
    assert StatusLookup.objects.count() == before + 1
