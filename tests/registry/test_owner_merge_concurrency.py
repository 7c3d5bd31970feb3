"""Two Verifikators merging the same pair at once, in opposite directions (PostgreSQL only):
one merge wins, the others are refused in Indonesian, never a database error or a cycle."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registry import services
from registry.models import Owner, OwnerMerge
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles

ATTEMPTS = 10

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and concurrent connections; SQLite serialises writers",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_concurrent_merges_of_one_pair_in_both_directions_merge_once(make_staff):
    verifier = make_staff(roles.VERIFIKATOR)
    first = OwnerFactory(nik="3275015708900001", full_name="Siti Aminah")
    second = OwnerFactory(nik="3275015708900007", full_name="Siti Aminah")
    BusinessFactory(owner=first, kelurahan=None, kecamatan=None)
    BusinessFactory(owner=second, kelurahan=None, kecamatan=None)
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = [""] * ATTEMPTS

    def attempt(i: int) -> None:
        survivor, merged = (first, second) if i % 2 else (second, first)
        try:
            start.wait()
            services.owner_merge(survivor=survivor, merged=merged, reason=f"uji {i}", by=verifier)
            outcomes[i] = "merged"
        except ValidationError as exc:
            outcomes[i] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("merged") == 1, outcomes
    assert all("sudah digabungkan" in o for o in outcomes if o != "merged"), outcomes
    record = OwnerMerge.objects.get()
    owners = Owner.objects.in_bulk([first.pk, second.pk])
    survivor, merged = owners[record.survivor_id], owners[record.merged_id]
    assert merged.merged_into_id == survivor.pk and survivor.merged_into_id is None
    assert survivor.businesses.count() == 2
