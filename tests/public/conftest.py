"""Owners with an application walked to a given status through the real services."""

import datetime

import pytest
from django.core.cache import cache

from aid import services
from aid.management.commands.seed_demo import PATHS
from aid.models import Application, Reason
from tests.factories import BankAccountFactory, BusinessFactory, OwnerFactory

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
PROPOSED_AT = datetime.datetime(2020, 8, 25, 9, 0, tzinfo=JAKARTA)
TRANSFERRED_AT = datetime.datetime(2020, 9, 10, 10, 0, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


def walk(application, status, *, reason=Reason.DUPLICATE_EXISTING):
    at = PROPOSED_AT
    for step in PATHS[status]:
        at += datetime.timedelta(days=3)
        if step == "verify":
            services.application_verify(application=application, by=None, at=at)
        elif step == "submit":
            services.application_submit(application=application, by=None, at=at)
        elif step == "approve":
            services.application_approve(application=application, by=None, at=at)
        elif step in ("transfer", "fail"):
            services.disbursement_record(
                application=application,
                bank_reference=f"TEST-{application.pk}",
                succeeded=step == "transfer",
                failure_reason="" if step == "transfer" else "Rekening tidak aktif",
                transferred_at=TRANSFERRED_AT,
            )
        elif step == "withdraw":
            services.disbursement_withdrawn(
                disbursement=application.disbursements.get(outcome="success"),
                withdrawn_at=TRANSFERRED_AT + datetime.timedelta(days=5),
            )
        elif step == "return":
            services.application_return(
                application=application, by=None, at=TRANSFERRED_AT + datetime.timedelta(days=91)
            )
        elif step == "reject":
            services.application_reject(
                application=application, by=None, reason_code=reason, note="catatan internal"
            )
        application.refresh_from_db()
    return application


@pytest.fixture
def owner_in(program):
    """owner_in(status, reason=...) -> an owner (with phone and account) whose application
    in BPUM 2020 has reached ``status``."""

    def make(status, *, reason=Reason.DUPLICATE_EXISTING, **owner_fields):
        owner = OwnerFactory(**owner_fields)
        BankAccountFactory(owner=owner)
        business = BusinessFactory(owner=owner)
        application = services.application_create(business=business, program=program)
        # Set-up only: date the proposal in 2020, before the steps walk() dates.
        Application.objects.filter(pk=application.pk).update(proposed_at=PROPOSED_AT)
        walk(application, status, reason=reason)
        return owner

    return make


def check(client, nik, last4, **extra):
    """POST the status form as a browser would."""
    return client.post("/cek-status/", {"nik": nik, "phone_last4": last4}, **extra)
