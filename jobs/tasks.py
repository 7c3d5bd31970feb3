"""The one django-tasks task of every background job: run the job row by its id."""

from django_tasks import task

from jobs import services

# A job is what a member of staff is watching on its progress page: the worker takes it before
# the owners' messages queued ahead of it (a decision file that rejects 65,000 applications
# queues their messages; the bank report uploaded next must not wait behind them).
JOB_PRIORITY = 10


@task(priority=JOB_PRIORITY)
def run_job(job_id: int) -> str:
    """Claim and run job ``job_id`` (see jobs.services.run); returns its end state.

    First queues again any job whose worker is gone, so an orphaned job is picked up by the
    next job at the latest."""
    services.recover()
    job = services.run(job_id)
    return job.state if job else ""
