"""Background jobs (django-tasks): run by ``manage.py db_worker``, immediately in tests."""

import logging
import time

from django_tasks import task

from aid import services
from aid.models import BankReport, DecisionFile, ProposalList

logger = logging.getLogger(__name__)

# Seconds to wait before each new attempt when SQLite stayed locked past its busy timeout.
BUSY_RETRY_DELAYS = (2, 10, 30)


@task()
def expire_withdrawals() -> list[dict]:
    """The scheduled twin of ``manage.py expire_withdrawals``; returns what it changed."""
    return [
        {"program": line.program.code, "applications": line.applications, "amount": line.amount}
        for line in services.applications_expire_withdrawals()
    ]


@task()
def proposal_list_process(proposal_list_id: int) -> None:
    """Check and stage an uploaded proposal list (see :func:`check_list`).

    Lists are now checked by the ``aid.check`` job (aid.jobs); this task stays for what an
    earlier version queued."""
    check_list(proposal_list_id)


def check_list(proposal_list_id: int, *, on_progress=None) -> None:
    """Check and stage an uploaded proposal list (see aid.services.proposal_list_stage).

    First queues again any list whose worker is gone (services.proposal_lists_recover), so
    a list orphaned by a dead worker is picked up by the next upload at the latest. A locked
    database is retried after a pause; the last attempt fails the list with a message
    rather than leaving it in ``processing``.
    """
    services.proposal_lists_recover()
    attempts = len(BUSY_RETRY_DELAYS) + 1
    for attempt in range(1, attempts + 1):
        proposal_list = ProposalList.objects.select_related("program").get(pk=proposal_list_id)
        try:
            services.proposal_list_stage(
                proposal_list=proposal_list,
                last_attempt=attempt == attempts,
                on_progress=on_progress,
            )
            return
        except services.DatabaseBusy:
            delay = BUSY_RETRY_DELAYS[attempt - 1]
            logger.warning(
                "Database locked while checking proposal list %s (attempt %d of %d); "
                "retrying in %d s",
                proposal_list_id,
                attempt,
                attempts,
                delay,
            )
            time.sleep(delay)


@task()
def decision_file_process(record_id: int) -> None:
    """Apply a big decision file kept by aid.services.decision_file_import.

    Files are now applied by the ``aid.decision_file`` job (aid.jobs); this task stays for
    what an earlier version queued."""
    record = DecisionFile.objects.select_related("program", "uploaded_by").get(pk=record_id)
    services.decision_file_process(decision_file=record)


@task()
def bank_report_process(record_id: int) -> None:
    """Apply a big bank report kept by aid.services.bank_report_import (now the
    ``aid.bank_report`` job; this task stays for what an earlier version queued)."""
    record = BankReport.objects.select_related("program", "uploaded_by").get(pk=record_id)
    services.bank_report_process(bank_report=record)
