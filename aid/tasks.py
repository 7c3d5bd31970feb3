"""Background jobs (django-tasks): run by ``manage.py db_worker``, immediately in tests."""

from django_tasks import task

from aid import services
from aid.models import ProposalList


@task()
def expire_withdrawals() -> list[dict]:
    """The scheduled twin of ``manage.py expire_withdrawals``; returns what it changed."""
    return [
        {"program": line.program.code, "applications": line.applications, "amount": line.amount}
        for line in services.applications_expire_withdrawals()
    ]


@task()
def proposal_list_process(proposal_list_id: int) -> None:
    """Check and stage an uploaded proposal list (see aid.services.proposal_list_stage)."""
    proposal_list = ProposalList.objects.select_related("program").get(pk=proposal_list_id)
    services.proposal_list_stage(proposal_list=proposal_list)
