"""The outbox tells each occurrence of an event once: a rerun or a double click of the same
occurrence queues nothing more, a new occurrence (another failed transfer of the same
application, its transfer sent again after that) is told again."""

import io

import pytest

from aid import services as aid_services
from notifications import services
from notifications.models import Event, OutboxMessage
from tests.aid.conftest import bendahara, csv_bytes  # noqa: F401  (fixture)
from tests.aid.test_bank_report import HEADER, row
from tests.aid.test_retransfer import _failed, _new_account

pytestmark = pytest.mark.django_db


def _told(event) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event=event).order_by("pk"))


def _fails_again(application, program, by, reference):
    aid_services.bank_report_import(
        program=program,
        filename=f"{reference}.csv",
        file=io.BytesIO(csv_bytes([HEADER, row(application, reference, "GAGAL")])),
        by=by,
    )


def test_a_second_failed_transfer_of_the_same_application_is_told_again(
    program,
    bendahara,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _failed(program, bendahara, "R-1")
    _new_account(application)
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.retransfer_create(program=program, file_format="csv", by=bendahara)
        _fails_again(application, program, bendahara, "R-2")
    # The same failure queued again (a task run twice) adds nothing.
    services.notifications_queue_for_applications(
        event=Event.TRANSFER_FAILED, application_ids=[application.pk]
    )

    first, second = _told(Event.TRANSFER_FAILED)
    assert first.object_id == second.object_id == application.pk
    assert first.occurrence != second.occurrence
    assert second.status == OutboxMessage.Status.SENT
    assert second.reference == f"transfer_failed-{application.pk}-{second.occurrence}"


def test_a_transfer_sent_again_is_told_once_per_failure(
    program,
    bendahara,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    application = _failed(program, bendahara, "R-1")
    _new_account(application)
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.retransfer_create(program=program, file_format="csv", by=bendahara)
    # The bank asked for the file again: the same failure sent again tells the owner nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.retransfer_create(
            program=program, file_format="csv", by=bendahara, include_repeats=True
        )
    assert len(_told(Event.TRANSFER_SENT_AGAIN)) == 1

    # That transfer failed too; another account, sent again: the owner hears of it.
    _fails_again(application, program, bendahara, "R-2")
    _new_account(application, "7770001112")
    with django_capture_on_commit_callbacks(execute=True):
        aid_services.retransfer_create(program=program, file_format="csv", by=bendahara)

    first, second = _told(Event.TRANSFER_SENT_AGAIN)
    assert first.occurrence != second.occurrence
    assert "dikirim ulang" in second.text


@pytest.mark.django_db(transaction=True)
def test_messages_queued_before_the_upgrade_keep_their_occurrence(
    program,
    bendahara,  # noqa: F811
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets or executor.loader.graph.leaf_nodes())
        return executor.loader.project_state(targets or executor.loader.graph.leaf_nodes()).apps

    application = _failed(program, bendahara, "R-1")
    OutboxMessage.objects.all().delete()  # told at once here; told before the upgrade below
    old = migrate([("notifications", "0009_event_choices_merged")])
    try:
        outbox = old.get_model("notifications", "OutboxMessage")
        outbox.objects.create(
            event=Event.TRANSFER_FAILED,
            object_id=application.pk,
            phone=application.owner.phone,
            text="x",
        )
    finally:
        migrate(None)

    # The task of that failure, retried after the upgrade, adds nothing.
    services.notifications_queue_for_applications(
        event=Event.TRANSFER_FAILED, application_ids=[application.pk]
    )
    (message,) = _told(Event.TRANSFER_FAILED)
    failure = application.disbursements.get()
    assert message.occurrence == services.failed_transfer_occurrence(failure.pk)
