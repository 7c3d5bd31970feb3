"""Background jobs of the dashboard."""

from django_tasks import task

from dashboard import services


@task()
def summary_refresh_task() -> int:
    """Rebuild the dashboard summary; returns the number of summary rows."""
    return services.summary_refresh().rows
