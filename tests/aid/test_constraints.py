"""What the database itself refuses, even when the services are bypassed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from aid import services
from aid.models import Application, Disbursement, Program, Reason, Status
from tests.factories import ApplicationFactory, BankAccountFactory, BusinessFactory


@pytest.mark.django_db
def test_second_live_application_fails_in_the_database_when_bypassing_the_service(
    business, program
):
    Application.objects.create(owner=business.owner, business=business, program=program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(owner=business.owner, business=business, program=program)


@pytest.mark.django_db
def test_the_service_refuses_a_second_live_application_with_a_clear_message(business, program):
    services.application_create(business=business, program=program)
    with pytest.raises(ValidationError) as refused:
        services.application_create(business=business, program=program)
    assert refused.value.code == Reason.DUPLICATE_EXISTING
    assert "sudah diusulkan" in refused.value.messages[0]
    assert Application.objects.filter(owner=business.owner).count() == 1


@pytest.mark.django_db
def test_after_a_rejection_a_new_application_is_allowed(business, program, verifier):
    first = services.application_create(business=business, program=program)
    services.application_reject(application=first, by=verifier, reason_code=Reason.INCOMPLETE)

    second = services.application_create(business=business, program=program)

    assert second.pk != first.pk
    assert second.status == Status.PROPOSED


@pytest.mark.django_db
def test_an_owner_who_received_a_one_time_grant_is_refused_as_already_received(business, program):
    ApplicationFactory(business=business, program=program, status=Status.TRANSFERRED)
    with pytest.raises(ValidationError) as refused:
        services.application_create(business=business, program=program)
    assert refused.value.code == Reason.ALREADY_RECEIVED
    assert "hanya diberikan sekali" in refused.value.messages[0]


@pytest.mark.django_db
def test_a_disbursement_amount_different_from_the_program_fails_in_the_database(program):
    application = ApplicationFactory(program=program, status=Status.APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(
            application=application,
            amount=1_200_000,
            bank_code="002",
            account_number="123456789012345",
            holder_name="X",
            transferred_at=timezone.now(),
            bank_reference="REF-1",
            outcome=Disbursement.Outcome.SUCCESS,
        )
    assert not Disbursement.objects.exists()


@pytest.mark.django_db
def test_only_one_successful_disbursement_per_application(program):
    application = ApplicationFactory(program=program, status=Status.TRANSFERRED)
    fields = {
        "application": application,
        "amount": program.amount,
        "bank_code": "002",
        "account_number": "123456789012345",
        "holder_name": "X",
        "transferred_at": timezone.now(),
        "outcome": Disbursement.Outcome.SUCCESS,
    }
    Disbursement.objects.create(bank_reference="REF-1", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.create(bank_reference="REF-2", **fields)


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [0])
def test_program_amount_must_be_positive(amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(
            code="x", name="X", amount=amount, starts_on=datetime.date(2020, 1, 1)
        )


@pytest.mark.django_db
def test_owners_and_programs_with_history_cannot_be_deleted(program):
    application = ApplicationFactory(program=program)
    with pytest.raises(ProtectedError):
        application.owner.delete()
    with pytest.raises(ProtectedError):
        program.delete()


@pytest.mark.django_db
def test_a_transfer_snapshots_the_active_account(program):
    business = BusinessFactory()
    account = BankAccountFactory(owner=business.owner)
    application = ApplicationFactory(business=business, program=program, status=Status.APPROVED)

    disbursement = services.disbursement_record(
        application=application,
        bank_reference="BRI-0001",
        succeeded=True,
        transferred_at=timezone.now(),
    )

    assert disbursement.amount == 2_400_000
    assert (disbursement.bank_code, disbursement.account_number) == ("002", account.account_number)
    application.refresh_from_db()
    assert application.status == Status.TRANSFERRED
