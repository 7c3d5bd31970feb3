"""Messages to participants of activities: a confirmation once per registration (staff and
public, not at the door), and a reminder the day before, once; no NIK in any text; opt-outs
honoured."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from development import services
from development.models import Attendance, Participant
from notifications import services as notify
from notifications.models import Event, OptOut, OutboxMessage
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return BusinessFactory().owner


def _secrets(owner) -> list[str]:
    return [owner.nik, owner.phone, owner.phone.removeprefix("+62"), owner.full_name]


def test_a_registration_queues_one_confirmation_with_no_nik(
    make_activity, owner, django_capture_on_commit_callbacks
):
    activity = make_activity(starts_on=datetime.date(2030, 3, 5), venue="Aula Kecamatan")

    with django_capture_on_commit_callbacks(execute=True):
        participant, created = services.participant_register(activity=activity, owner=owner)
    # Registering again, re-saving the participant, recording attendance or calling the hook
    # again adds nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = services.participant_register(activity=activity, owner=owner)
        participant.save()
        services.attendance_record(
            participant=participant,
            attendance=Attendance.PRESENT,
            by=None,
            at=timezone.make_aware(datetime.datetime(2030, 3, 5, 9)),
        )
        services.registration_confirm(participant=participant)

    assert created and not created_again and again == participant
    message = OutboxMessage.objects.get()
    assert (message.event, message.object_id, message.phone) == (
        Event.ACTIVITY_REGISTERED,
        participant.pk,
        owner.phone,
    )
    assert message.status == OutboxMessage.Status.SENT  # console sender, immediate worker
    assert activity.topic in message.text
    assert "5 Maret 2030" in message.text and "Aula Kecamatan" in message.text
    for secret in _secrets(owner):
        assert secret not in message.text


def test_a_public_registration_is_confirmed_once(
    make_activity, owner, django_capture_on_commit_callbacks
):
    activity = make_activity(registration_open=True)

    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.public_registration(activity=activity, nik=owner.nik, phone=owner.phone)

    message = OutboxMessage.objects.get(event=Event.ACTIVITY_REGISTERED)
    assert message.object_id == Participant.objects.get(activity=activity, owner=owner).pk
    assert owner.nik not in message.text


def test_registrations_at_the_door_are_not_confirmed(
    make_activity, owner, django_capture_on_commit_callbacks
):
    activity = make_activity(starts_on=timezone.localdate())

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(
            activity=activity, owner=owner, attendance=Attendance.PRESENT, by=None
        )

    assert not OutboxMessage.objects.exists()


def test_nothing_is_queued_when_the_registration_rolls_back(
    make_activity, owner, django_capture_on_commit_callbacks
):
    activity = make_activity()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.participant_register(activity=activity, owner=owner)
        raise RuntimeError

    assert callbacks == [] and not OutboxMessage.objects.exists()


def test_an_opted_out_owner_gets_no_confirmation_nor_reminder(
    make_activity, owner, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    activity = make_activity(starts_on=tomorrow)
    notify.opt_out(source=OptOut.Source.SMS_STOP, phone=owner.phone)

    with django_capture_on_commit_callbacks(execute=True):
        services.participant_register(activity=activity, owner=owner)
        notify.notifications_queue_activity_reminders(today=timezone.localdate())
        notify.outbox_deliver_due()

    statuses = dict(OutboxMessage.objects.values_list("event", "status"))
    assert statuses == {
        Event.ACTIVITY_REGISTERED: OutboxMessage.Status.OPTED_OUT,
        Event.ACTIVITY_REMINDER: OutboxMessage.Status.OPTED_OUT,
    }


def test_activity_reminders_go_the_day_before_once(make_activity, owner):
    activity = make_activity(starts_on=datetime.date(2030, 3, 5))
    other = make_activity(starts_on=datetime.date(2030, 3, 6), topic="Temu usaha ritel")
    participant, _ = services.participant_register(activity=activity, owner=owner)
    services.participant_register(activity=other, owner=BusinessFactory().owner)
    services.participant_register(activity=other, owner=owner)

    def queue(day):
        return notify.notifications_queue_activity_reminders(today=datetime.date(2030, 3, day))

    assert queue(3) == 0
    assert queue(4) == 1
    assert queue(4) == 0  # run hourly: the second run of the day adds nothing
    assert queue(5) == 2  # the next day's activity, two participants
    assert queue(6) == 0

    reminders = OutboxMessage.objects.filter(event=Event.ACTIVITY_REMINDER)
    assert reminders.count() == 3
    message = reminders.get(object_id=participant.pk)
    assert "5 Maret 2030" in message.text and activity.topic in message.text
    for secret in _secrets(owner):
        assert secret not in message.text


def test_send_notifications_queues_tomorrows_reminders(make_activity, owner, capsys):
    activity = make_activity(starts_on=timezone.localdate() + datetime.timedelta(days=1))
    participant, _ = services.participant_register(activity=activity, owner=owner)

    call_command("send_notifications")
    call_command("send_notifications")

    message = OutboxMessage.objects.get(event=Event.ACTIVITY_REMINDER)
    assert message.object_id == participant.pk
    assert message.status == OutboxMessage.Status.SENT


def test_a_long_number_typed_into_a_topic_is_never_sent(
    make_activity, owner, django_capture_on_commit_callbacks
):
    activity = make_activity(topic="Pelatihan rekening 1234567890")

    with django_capture_on_commit_callbacks(execute=True):
        participant, created = services.participant_register(activity=activity, owner=owner)

    assert created and participant.pk
    assert not OutboxMessage.objects.exists()
