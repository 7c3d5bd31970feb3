"""One grant per NIK when many staff members click at once (PostgreSQL only)."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from aid import services, transitions
from aid.models import Application, Disbursement, Status
from registry.models import Bank
from tests.aid.conftest import in_status

ATTEMPTS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and concurrent connections; SQLite serialises writers",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approve_and_transfer_attempts_pay_exactly_once(program, make_staff):
    # A transactional test may start after another one flushed the migrations' reference data.
    Bank.objects.get_or_create(code="002", defaults={"name": "BRI", "short_name": "BRI"})
    clerk = make_staff(None, "bendahara")
    application = in_status(program, Status.SUBMITTED)
    start = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = [""] * ATTEMPTS

    def attempt(i: int) -> None:
        try:
            start.wait()
            # Another clerk may have approved it a moment ago; go on to the transfer anyway.
            with contextlib.suppress(transitions.TransitionRefused):
                services.application_approve(application=application, by=clerk, source="uji")
            services.disbursement_record(
                application=application,
                bank_reference=f"BRI-{i:02d}",
                succeeded=True,
                transferred_at=timezone.now(),
                amount=program.amount,
                by=clerk,
                source=f"uji {i}",
            )
            outcomes[i] = "paid"
        except (transitions.TransitionRefused, ValidationError) as exc:
            outcomes[i] = getattr(exc, "message", None) or exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("paid") == 1
    refusals = [o for o in outcomes if o != "paid"]
    assert len(refusals) == ATTEMPTS - 1
    # Every loser is told, in Indonesian, why; none hits a database error instead.
    assert all(
        "sudah ditransfer" in message or "belum ditetapkan" in message for message in refusals
    ), refusals
    assert Disbursement.objects.filter(application__owner=application.owner).count() == 1
    assert Application.objects.get(pk=application.pk).status == Status.TRANSFERRED
