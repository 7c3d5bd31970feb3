"""Migrations 0009-0011 fold the old rows, one per rule, into one row per pair, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aid.models import PossibleDuplicate
from tests.aid.conftest import in_status

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("aid", "0015_possible_duplicate_rules")]
# Back to the latest of every app, not just 0017: migrating back to BEFORE also unapplies
# the later migrations that depend on 0017, and the rest of the run needs their tables.
AFTER = "latest"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets == AFTER:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_rows_per_rule_fold_into_one_row_per_pair_keeping_the_decision(program, verifier):
    a, b, c = (in_status(program) for _ in range(3))
    old = _migrate(BEFORE).get_model("aid", "PossibleDuplicate")
    try:
        # The pair (a, b) under three rules, named both ways round, decided once; (b, c) open.
        old.objects.create(application_id=b.pk, other_id=a.pk, rule="name_birth_date")
        old.objects.create(application_id=a.pk, other_id=b.pk, rule="phone")
        old.objects.create(
            application_id=b.pk,
            other_id=a.pk,
            rule="bank_account",
            decision="different_people",
            decided_by_id=verifier.pk,
            note="KK berbeda",
        )
        old.objects.create(application_id=c.pk, other_id=b.pk, rule="phone")
    finally:
        _migrate(AFTER)

    rows = {(row.application_id, row.other_id): row for row in PossibleDuplicate.objects.all()}
    assert set(rows) == {(a.pk, b.pk), (b.pk, c.pk)}
    ab = rows[(a.pk, b.pk)]
    assert ab.rules == "name_birth_date,phone,bank_account"
    assert (ab.decision, ab.decided_by_id, ab.note) == (
        "different_people",
        verifier.pk,
        "KK berbeda",
    )
    assert (rows[(b.pk, c.pk)].rules, rows[(b.pk, c.pk)].decision) == ("phone", "")

    # And back: one row per rule again.
    split = _migrate(BEFORE).get_model("aid", "PossibleDuplicate")
    try:
        assert sorted(split.objects.values_list("rule", "decision")) == [
            ("bank_account", "different_people"),
            ("name_birth_date", "different_people"),
            ("phone", ""),
            ("phone", "different_people"),
        ]
    finally:
        _migrate(AFTER)
