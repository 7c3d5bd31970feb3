"""The 2020 story at small scale, from three overlapping proposal lists to the money that
went back to the treasury. Counts and rupiah totals are worked out by hand below."""

import datetime
import io
import json
import random

import pytest
from django.core.management import call_command

from aid import selectors, services
from aid.models import (
    Application,
    Disbursement,
    PossibleDuplicate,
    Reason,
    Status,
)
from registry import fakes
from registry import services as registry_services
from registry.models import Bank
from tests.aid.conftest import csv_bytes, xlsx_bytes, xlsx_rows
from tests.factories import BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

GRANT = 2_400_000
BANK_HEADER = ["NIK", "NO_REKENING", "KODE_BANK", "NOMINAL", "TANGGAL", "REFERENSI", "STATUS"]


HEADER = [
    "NIK",
    "Nama Lengkap",
    "Alamat KTP",
    "Kecamatan",
    "Kelurahan",
    "Nama Usaha",
    "Bidang Usaha",
    "No HP",
    "Bank",
    "No Rekening",
]


def _list_row(owner) -> list[str]:
    business = owner.businesses.first()
    account = owner.bank_accounts.filter(is_active=True).first()
    return [
        owner.nik,
        owner.full_name,
        owner.ktp_address,
        business.kelurahan.parent.name,
        business.kelurahan.name,
        business.name,
        business.sector,
        "0" + owner.phone[3:],  # written as people write it: 0812…
        account.bank.code if account else "",
        account.account_number if account else "",
    ]


def import_proposal_lists(program, lists: dict[str, list], *, folder) -> dict[str, dict]:
    """Each list goes through the real import, as the command line of docs/importing.md runs it."""
    summaries = {}
    for number, (name, owners) in enumerate(lists.items(), start=1):
        path = folder / f"daftar-{number}.csv"
        path.write_bytes(csv_bytes([HEADER, *[_list_row(owner) for owner in owners]], ";"))
        out = io.StringIO()
        call_command(
            "import_proposals",
            str(path),
            "--program",
            program.code,
            "--proposer",
            name,
            "--commit",
            "--json",
            stdout=out,
        )
        summaries[name] = json.loads(out.getvalue())
    return summaries


# ----------------------------------------------------------------------------------------


def _bank_row(owner, reference, status, date):
    account = owner.bank_accounts.get(is_active=True)
    return [
        owner.nik,
        account.account_number,
        account.bank.code,
        "2.400.000",
        date,
        reference,
        status,
    ]


def _money(program) -> dict[str, tuple[int, int]]:
    return {
        s: (m.applications, m.amount) for s, m in selectors.program_money_by_status(program).items()
    }


