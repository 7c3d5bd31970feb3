"""Delete uploaded proposal-list files older than UPLOAD_RETENTION_DAYS (run it daily).

The lists' rows and outcomes stay; only the original files with NIKs and bank accounts go.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aid import services


class Command(BaseCommand):
    help = "Delete uploaded proposal-list files older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.UPLOAD_RETENTION_DAYS,
            help="Keep files this many days after upload (default: UPLOAD_RETENTION_DAYS, "
            f"now {settings.UPLOAD_RETENTION_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would go.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        purged = services.proposal_list_files_purge(older_than=cutoff, dry_run=dry_run)
        for proposal_list in purged:
            self.stdout.write(f"  #{proposal_list.pk} {proposal_list}")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {len(purged)} proposal-list file(s) uploaded before {cutoff:%Y-%m-%d}"
        )
