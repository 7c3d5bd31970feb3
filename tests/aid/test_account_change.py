"""Issue 11, finding 7a: an Operator replacing an approved owner's account cannot send the
grant there alone; the Bendahara (another person) confirms the new account first."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aid import services
from aid.models import Disbursement, Status
from aid.transitions import TransitionRefused
from registry import services as registry
from registry.models import Bank, BankAccount
from tests.aid.conftest import in_status
from umkm_portal import roles


@pytest.fixture
def operator(make_staff):
    return make_staff(roles.OPERATOR)


def _through(application, *steps, by=None):
    for step in steps:
        application = step(application=application, by=by)
    return application


@pytest.fixture
def approved(program, verifier):
    application = in_status(program, Status.PROPOSED)
    return _through(
        application,
        services.application_verify,
        services.application_submit,
        services.application_approve,
        by=verifier,
    )


def _replace_account(application, operator) -> BankAccount:
    return registry.bank_account_set(
        owner=application.owner,
        bank=Bank.objects.get(code="008"),
        account_number="1234567890",
        holder_name="Orang Lain",
        by=operator,
    )


def _transfer(application, **kwargs):
    return services.disbursement_record(
        application=application,
        bank_reference="REF-7A",
        succeeded=True,
        transferred_at=timezone.now(),
        **kwargs,
    )


@pytest.mark.django_db
def test_transfer_does_not_go_to_an_account_replaced_after_approval_until_confirmed(
    approved, operator, bendahara
):
    account = _replace_account(approved, operator)
    with pytest.raises(TransitionRefused, match="belum dikonfirmasi"):
        _transfer(approved, account_number="1234567890", by=bendahara)
    assert not Disbursement.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED

    registry.bank_account_confirm(account=account, by=bendahara)
    disbursement = _transfer(approved, account_number="1234567890", by=bendahara)
    assert (disbursement.account_number, disbursement.holder_name) == ("1234567890", "Orang Lain")


@pytest.mark.django_db
def test_the_person_who_entered_an_account_cannot_confirm_it(approved, bendahara, make_staff):
    account = _replace_account(approved, bendahara)
    with pytest.raises(ValidationError, match="petugas lain"):
        registry.bank_account_confirm(account=account, by=bendahara)
    with pytest.raises(PermissionDenied):
        registry.bank_account_confirm(account=account, by=make_staff(roles.OPERATOR, "op2"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BankAccount.objects.filter(pk=account.pk).update(
            confirmed_by=bendahara, confirmed_at=timezone.now()
        )


@pytest.mark.django_db
def test_an_account_entered_before_verification_needs_no_confirmation(approved, bendahara):
    assert _transfer(approved, by=bendahara).outcome == Disbursement.Outcome.SUCCESS


@pytest.mark.django_db
def test_a_verified_application_with_an_unconfirmed_new_account_is_not_submitted(
    program, verifier, operator
):
    changed = _through(in_status(program), services.application_verify, by=verifier)
    steady = _through(in_status(program), services.application_verify, by=verifier)
    _replace_account(changed, operator)
    batch = services.submission_create(program=program, file_format="csv", by=verifier)
    assert list(batch.applications.values_list("pk", flat=True)) == [steady.pk]
    changed.refresh_from_db()
    assert changed.status == Status.VERIFIED


@pytest.mark.django_db
def test_bendahara_confirms_from_the_account_list(approved, operator, bendahara, client):
    account = _replace_account(approved, operator)
    client.force_login(bendahara)
    client.post(
        reverse("admin:registry_bankaccount_changelist"),
        {"action": "confirm", "_selected_action": [account.pk]},
    )
    account.refresh_from_db()
    assert account.confirmed_by == bendahara and account.confirmed_at is not None
    assert account.history.first().history_user == bendahara
