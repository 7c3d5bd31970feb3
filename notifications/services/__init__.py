"""Writes of notifications: queue one message per occurrence of an event (set-based), deliver
with backoff, honour opt-outs. Texts come from :class:`MessageTemplate`, rendered with a fixed
set of placeholders, and are refused if they would carry a NIK or an account number.

One module per concern; this package re-exports the public names, so callers import
``notifications.services`` as before:

- :mod:`~notifications.services.texts`: placeholders, the text guard, the values of a text;
- :mod:`~notifications.services.outbox`: storing messages (the occurrence keys, opt-outs read,
  the rules for numbers outside the registry);
- :mod:`~notifications.services.queueing`: the core's events (applications, requests, lists);
- :mod:`~notifications.services.activities`: pembinaan's events (activities, KUR referrals);
- :mod:`~notifications.services.delivery`: sending with backoff, and opt-outs.
"""

from notifications.services.activities import (
    REFERRAL_EVENTS,
    notifications_queue_activity_pending,
    notifications_queue_activity_registered,
    notifications_queue_activity_reminders,
    notifications_queue_referral_decision,
)
from notifications.services.delivery import (
    BACKOFF,
    opt_out,
    opt_out_carry,
    outbox_deliver,
    outbox_deliver_due,
    outbox_due,
)
from notifications.services.outbox import (
    CHUNK,
    failed_transfer_occurrence,
    list_return_occurrence,
    new_number_cap_reached,
)
from notifications.services.queueing import (
    DEADLINE_NOTICE_DAYS,
    FAILED_TRANSFER_EVENTS,
    STATUS_EVENTS,
    notifications_queue_for_applications,
    notifications_queue_for_complaint,
    notifications_queue_for_proposal_list,
    notifications_queue_withdrawal_deadlines,
)
from notifications.services.texts import (
    PLACEHOLDERS,
    UnsafeTemplate,
    check_template,
    render,
    template_fields,
)

__all__ = [
    "BACKOFF",
    "CHUNK",
    "DEADLINE_NOTICE_DAYS",
    "FAILED_TRANSFER_EVENTS",
    "PLACEHOLDERS",
    "REFERRAL_EVENTS",
    "STATUS_EVENTS",
    "UnsafeTemplate",
    "check_template",
    "failed_transfer_occurrence",
    "list_return_occurrence",
    "new_number_cap_reached",
    "notifications_queue_activity_pending",
    "notifications_queue_activity_registered",
    "notifications_queue_activity_reminders",
    "notifications_queue_for_applications",
    "notifications_queue_for_complaint",
    "notifications_queue_for_proposal_list",
    "notifications_queue_referral_decision",
    "notifications_queue_withdrawal_deadlines",
    "opt_out",
    "opt_out_carry",
    "outbox_deliver",
    "outbox_deliver_due",
    "outbox_due",
    "render",
    "template_fields",
]