def _counts(program) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in Application.objects.filter(program=program).values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_bpum_2020_from_proposal_lists_to_the_treasury(program, make_staff, tmp_path):
    verifier, bendahara = make_staff(roles.VERIFIKATOR), make_staff(roles.BENDAHARA)
    rng = random.Random(2020)
    bri = Bank.objects.get(code="002")

    # Eleven owners o[1]..o[11]; o[4] never gave a bank account ("data kurang lengkap").
    o = {i: OwnerFactory() for i in range(1, 12)}
    for i, owner in o.items():
        if i != 4:
            registry_services.bank_account_set(
                owner=owner,
                bank=bri,
                account_number=fakes.account_number(rng, "002"),
                holder_name=owner.full_name,
            )
    # o[1] proposed again by the Dinas under a mistyped NIK: same name and birth date.
    twin = registry_services.owner_upsert(
        nik=o[1].nik[:12] + "9999",
        full_name=o[1].full_name,
        ktp_address=o[1].ktp_address,
        kelurahan=o[1].kelurahan,
        phone=fakes.mobile(rng),
    )
    for owner in [*o.values(), twin]:
        BusinessFactory(owner=owner)

    # 1. Three lists with overlaps: o5, o6 in A and B; o9 in B and C. The kelurahan list
    # also carries o1 a second time under the mistyped NIK.
    imported = import_proposal_lists(
        program,
        {
            "Kelurahan Jatiwaringin": [o[1], o[2], o[3], o[4], o[5], o[6], twin],
            "Koperasi Mitra Usaha": [o[5], o[6], o[7], o[8], o[9]],
            "Dinas KUKM": [o[9], o[10], o[11]],
        },
        folder=tmp_path,
    )
    assert {name: s["merged"] for name, s in imported.items()} == {
        "Kelurahan Jatiwaringin": 7,
        "Koperasi Mitra Usaha": 3,
        "Dinas KUKM": 2,
    }
    assert imported["Kelurahan Jatiwaringin"]["flagged"] == 2  # o1 and the twin, both rows
    assert imported["Koperasi Mitra Usaha"]["rejected"] == {"duplicate_existing": 2}
    assert imported["Dinas KUKM"]["rejected"] == {"duplicate_existing": 1}
    assert _counts(program) == {Status.PROPOSED: 12}

    # 2. Verify: the flagged pair is the same person; o4 lacks an account; the rest in bulk.
    flag = PossibleDuplicate.objects.get(decision="")
    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.SAME_PERSON, by=verifier, note="KTP dicek"
    )
    twin_application = Application.objects.get(owner=twin)
    assert (twin_application.status, twin_application.reason_code) == (
        Status.REJECTED,
        Reason.DUPLICATE_EXISTING,
    )
    services.application_reject(
        application=Application.objects.get(owner=o[4]),
        by=verifier,
        reason_code=Reason.INCOMPLETE,
        note="Belum ada rekening",
    )
    verified = services.applications_verify(
        applications=Application.objects.filter(program=program), by=verifier
    )
    assert (verified.moved, len(verified.refused)) == (10, 2)

    # 3. Submit all ten in one batch; a second export changes nothing.
    batch = services.submission_create(program=program, file_format="xlsx", by=verifier)
    assert batch.rows == 10
    assert len(xlsx_rows(batch.file.read())) == 1 + 10
    services.submission_export(batch=batch, file_format="csv", by=verifier)
    assert _counts(program) == {Status.SUBMITTED: 10, Status.REJECTED: 2}

    # 4. The ministry names eight (o10, o11 are not on the SK); o2 is listed twice.
    decided = [o[i].nik for i in (1, 2, 3, 5, 6, 7, 8, 9)]
    decision = services.decision_file_import(
        program=program,
        filename="sk-bpum-kota-bekasi.xlsx",
        file=io.BytesIO(xlsx_bytes([["NIK"], *[[nik] for nik in decided], [o[2].nik]])),
        by=make_staff(roles.PIMPINAN),  # not who submitted (issue 11, finding 7b)
        reject_missing=True,
    )
    assert (decision.applied, decision.not_approved, decision.refused) == (8, 2, 1)
    assert _counts(program) == {Status.APPROVED: 8, Status.REJECTED: 4}
    # The SK was signed on 1 September 2020 and is recorded today: the approval is dated by
    # the SK, so the bank's September transfers do not precede it.
    Application.objects.filter(program=program, status=Status.APPROVED).update(
        approved_at=datetime.datetime(2020, 9, 1, 9, tzinfo=datetime.UTC)
    )

    # 5. The bank transfers on 10 September: six succeed, o8 and o9 fail.
    first = services.bank_report_import(
        program=program,
        filename="bri-2020-09-10.csv",
        file=io.BytesIO(
            csv_bytes(
                [
                    BANK_HEADER,
                    *[
                        _bank_row(o[i], f"BRI-{i:03d}", "BERHASIL", "10/09/2020")
                        for i in (1, 2, 3, 5, 6, 7)
                    ],
                    _bank_row(o[8], "BRI-008", "GAGAL", "10/09/2020"),
                    _bank_row(o[9], "BRI-009", "GAGAL", "10/09/2020"),
                ],
                ";",
            )
        ),
        by=bendahara,
    )
    assert (first.applied, first.refused) == (8, 0)
    assert _money(program) == {Status.TRANSFERRED: (6, 6 * GRANT)}  # Rp14.400.000

    # 6. o8's account is fixed and the bank retries on 17 September; o9 is still not fixed.
    fixed = registry_services.bank_account_set(
        owner=o[8],
        bank=Bank.objects.get(code="009"),
        account_number="5550001112",
        holder_name=o[8].full_name,
    )
    # Changed after verification: the Bendahara confirms it before money goes there.
    registry_services.bank_account_confirm(account=fixed, by=bendahara)
    retry = services.bank_report_import(
        program=program,
        filename="bri-2020-09-17.csv",
        file=io.BytesIO(
            csv_bytes([BANK_HEADER, _bank_row(o[8], "BNI-108", "BERHASIL", "17/09/2020")])
        ),
        by=bendahara,
    )
    assert retry.applied == 1

    # 7. Four owners withdraw by 1 October (a later report, by the original references).
    withdrawals = services.bank_report_import(
        program=program,
        filename="bri-2020-10-01.csv",
        file=io.BytesIO(
            csv_bytes(
                [
                    BANK_HEADER,
                    *[
                        _bank_row(o[i], f"BRI-{i:03d}", "DICAIRKAN", "01/10/2020")
                        for i in (1, 2, 3, 7)
                    ],
                ]
            )
        ),
        by=bendahara,
    )
    assert withdrawals.applied == 4
    assert _money(program) == {
        Status.WITHDRAWN: (4, 4 * GRANT),  # Rp9.600.000
        Status.TRANSFERRED: (3, 3 * GRANT),  # o5, o6, o8: Rp7.200.000
    }

    # 8. Ninety days pass: what was not withdrawn goes back to the treasury, once.
    out = io.StringIO()
    call_command("expire_withdrawals", stdout=out)
    assert "3 permohonan" in out.getvalue() and "Rp7.200.000" in out.getvalue()
    call_command("expire_withdrawals", stdout=io.StringIO())

    assert _counts(program) == {
        Status.WITHDRAWN: 4,  # o1, o2, o3, o7
        Status.RETURNED: 3,  # o5, o6, o8
        Status.TRANSFER_FAILED: 1,  # o9
        Status.REJECTED: 4,  # twin (data ganda), o4 (kurang lengkap), o10, o11 (not on SK)
    }
    assert _money(program) == {
        Status.WITHDRAWN: (4, 9_600_000),
        Status.RETURNED: (3, 7_200_000),
    }
    reasons = dict(
        Application.objects.filter(status=Status.REJECTED).values_list("owner__nik", "reason_code")
    )
    assert reasons == {
        twin.nik: Reason.DUPLICATE_EXISTING,
        o[4].nik: Reason.INCOMPLETE,
        o[10].nik: Reason.NOT_APPROVED,
        o[11].nik: Reason.NOT_APPROVED,
    }
    # Money out equals the sum of successful transfers: seven grants, Rp16.800.000.
    paid = Disbursement.objects.filter(outcome="success")
    assert (paid.count(), sum(d.amount for d in paid)) == (7, 16_800_000)
    assert Disbursement.objects.filter(outcome="failed").count() == 2
    # Every application's history, in the order recorded, runs from "proposed" to its status.
    # (Ordered by record, not by ``at``: the bank's 2020 dates precede this test's "now".)
    for application in Application.objects.filter(program=program):
        history = list(
            application.status_changes.order_by("pk").values_list("from_status", "to_status")
        )
        assert all(a[1] == b[0] for a, b in zip(history, history[1:], strict=False))
        assert history[0] == ("", Status.PROPOSED)
        assert history[-1][1] == application.status
