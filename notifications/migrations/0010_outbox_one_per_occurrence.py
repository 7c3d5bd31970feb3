"""The outbox's dedupe key becomes one per occurrence (event, object, occurrence) instead of
one per event and object, so a second failed transfer of an application, or a list returned
a second time, is told again.

Existing rows keep validating: they get an empty occurrence, and (event, object) was unique.
The messages already queued about a failed transfer, or a returned list, are given the key
of the occurrence they told (as notifications.services computes it now), so a retried task
after the upgrade does not tell the same occurrence twice: the latest failed transfer of the
application recorded before the message, the list's return when it came before the message
(a list returned again since keeps an empty key: that later return was never told).
"""

import datetime

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FAILED_TRANSFER_EVENTS = ("transfer_failed", "transfer_sent_again")
CHUNK = 2000


def _keys(apps, schema_editor):
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    Disbursement = apps.get_model("aid", "Disbursement")
    ProposalList = apps.get_model("aid", "ProposalList")
    failed_before = Disbursement.objects.filter(
        application_id=OuterRef("object_id"),
        outcome="failed",
        created_at__lte=OuterRef("created_at"),
    ).order_by("-created_at", "-pk")
    messages = OutboxMessage.objects.filter(event__in=FAILED_TRANSFER_EVENTS).annotate(
        failed=Subquery(failed_before.values("pk")[:1])
    )
    changed = []
    for message in messages.filter(failed__isnull=False).iterator(chunk_size=CHUNK):
        message.occurrence = f"disbursement-{message.failed}"
        changed.append(message)
    returned = dict(
        ProposalList.objects.filter(returned_at__isnull=False).values_list("pk", "returned_at")
    )
    for message in OutboxMessage.objects.filter(event="list_returned").iterator(chunk_size=CHUNK):
        at = returned.get(message.object_id)
        if at is not None and at <= message.created_at:
            message.occurrence = f"returned-{at.astimezone(datetime.UTC):%Y%m%dT%H%M%S%f}"
            changed.append(message)
    OutboxMessage.objects.bulk_update(changed, ["occurrence"], batch_size=CHUNK)


def _clear(apps, schema_editor):
    # Back to one message per event and object: keep the first of each, as the old key did.
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    seen = set()
    extra = []
    for pk, event, object_id in OutboxMessage.objects.order_by("pk").values_list(
        "pk", "event", "object_id"
    ):
        if (event, object_id) in seen:
            extra.append(pk)
        seen.add((event, object_id))
    OutboxMessage.objects.filter(pk__in=extra).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0034_roles_retransfer"),
        ("notifications", "0009_event_choices_merged"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="occurrence",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="kejadian"),
        ),
        migrations.RemoveConstraint(
            model_name="outboxmessage",
            name="outbox_one_per_event",
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.UniqueConstraint(
                fields=("event", "object_id", "occurrence"), name="outbox_one_per_occurrence"
            ),
        ),
        # After the new key (no existing row can collide under it); undone before the old
        # key comes back.
        migrations.RunPython(_keys, _clear),
    ]
