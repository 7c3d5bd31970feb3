"""Delete kept files older than UPLOAD_RETENTION_DAYS (run it daily); then every app deletes
its own personal data past its retention (``events.retention_due``: e.g. the status page's
refused-proposal records older than REFUSED_PROPOSAL_RETENTION_DAYS).

Proposal lists as uploaded (and their staged rows), submissions sent to the ministry,
decision files and bank reports hold NIKs and bank accounts; after the retention period only
the records (who, when, counts, the applications and history they produced) stay.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aid import services
from umkm_portal import events


class Command(BaseCommand):
    help = "Delete kept files with personal data older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.UPLOAD_RETENTION_DAYS,
            help="Keep files this many days (default: UPLOAD_RETENTION_DAYS, "
            f"now {settings.UPLOAD_RETENTION_DAYS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would go.")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        purged = services.kept_files_purge(older_than=cutoff, dry_run=dry_run)
        for record in purged:
            self.stdout.write(f"  {record._meta.verbose_name} #{record.pk} {record}")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(purged)} file(s) created before {cutoff:%Y-%m-%d}")
        # Each app above aid purges what it keeps for its own period and says what it did.
        for line in events.send(events.retention_due, dry_run=dry_run):
            if line:
                self.stdout.write(line)
