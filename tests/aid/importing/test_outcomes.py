"""Every outcome a row can have, from one small list, and what confirming does with them."""

import pytest
from django.core.exceptions import ValidationError

from aid import services
from aid.models import (
    Application,
    ImportRow,
    ImportStatus,
    PossibleDuplicate,
    Reason,
    Status,
    StatusChange,
)
from registry.models import BankAccount, Business, Owner
from tests.aid.importing.files.make_fixtures import NIKS
from tests.factories import (
    ApplicationFactory,
    BankAccountFactory,
    BusinessFactory,
    OwnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry_before(program):
    """Owners already known: one proposed by another list, one paid, one without application."""
    proposed = ApplicationFactory(
        program=program,
        business=BusinessFactory(owner=OwnerFactory(nik=NIKS["existing_application"])),
    )
    paid = ApplicationFactory(
        program=program,
        business=BusinessFactory(owner=OwnerFactory(nik=NIKS["received"])),
        status=Status.TRANSFERRED,
    )
    registered = OwnerFactory(nik=NIKS["registered"], full_name="Endang Sulastri")
    return proposed, paid, registered


def _row(proposal_list, number):
    return ImportRow.objects.get(proposal_list=proposal_list, row_number=number)


def test_each_row_gets_one_outcome_with_an_indonesian_reason(upload, registry_before):
    proposal_list = upload("outcomes.csv")
    assert proposal_list.import_status == ImportStatus.STAGED
    expected = {
        2: ("accepted", ""),
        3: ("rejected", Reason.DUPLICATE_IN_LIST),
        4: ("rejected", Reason.INVALID_NIK),
        5: ("rejected", Reason.INVALID_NIK),
        6: ("rejected", Reason.INCOMPLETE),
        7: ("rejected", Reason.INVALID_FIELD),
        8: ("rejected", Reason.INVALID_FIELD),
        9: ("rejected", Reason.INVALID_FIELD),
        10: ("rejected", Reason.DUPLICATE_EXISTING),
        11: ("rejected", Reason.ALREADY_RECEIVED),
        12: ("accepted", ""),
        13: ("accepted", ""),
        14: ("accepted", ""),
        15: ("accepted", ""),
        16: ("accepted", ""),
    }
    got = {
        r.row_number: (r.outcome, r.reason_code)
        for r in ImportRow.objects.filter(proposal_list=proposal_list)
    }
    assert got == expected

    assert "baris 2" in _row(proposal_list, 3).explanation
    assert "0000" in _row(proposal_list, 4).message
    assert "rusak oleh Excel" in _row(proposal_list, 5).message
    incomplete = _row(proposal_list, 6).message
    assert "Alamat KTP" in incomplete and "No HP" in incomplete
    assert "bukan nomor HP" in _row(proposal_list, 7).message
    assert 'Kelurahan "Kebayoran" tidak ada di Kota Bekasi' in _row(proposal_list, 8).message
    assert 'Bank "Bank Antah" tidak dikenal' in _row(proposal_list, 9).message
    proposed, paid, _registered = registry_before
    # Proposed elsewhere: said so, without naming the other proposer or its application.
    assert "oleh lembaga lain" in _row(proposal_list, 10).explanation
    assert f"#{proposed.pk}" not in _row(proposal_list, 10).explanation
    assert "input manual" not in _row(proposal_list, 10).explanation
    assert "hanya diberikan sekali" in _row(proposal_list, 11).explanation

    assert "baris 13" in _row(proposal_list, 12).remarks  # same phone, other NIK
    assert "baris 12" in _row(proposal_list, 13).remarks
    # Registered: the registry wins, and the note does not tell the proposer whose NIK it is.
    assert "sudah terdaftar" in _row(proposal_list, 14).remarks
    assert "Endang" not in _row(proposal_list, 14).remarks
    assert "Nama dan tanggal lahir sama dengan baris 16" in _row(proposal_list, 15).remarks

    counts = proposal_list.counts
    assert counts["rows"] == 15
    assert counts["accepted"] == 6
    assert counts["flagged"] == 4
    assert counts["rejected"] == {
        "duplicate_in_list": 1,
        "invalid_nik": 2,
        "incomplete": 1,
        "invalid_field": 3,
        "duplicate_existing": 1,
        "already_received": 1,
    }


def test_nothing_is_written_to_the_registry_before_confirming(upload, registry_before):
    owners, businesses = Owner.objects.count(), Business.objects.count()
    upload("outcomes.csv")
    assert (Owner.objects.count(), Business.objects.count()) == (owners, businesses)
    assert Application.objects.count() == 2


def test_confirm_merges_accepted_rows_with_history_and_possible_duplicates(upload, registry_before):
    proposal_list = upload("outcomes.csv")
    owners_before = Owner.objects.count()
    created = services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)

    assert created == 6
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.MERGED
    assert proposal_list.counts["merged"] == 6
    applications = Application.objects.filter(proposal_list=proposal_list)
    assert applications.count() == 6
    assert set(applications.values_list("status", flat=True)) == {Status.PROPOSED}
    # Five new owners; the registered one is reused and keeps its registered name.
    assert Owner.objects.count() == owners_before + 5
    registered = Owner.objects.get(nik=NIKS["registered"])
    assert registered.full_name == "Endang Sulastri"
    assert applications.filter(owner=registered).exists()

    siti = Owner.objects.get(nik=NIKS["new"])
    assert (siti.full_name, siti.sex, siti.phone) == ("Siti Aminah", "F", "+6281234567890")
    assert siti.kelurahan.name == "Arenjaya"
    assert siti.history.get().history_type == "+"
    account = BankAccount.objects.get(owner=siti)
    assert (account.bank.code, account.account_number, account.is_active) == (
        "002",
        "012301000123456",
        True,
    )
    business = Business.objects.get(owner=siti)
    assert (business.name, business.sector) == ("Warung Siti", "Kuliner")

    changes = StatusChange.objects.filter(application__proposal_list=proposal_list)
    assert changes.count() == 6
    assert {c.by for c in changes} == {upload.operator}
    assert {(c.from_status, c.to_status) for c in changes} == {("", Status.PROPOSED)}

    pairs = {
        (d.rules, frozenset({d.application.owner.nik, d.other.owner.nik}))
        for d in PossibleDuplicate.objects.select_related("application__owner", "other__owner")
    }
    assert pairs == {
        ("phone", frozenset({NIKS["same_phone_2"], NIKS["same_phone_1"]})),
        ("name_birth_date", frozenset({NIKS["twin_2"], NIKS["twin_1"]})),
    }


