"""Queue withdrawal-deadline reminders and activity reminders (the day before), and send the
messages that are due (run it hourly)."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Queue withdrawal-deadline reminders (14 days before) and activity reminders (the day "
        "before), and send due messages."
    )

    def handle(self, *args, **options):
        reminders = services.notifications_queue_withdrawal_deadlines()
        reminders += services.notifications_queue_activity_reminders()
        counts = services.outbox_deliver_due()
        self.stdout.write(f"queued {reminders} reminder(s); sent/failed: {counts}")
