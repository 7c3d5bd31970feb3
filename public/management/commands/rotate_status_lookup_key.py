"""Move every kept NIK digest from the previous STATUS_LOOKUP_HASH_KEY to the current one.

    PREVIOUS_STATUS_LOOKUP_HASH_KEY=<old key> STATUS_LOOKUP_HASH_KEY=<new key> \\
        python manage.py rotate_status_lookup_key

Stop the web and worker processes first (a status check or a merge in between would write a
digest under one key or the other), run it once with the new key in the environment, start
them again with the new key. ``--previous-is-secret-key`` is for the first key of a
deployment whose digests were keyed by SECRET_KEY (STATUS_LOOKUP_HASH_KEY unset before).
Keys are read from the environment, never from the command line (which others can list).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from public.key_rotation import status_lookup_key_rotate


class Command(BaseCommand):
    help = (
        "Recompute the status page's NIK digests under the current STATUS_LOOKUP_HASH_KEY "
        "(the previous key in PREVIOUS_STATUS_LOOKUP_HASH_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--previous-is-secret-key",
            action="store_true",
            help="The digests were keyed by SECRET_KEY (STATUS_LOOKUP_HASH_KEY was unset).",
        )

    def handle(self, *args, previous_is_secret_key: bool, **options):
        new_key = settings.STATUS_LOOKUP_HASH_KEY
        if not new_key:
            raise CommandError("Set the new key in STATUS_LOOKUP_HASH_KEY first.")
        if previous_is_secret_key:
            previous_key = settings.SECRET_KEY
        else:
            previous_key = os.environ.get("PREVIOUS_STATUS_LOOKUP_HASH_KEY", "")
        if not previous_key:
            raise CommandError(
                "Give the previous key in PREVIOUS_STATUS_LOOKUP_HASH_KEY "
                "(or --previous-is-secret-key)."
            )
        if previous_key == new_key:
            raise CommandError("The previous key and STATUS_LOOKUP_HASH_KEY are the same.")
        left = 0
        for column in status_lookup_key_rotate(previous_key=previous_key, new_key=new_key):
            self.stdout.write(
                f"  {column.label}: {column.moved} moved to the new key, "
                f"{column.left} not recomputable"
            )
            left += column.left
        self.stdout.write(
            "Done. Rows not recomputable name a NIK found nowhere in the database any more "
            "(e.g. a refused proposal whose list file was purged); they stay under the "
            "previous key and match nothing."
            if left
            else "Done: every digest is under the new key."
        )