def test_a_listed_account_becomes_active_only_for_owners_without_one(upload, program):
    with_account = OwnerFactory(nik="3275120808970011")
    kept = BankAccountFactory(owner=with_account, account_number="555500001111")
    without_account = OwnerFactory(nik="3275130909980021")
    header = (
        "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,Bidang Usaha,No HP,Bank,"
        "No Rekening"
    )
    rows = [
        header,
        "3275120808970011,Ani,Jl. Satu 1,,,Warung Ani,Kuliner,081211110001,BRI,012300000000011",
        "3275130909980021,Beni,Jl. Dua 2,,,Toko Beni,Kelontong,081211110002,BRI,012300000000022",
        "3275140101990031,Cici,Jl. Tiga 3,,,Jahit Cici,Konveksi,081211110003,BRI,012300000000033",
    ]
    proposal_list = upload("accounts.csv", data="\n".join(rows).encode())
    assert proposal_list.import_status == ImportStatus.STAGED
    assert "rekening terdaftar tetap dipakai" in _row(proposal_list, 2).remarks

    assert services.proposal_list_confirm(proposal_list=proposal_list, by=None) == 3

    # The registered account stays the only one; the others get the listed account, active.
    assert list(BankAccount.objects.filter(owner=with_account)) == [kept]
    assert [
        (a.account_number, a.is_active) for a in BankAccount.objects.filter(owner=without_account)
    ] == [("012300000000022", True)]
    new_owner = Owner.objects.get(nik="3275140101990031")
    account = BankAccount.objects.get(owner=new_owner)
    assert (account.account_number, account.is_active) == ("012300000000033", True)
    assert account.history.get().history_type == "+"


def test_a_second_confirm_is_refused(upload, registry_before):
    proposal_list = upload("outcomes.csv")
    services.proposal_list_confirm(proposal_list=proposal_list, by=None)
    with pytest.raises(ValidationError, match="tidak dapat digabungkan"):
        services.proposal_list_confirm(proposal_list=proposal_list, by=None)
    assert Application.objects.filter(proposal_list=proposal_list).count() == 6


def test_a_proposal_made_between_staging_and_confirm_is_rejected_at_confirm(
    upload, registry_before, program
):
    proposal_list = upload("outcomes.csv")
    # Someone registers and proposes Siti by hand while the list waits for review.
    siti = OwnerFactory(nik=NIKS["new"])
    services.application_create(business=BusinessFactory(owner=siti), program=program)

    created = services.proposal_list_confirm(proposal_list=proposal_list, by=None)

    assert created == 5
    assert _row(proposal_list, 2).reason_code == Reason.DUPLICATE_EXISTING


def test_reimporting_the_same_list_creates_nothing_new(upload, registry_before):
    first = upload("outcomes.csv")
    services.proposal_list_confirm(proposal_list=first, by=None)
    counts = (Owner.objects.count(), Business.objects.count(), Application.objects.count())

    second = upload("outcomes.csv", proposer="Kelurahan Perwira (kirim ulang)")

    # More than half the rows are now already proposed: the list is refused outright.
    assert second.import_status == ImportStatus.REFUSED
    assert "lebih dari separuh" in second.import_error
    assert not ImportRow.objects.filter(proposal_list=second).exists()
    assert not second.file
    assert (Owner.objects.count(), Business.objects.count(), Application.objects.count()) == counts


