"""Queue again the background jobs and proposal lists whose worker is gone.

``./run`` calls it with ``--all`` before (re)starting its one worker: at that moment no
worker runs, so every list left in ``processing`` is an orphan. Without ``--all`` only lists
with no progress for ``aid.selectors.IMPORT_STUCK_AFTER`` are taken, which is safe while
other workers run.
"""

from django.core.management.base import BaseCommand

from aid import services
from jobs import services as job_services


class Command(BaseCommand):
    help = "Queue again proposal lists left in processing (or unclaimed) by a worker that is gone."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="every list in processing or uploaded (only when no worker is running)",
        )

    def handle(self, *args, all: bool, **options):
        # Background jobs first (a list's check is one): with --all every queued or running
        # job is an orphan too, and is queued again for the worker about to start.
        jobs_recovered = job_services.recover(all_live=all)
        if jobs_recovered:
            self.stdout.write(
                f"Queued again {len(jobs_recovered)} background job(s): "
                + ", ".join(str(pk) for pk in jobs_recovered)
            )
        recovered = services.proposal_lists_recover(all_processing=all)
        if recovered:
            self.stdout.write(
                f"Queued again {len(recovered)} proposal list(s): "
                + ", ".join(str(pk) for pk in recovered)
            )
