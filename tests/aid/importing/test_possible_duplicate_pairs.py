"""The import records one possible-duplicate entry per pair, with every rule that matched."""

import pytest
from django.urls import reverse

from aid import services
from aid.models import PossibleDuplicate
from tests.factories import ApplicationFactory, BankAccountFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

HEADER = "NIK;Nama;Alamat KTP;Nama Usaha;Bidang Usaha;No HP;Bank;No Rekening\n"


def _niks(flag) -> frozenset[str]:
    return frozenset({flag.application.owner.nik, flag.other.owner.nik})


def test_three_rules_on_one_pair_fold_into_one_entry(upload, make_staff, client):
    # Rows 1 and 2: same name, birth date (from the NIK), phone and account; row 3 shares
    # only the phone with them.
    rows = [
        "3275015708900002;Siti Rahma;Jl. Melati 2;Warung Siti;Kuliner;081299990000;002;"
        "012301000123456",
        "3275015708900003;Siti Rahma;Jl. Melati 3;Warung Rahma;Kuliner;081299990000;002;"
        "012301000123456",
        "3275011708900004;Joko Susilo;Jl. Melati 4;Bengkel Joko;Jasa;081299990000;;",
    ]
    proposal_list = upload("ganda.csv", data=(HEADER + "\n".join(rows) + "\n").encode())
    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)

    flags = {
        _niks(flag): flag
        for flag in PossibleDuplicate.objects.select_related("application__owner", "other__owner")
    }
    assert {niks: flag.rules for niks, flag in flags.items()} == {
        frozenset({"3275015708900002", "3275015708900003"}): "name_birth_date,phone,bank_account",
        frozenset({"3275015708900002", "3275011708900004"}): "phone",
    }
    assert all(flag.application_id < flag.other_id for flag in flags.values())

    client.force_login(make_staff(roles.VERIFIKATOR))
    queue = client.get(reverse("admin:aid_possibleduplicate_changelist"))
    assert len(queue.context["cl"].result_list) == 2
    assert (
        "Nama dan tanggal lahir sama, Nomor HP sama, Rekening bank sama" in queue.content.decode()
    )


def test_a_phone_and_an_account_of_one_earlier_application_make_one_entry(upload, program):
    earlier = ApplicationFactory(program=program)
    account = BankAccountFactory(owner=earlier.owner)
    phone = "0" + earlier.owner.phone[3:]
    row = (
        f"3275011708900003;Joko Susilo;Jl. Melati 3;Bengkel Joko;Jasa;{phone};002;"
        f"{account.account_number}"
    )
    proposal_list = upload("lain.csv", data=(HEADER + row + "\n").encode())
    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)

    flag = PossibleDuplicate.objects.select_related("other__owner").get()
    assert (flag.application_id, flag.other.owner.nik, flag.rules) == (
        earlier.pk,
        "3275011708900003",
        "phone,bank_account",
    )
