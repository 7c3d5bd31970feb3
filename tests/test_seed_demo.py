"""The demo data a newcomer sees after the README's first command."""

import datetime
import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from aid.demo_rows import status_path
from aid.models import Application, Disbursement, Status, StatusChange
from aid.transitions import PATH, STEP_FIELD

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
USERS = {"operator", "verifikator", "bendahara", "pimpinan", "pembinaan", "admin", "pengusul"}


@pytest.fixture
def logins(tmp_path):
    return tmp_path / ".demo-logins"


@pytest.fixture
def seed(logins):
    def run(*args) -> str:
        out = StringIO()
        call_command("seed_demo", *args, "--logins-file", str(logins), stdout=out)
        return out.getvalue()

    return run


def _passwords(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", text, re.MULTILINE))


def _hashes() -> dict[str, str]:
    return dict(get_user_model().objects.values_list("username", "password"))


@pytest.mark.django_db
def test_seed_demo_spreads_owners_over_every_status_and_is_idempotent(client, seed):
    output = seed("--owners", "150")

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
    assert set(passwords) == USERS
    assert client.login(username="verifikator", password=passwords["verifikator"])
    # The demo kelurahan officer reaches its workspace, with its organisation's lists.
    assert client.login(username="pengusul", password=passwords["pengusul"])
    workspace = client.get("/pengusul/")
    assert workspace.status_code == 200 and "Kelurahan Jatiwaringin" in workspace.content.decode()
    # ... and can upload a list: one program is open (BPUM 2020 ended in 2020).
    upload = client.get("/pengusul/unggah/").content.decode()
    assert 'type="file"' in upload and "Bantuan Usaha Mikro Kota Bekasi" in upload

    again = seed("--owners", "150")
    assert Application.objects.count() == 150
    assert "0 permohonan demo baru" in again


@pytest.mark.django_db
def test_every_demo_application_moves_forward_in_time_inside_bpum_2020(seed):
    seed("--owners", "150")

    opens = datetime.datetime(2020, 8, 17, tzinfo=JAKARTA)
    transfers_open = datetime.datetime(2020, 9, 10, tzinfo=JAKARTA)
    closes = datetime.datetime(2021, 1, 1, tzinfo=JAKARTA)
    applications = Application.objects.filter(program__code="bpum-2020").prefetch_related(
        "status_changes"
    )
    for application in applications:
        changes = sorted(application.status_changes.all(), key=lambda c: c.pk)
        # The history, in the order it was written, is the path to the status, proposed first.
        assert [c.to_status for c in changes] == list(status_path(application.status))
        assert changes[0].from_status == ""
        times = [c.at for c in changes]
        assert times == sorted(times) and len(set(times)) == len(times), application.pk
        # Each step's timestamp is the time of its record, all inside the program.
        for change in changes:
            assert getattr(application, STEP_FIELD[change.to_status]) == change.at
            assert opens <= change.at < closes, (application.pk, change.to_status, change.at)
        set_steps = [
            getattr(application, STEP_FIELD[s])
            for s in [*PATH[:4], Status.TRANSFER_FAILED, Status.TRANSFERRED, Status.WITHDRAWN]
            if getattr(application, STEP_FIELD[s]) is not None
        ]
        assert set_steps == sorted(set_steps), application.pk
        for paid in (application.transferred_at, application.transfer_failed_at):
            assert paid is None or paid >= transfers_open
        if application.rejected_at or application.returned_at:
            assert (application.rejected_at or application.returned_at) > max(set_steps)
    for disbursement in Disbursement.objects.filter(
        application__program__code="bpum-2020"
    ).select_related("application"):
        assert disbursement.transferred_at >= transfers_open
        assert disbursement.transferred_at > disbursement.application.approved_at


@pytest.mark.django_db
def test_the_demo_keeps_every_status_through_the_periodic_jobs_at_start(seed):
    """./run starts run_periodic right after seed_demo: the withdrawal deadline must find
    nothing of the demo's to return (BPUM 2020's transfers are years past their 90 days, so
    the money still in owners' accounts is this year's, transferred weeks ago)."""
    seed("--owners", "150")
    before = dict(
        Application.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )

    call_command("expire_withdrawals", stdout=StringIO())

    after = dict(
        Application.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    assert after == before and set(after) == set(Status.values)
    transferred = Application.objects.filter(status=Status.TRANSFERRED)
    assert {a.program.code for a in transferred} == {"demo-bantuan-usaha"}
    today = timezone.localdate()
    for application in transferred:
        assert application.approved_at < application.transferred_at
        assert timezone.localdate(application.transferred_at) < today


@pytest.mark.django_db
def test_passwords_stay_unless_reset_and_live_only_in_the_owner_readable_file(client, seed, logins):
    first = _passwords(seed("--owners", "0"))
    assert set(first) == USERS
    assert _passwords(logins.read_text()) == first
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    hashes = _hashes()
    for username, password in first.items():
        assert password not in hashes[username], "the database keeps only a hash"
    kept = logins.read_text()

    again = seed("--owners", "0")

    assert _passwords(again) == {}, "no password is set or printed without the flag"
    assert _hashes() == hashes
    assert logins.read_text() == kept
    assert client.login(username="admin", password=first["admin"])

    reset = _passwords(seed("--owners", "0", "--reset-passwords"))

    assert set(reset) == USERS
    assert all(reset[u] != first[u] for u in USERS)
    assert _passwords(logins.read_text()) == reset
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    client.logout()
    assert not client.login(username="admin", password=first["admin"])
    assert client.login(username="admin", password=reset["admin"])


@pytest.mark.django_db
def test_a_user_created_later_is_added_to_the_kept_logins(seed, logins):
    first = _passwords(seed("--owners", "0"))
    get_user_model().objects.filter(username="pimpinan").delete()

    second = _passwords(seed("--owners", "0"))

    assert set(second) == {"pimpinan"}
    assert _passwords(logins.read_text()) == {**first, **second}
