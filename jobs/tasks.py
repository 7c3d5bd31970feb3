"""The one django-tasks task of every background job: run the job row by its id."""

from django_tasks import task

from jobs import services


@task()
def run_job(job_id: int) -> str:
    """Claim and run job ``job_id`` (see jobs.services.run); returns its end state.

    First queues again any job whose worker is gone, so an orphaned job is picked up by the
    next job at the latest."""
    services.recover()
    job = services.run(job_id)
    return job.state if job else ""
