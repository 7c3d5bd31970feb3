"""The demo data a newcomer sees after the README's first command."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from aid.models import Application, Disbursement, Status, StatusChange


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", output, re.MULTILINE))


@pytest.mark.django_db
def test_seed_demo_spreads_owners_over_every_status_and_is_idempotent(client):
    output = _seed("--owners", "150")

    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Application.objects.count() == 150
    # Every application's history starts with its proposal.
    assert StatusChange.objects.filter(from_status="").count() == 150
    paid = Disbursement.objects.filter(outcome="success").count()
    assert (
        paid
        == Application.objects.filter(
            status__in=[Status.TRANSFERRED, Status.WITHDRAWN, Status.RETURNED]
        ).count()
    )

    passwords = _passwords(output)
    assert set(passwords) == {"operator", "verifikator", "bendahara", "pimpinan", "admin"}
    assert client.login(username="verifikator", password=passwords["verifikator"])

    again = _seed("--owners", "150")
    assert Application.objects.count() == 150
    assert "0 permohonan demo baru" in again
    assert _passwords(again) == {}, "passwords are printed once, not again"

    reset = _passwords(_seed("--owners", "150", "--reset-passwords"))
    assert reset["admin"] != passwords["admin"]