def test_cancel_leaves_nothing_behind(upload, registry_before):
    proposal_list = upload("outcomes.csv")
    stored = proposal_list.file.name
    storage = proposal_list.file.storage
    assert storage.exists(stored)
    owners, applications = Owner.objects.count(), Application.objects.count()

    services.proposal_list_cancel(proposal_list=proposal_list, by=upload.operator)

    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.CANCELLED
    assert not ImportRow.objects.filter(proposal_list=proposal_list).exists()
    assert not storage.exists(stored)
    assert (Owner.objects.count(), Application.objects.count()) == (owners, applications)
    with pytest.raises(ValidationError):
        services.proposal_list_confirm(proposal_list=proposal_list, by=None)


def test_a_failure_in_the_middle_of_a_batch_leaves_nothing_of_it_and_the_merge_resumes(
    upload, registry_before, monkeypatch
):
    proposal_list = upload("outcomes.csv")
    counts = (
        Owner.objects.count(),
        Business.objects.count(),
        BankAccount.objects.count(),
        Application.objects.count(),
    )

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    # Owners, businesses, accounts and applications of the batch are inserted by then.
    with monkeypatch.context() as patched:
        patched.setattr("aid.transitions.record_proposed_where", explode)
        with pytest.raises(RuntimeError):
            services.proposal_list_confirm(proposal_list=proposal_list, by=None)

    assert (
        Owner.objects.count(),
        Business.objects.count(),
        BankAccount.objects.count(),
        Application.objects.count(),
    ) == counts
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.MERGING  # resumed by confirming again

    created = services.proposal_list_confirm(proposal_list=proposal_list, by=None)

    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.MERGED
    assert created == proposal_list.counts["accepted"]
    assert Application.objects.filter(proposal_list=proposal_list).count() == created


def test_a_merge_stopped_between_batches_resumes_after_the_last_one_and_merges_each_row_once(
    upload, registry_before, monkeypatch
):
    from aid.importing import merge

    proposal_list = upload("outcomes.csv")
    real = merge.merge_rows
    calls = []

    def second_batch_dies(*args, **kwargs):
        calls.append(kwargs["first_row"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(merge, "merge_rows", second_batch_dies)
        with pytest.raises(RuntimeError):
            services.proposal_list_confirm(proposal_list=proposal_list, by=None, batch_rows=2)

    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.MERGING
    half = Application.objects.filter(proposal_list=proposal_list)
    assert half.count() == 2
    # Half-merged applications are not part of the round yet: nobody can verify them.
    assert services.applications_verify(applications=half, by=None).moved == 0

    created = services.proposal_list_confirm(proposal_list=proposal_list, by=None, batch_rows=2)

    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.MERGED
    merged = Application.objects.filter(proposal_list=proposal_list)
    assert created == merged.count() == proposal_list.counts["accepted"]
    assert merged.values("owner").distinct().count() == created
    assert StatusChange.objects.filter(application__proposal_list=proposal_list).count() == created


def test_a_phone_or_account_already_used_by_another_nik_in_the_program_is_flagged(upload, program):
    # An owner proposed through another list earlier, with a phone and an active account.
    earlier = ApplicationFactory(program=program)
    account = BankAccountFactory(owner=earlier.owner)
    phone = "0" + earlier.owner.phone[3:]
    header = "NIK;Nama;Alamat KTP;Nama Usaha;Bidang Usaha;No HP;Bank;No Rekening\n"
    rows = [
        # Another NIK with the same phone (a family member, or the same person twice).
        f"3275015708900002;Siti Rahma;Jl. Melati 2;Warung Siti;Kuliner;{phone};;",
        # Another NIK paid into the same account.
        f"3275011708900003;Joko Susilo;Jl. Melati 3;Bengkel Joko;Jasa;081299990000;002;"
        f"{account.account_number}",
        "3275011708900004;Ani Wijaya;Jl. Melati 4;Toko Ani;Dagang;081299990001;;",
    ]
    proposal_list = upload("lain.csv", data=(header + "\n".join(rows) + "\n").encode())

    flagged = {r.row_number: r for r in proposal_list.import_rows.exclude(flags=[])}
    assert set(flagged) == {2, 3}
    assert f"#{earlier.pk}" in flagged[2].remarks and "Nomor HP yang sama" in flagged[2].remarks
    assert f"#{earlier.pk}" in flagged[3].remarks and "Rekening yang sama" in flagged[3].remarks
    assert all(r.outcome == ImportRow.Outcome.ACCEPTED for r in flagged.values())

    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)

    pairs = {
        (p.other.owner.nik, p.application_id, p.rules)
        for p in PossibleDuplicate.objects.select_related("other__owner")
    }
    assert pairs == {
        ("3275015708900002", earlier.pk, PossibleDuplicate.Rule.PHONE),
        ("3275011708900003", earlier.pk, PossibleDuplicate.Rule.BANK_ACCOUNT),
    }
