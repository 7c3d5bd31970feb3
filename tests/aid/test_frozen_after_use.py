"""Issue 11, finding 6: what applications and money hang on stays fixed.

A merged proposal list keeps its program, proposer and date (and has history); a program's
amount and one-time rule cannot change once money moved.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aid import services
from aid.models import ImportStatus, Program, ProposalList, Status
from tests.aid.conftest import in_status
from umkm_portal import roles


@pytest.fixture
def other_program(db):
    return Program.objects.create(code="bpum-2021", name="BPUM 2021", amount=1_200_000)


@pytest.fixture
def merged_list(program):
    return ProposalList.objects.create(
        program=program,
        proposer_name="Kelurahan Jatiwaringin",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        received_on=datetime.date(2020, 9, 1),
        import_status=ImportStatus.MERGED,
    )


@pytest.mark.django_db
def test_a_merged_lists_program_proposer_and_date_cannot_be_changed_in_the_admin(
    merged_list, other_program, make_staff, client
):
    client.force_login(make_staff(roles.OPERATOR))
    response = client.post(
        reverse("admin:aid_proposallist_change", args=[merged_list.pk]),
        {
            "program": other_program.pk,
            "proposer_name": "Koperasi Lain",
            "proposer_kind": "koperasi",
            "received_on": "2021-01-01",
        },
    )
    assert response.status_code in (200, 302)
    merged_list.refresh_from_db()
    assert merged_list.program.code == "bpum-2020"
    assert merged_list.proposer_name == "Kelurahan Jatiwaringin"
    assert merged_list.received_on == datetime.date(2020, 9, 1)


@pytest.mark.django_db
def test_proposal_lists_keep_history(merged_list):
    merged_list.proposer_name = "Kelurahan Jatiwaringin (diperbaiki)"
    merged_list.save()
    assert [h.proposer_name for h in merged_list.history.order_by("history_date")] == [
        "Kelurahan Jatiwaringin",
        "Kelurahan Jatiwaringin (diperbaiki)",
    ]


def _pay(program):
    application = in_status(program, Status.APPROVED)
    services.disbursement_record(
        application=application,
        bank_reference="REF-1",
        succeeded=True,
        transferred_at=timezone.now(),
    )


@pytest.mark.django_db
def test_program_amount_and_one_time_are_fixed_once_money_moved(program, make_staff):
    head = make_staff(None)
    services.program_update(program=program, amount=2_500_000, by=head)  # nothing paid yet
    program.refresh_from_db()
    services.program_update(program=program, amount=2_400_000, by=head)
    _pay(program)
    for change in ({"amount": 1_000}, {"one_time": False}):
        with pytest.raises(ValidationError) as refused:
            services.program_update(program=program, by=head, **change)
        assert set(refused.value.message_dict) == set(change)
    program = services.program_update(program=program, name="BPUM 2020 (tahap 1)", by=head)
    program.refresh_from_db()
    assert (program.amount, program.one_time, program.name) == (
        2_400_000,
        True,
        "BPUM 2020 (tahap 1)",
    )
    assert program.history.first().history_user == head


@pytest.mark.django_db
def test_program_admin_shows_amount_read_only_and_cannot_change_it_after_payment(
    program, make_staff, client
):
    _pay(program)
    client.force_login(make_staff(None))
    client.post(
        reverse("admin:aid_program_change", args=[program.pk]),
        {
            "code": program.code,
            "name": "BPUM 2020",
            "amount": "1000",
            "withdrawal_days": "90",
            "starts_on": "2020-08-17",
        },
    )
    program.refresh_from_db()
    assert (program.amount, program.one_time) == (2_400_000, True)


@pytest.mark.django_db
def test_program_admin_creates_through_the_service(make_staff, client):
    client.force_login(make_staff(None))
    response = client.post(
        reverse("admin:aid_program_add"),
        {"code": "bpum-2022", "name": "BPUM 2022", "amount": "600000", "withdrawal_days": "90"},
    )
    assert response.status_code == 302
    assert Program.objects.get(code="bpum-2022").history.get().history_user.username == "super"
