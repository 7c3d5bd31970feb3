"""The admin home's "Perlu dikerjakan" panel: each grant role sees what waits for it, with a
count and a link to the list it counts (issue 25.3)."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from aid.models import ImportStatus, PossibleDuplicate, ProposalList, Status
from tests.aid.conftest import in_status
from tests.factories import BankAccountFactory
from umkm_portal import roles


def _panel(client) -> dict[str, tuple[int, str]]:
    """label -> (count, link) of the panel on the admin home."""
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Perlu dikerjakan" in html
    panel = html[html.index('class="module todo-panel"') : html.index("</section>")]
    found = re.findall(
        r'<a href="([^"]+)"><span class="todo-count">([\d.]+)</span> ([^<]+)</a>', panel
    )
    # The link as a browser follows it (a query of two filters is written with &amp;).
    return {label.strip(): (int(n.replace(".", "")), unescape(url)) for url, n, label in found}


def _failed_on(application, account, at=datetime.datetime(2020, 9, 10, tzinfo=datetime.UTC)):
    """Record the failed transfer of ``application`` on ``account`` (the bank's date)."""
    from aid.models import Disbursement

    Disbursement.objects.create(
        application=application,
        amount=application.program.amount,
        bank_code=account.bank.code,
        account_number=account.account_number,
        holder_name=account.holder_name,
        transferred_at=at,
        bank_reference=f"GAGAL-{application.pk}",
        outcome=Disbursement.Outcome.FAILED,
        failure_reason="Rekening tidak aktif",
    )
    application.transfer_failed_at = at
    application.save(update_fields=["transfer_failed_at"])


@pytest.fixture
def round_in_progress(program, make_staff):
    """Two proposed applications (one pair flagged between them), one submitted, one
    approved, one failed transfer whose owner has since given a new account, and a list a
    kelurahan sent."""
    first, second = in_status(program), in_status(program)
    PossibleDuplicate.objects.create(application=first, other=second, rules="phone")
    in_status(program, Status.SUBMITTED)
    in_status(program, Status.APPROVED)
    failed = in_status(program, Status.TRANSFER_FAILED, account=False)
    _failed_on(failed, BankAccountFactory(owner=failed.owner, is_active=False))
    BankAccountFactory(owner=failed.owner)  # another account, given since
    ProposalList.objects.create(
        program=program,
        proposer_name="Kelurahan Margahayu",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        import_status=ImportStatus.SUBMITTED,
        sent_by_proposer=True,
    )


@pytest.mark.django_db
def test_each_grant_role_sees_its_own_work(round_in_progress, make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    operator = _panel(client)
    assert operator["daftar usulan dikirim pengusul, menunggu digabungkan"][0] == 1
    assert "pasangan kemungkinan data ganda belum diputuskan" not in operator

    client.force_login(make_staff(roles.VERIFIKATOR))
    verifier = _panel(client)
    assert verifier["pasangan kemungkinan data ganda belum diputuskan"][0] == 1
    assert verifier["permohonan ditahan karena kemungkinan data ganda"][0] == 2
    assert verifier["permohonan diusulkan, menunggu verifikasi"][0] == 2
    assert "daftar usulan dikirim pengusul, menunggu digabungkan" not in verifier

    client.force_login(make_staff(roles.BENDAHARA))
    treasurer = _panel(client)
    assert treasurer["transfer gagal dengan rekening baru, siap dikirim ulang"][0] == 1
    assert treasurer["permohonan ditetapkan, menunggu transfer"][0] == 1

    client.force_login(make_staff(roles.PIMPINAN))
    head = _panel(client)
    assert head["permohonan diajukan, menunggu keputusan Kementerian"] == (
        1,
        reverse("admin:aid_application_changelist") + "?status__exact=submitted",
    )
    # Pimpinan reads: no item of the other desks (every member of staff sees their jobs).
    assert set(head) == {
        "permohonan diajukan, menunggu keputusan Kementerian",
        "pekerjaan latar belakang berjalan, menunggu atau gagal",
    }


@pytest.mark.django_db
def test_every_link_opens_the_list_it_counts(round_in_progress, make_staff, client):
    for role in (roles.OPERATOR, roles.VERIFIKATOR, roles.BENDAHARA, roles.PIMPINAN):
        client.force_login(make_staff(role))
        for label, (_count, url) in _panel(client).items():
            assert client.get(url).status_code == 200, (role, label)


@pytest.mark.django_db
def test_a_failed_transfer_is_ready_again_only_with_another_account(program, bendahara, client):
    """The walkthrough's case: the bank's date of the failure (2020) is older than the
    account on record, which is still the one the transfer failed on: not ready. Another
    account makes it ready, and the link lists exactly the ready ones."""
    failed = in_status(program, Status.TRANSFER_FAILED)
    _failed_on(failed, failed.owner.bank_accounts.get())
    client.force_login(bendahara)
    label = "transfer gagal dengan rekening baru, siap dikirim ulang"
    assert _panel(client)[label][0] == 0

    failed.owner.bank_accounts.update(is_active=False)
    BankAccountFactory(owner=failed.owner)
    count, url = _panel(client)[label]
    assert count == 1
    listed = client.get(url)
    assert listed.status_code == 200
    assert [a.pk for a in listed.context["cl"].result_list] == [failed.pk]


@pytest.mark.django_db
def test_a_failed_job_counts_until_it_is_tried_again(make_staff, client):
    from jobs.models import Job

    operator = make_staff(roles.OPERATOR)
    failed = Job.objects.create(
        kind="aid.merge", key="merge:list:1", state=Job.State.FAILED, started_by=operator
    )
    client.force_login(operator)
    label = "pekerjaan latar belakang berjalan, menunggu atau gagal"
    assert _panel(client)[label][0] == 1
    Job.objects.create(kind="aid.merge", key=failed.key, state=Job.State.DONE, started_by=operator)
    assert _panel(client)[label][0] == 0
