"""Background jobs (django-tasks); run by ``manage.py db_worker``."""

from django_tasks import task

from aid import services


@task()
def expire_withdrawals() -> list[dict]:
    """The scheduled twin of ``manage.py expire_withdrawals``; returns what it changed."""
    return [
        {"program": line.program.code, "applications": line.applications, "amount": line.amount}
        for line in services.applications_expire_withdrawals()
    ]
