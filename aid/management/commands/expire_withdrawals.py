"""Return to the treasury the transfers not withdrawn within each program's window.

Schedule it daily (cron, or enqueue ``aid.tasks.expire_withdrawals``); running it twice
changes nothing more.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aid import money, services


class Command(BaseCommand):
    help = gettext_lazy(
        "Kembalikan ke kas negara dana yang tidak dicairkan dalam batas waktu program."
    )

    def handle(self, *args, **options):
        changed = services.applications_expire_withdrawals()
        if not changed:
            self.stdout.write(_("Tidak ada transfer yang melewati batas pencairan."))
            return
        for line in changed:
            self.stdout.write(
                _(
                    "%(program)s: %(n)s permohonan ditransfer → dikembalikan ke kas negara (Rp%(amount)s)."
                )
                % {
                    "program": line.program.code,
                    "n": line.applications,
                    "amount": money.thousands(line.amount),
                }
            )
