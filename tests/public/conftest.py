"""Owners with an application walked to a given status through the real services."""

import datetime

import pytest
from django.core.cache import cache

from aid import demo_rows
from aid.models import Reason, Status
from tests.factories import BankAccountFactory, BusinessFactory, OwnerFactory

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
PROPOSED_AT = datetime.datetime(2020, 8, 25, 9, 0, tzinfo=JAKARTA)
TRANSFERRED_AT = datetime.datetime(2020, 9, 10, 10, 0, tzinfo=JAKARTA)
# Fixed dates, so the status page's texts can be asserted word for word.
STEP_AT = {
    Status.PROPOSED: PROPOSED_AT,
    Status.VERIFIED: PROPOSED_AT + datetime.timedelta(days=3),
    Status.REJECTED: PROPOSED_AT + datetime.timedelta(days=3),
    Status.SUBMITTED: PROPOSED_AT + datetime.timedelta(days=6),
    Status.APPROVED: PROPOSED_AT + datetime.timedelta(days=9),
    Status.TRANSFERRED: TRANSFERRED_AT,
    Status.TRANSFER_FAILED: TRANSFERRED_AT,
    Status.WITHDRAWN: TRANSFERRED_AT + datetime.timedelta(days=5),
    Status.RETURNED: TRANSFERRED_AT + datetime.timedelta(days=91),
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner_in(program):
    """owner_in(status, reason=...) -> an owner (with phone and account) whose application
    in BPUM 2020 has reached ``status`` along the seeders' path, at the dates above."""

    def make(status, *, reason=Reason.DUPLICATE_EXISTING, **owner_fields):
        owner = OwnerFactory(**owner_fields)
        BankAccountFactory(owner=owner)
        business = BusinessFactory(owner=owner)
        application = demo_rows.propose(
            business=business, program=program, proposal_list=None, at=PROPOSED_AT, source=""
        )
        dates = {step: STEP_AT[step] for step in demo_rows.status_path(status)}
        demo_rows.walk(
            application,
            dates,
            reference=f"TEST-{application.pk}",
            reason_code=reason,
            note="catatan internal",
        )
        return owner

    return make


def check(client, nik, last4, **extra):
    """POST the status form as a browser would."""
    return client.post("/cek-status/", {"nik": nik, "phone_last4": last4}, **extra)


def headers_but_the_clock(response) -> list[tuple[str, str]]:
    """A response's headers, sorted, but those that carry the time of the answer (Expires is
    "now" and two answers may fall either side of a second)."""
    return sorted((k, v) for k, v in response.headers.items() if k not in ("Expires", "Date"))
