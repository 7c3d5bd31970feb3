"""Issue 24.2: messages only where safe. A message goes to the number the registry holds for
the NIK, or to another number at most once a day, within a daily cap that alerts staff; the
outbox refuses anything else and records why."""

import datetime
import logging

import pytest
from django.utils import timezone

from development import services
from notifications.models import Event, OutboxMessage
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "full_name": "Budi Santoso",
    "ktp_address": "Jl. Melati 3",
    "business_name": "Keripik Budi",
    "sector": "Kuliner",
}


@pytest.fixture
def make_activity(db):
    from development.models import Activity

    def make(topic="Pemasaran digital"):
        return services.activity_create(
            kind=Activity.Kind.TRAINING,
            topic=topic,
            starts_on=timezone.localdate() + datetime.timedelta(days=7),
            registration_open=True,
        )

    return make


def _claim(activity, nik, phone, capture):
    with capture(execute=True):
        return services.public_registration(activity=activity, nik=nik, phone=phone, **DETAILS)


def test_the_registry_number_of_the_nik_gets_its_message(
    make_activity, django_capture_on_commit_callbacks
):
    owner = BusinessFactory(owner=OwnerFactory(phone="+6281234567890")).owner
    _claim(make_activity(), owner.nik, "081234567890", django_capture_on_commit_callbacks)

    message = OutboxMessage.objects.get()
    assert (message.event, message.phone) == (Event.ACTIVITY_REGISTERED, owner.phone)
    assert message.status == OutboxMessage.Status.SENT and not message.to_new_number


def test_a_number_outside_the_registry_gets_one_message_a_day(
    make_activity, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = _claim(make_activity("Satu"), "3275011708900009", "081299998888", capture)
    # Another claim to the same number, even under another NIK: refused for today.
    second = _claim(make_activity("Dua"), "3275011708900003", "081299998888", capture)
    # A known NIK typed with this number: not the registry's number for that NIK either.
    owner = OwnerFactory(phone="+6281234567890")
    third = _claim(make_activity("Tiga"), owner.nik, "081299998888", capture)

    by_claim = {m.object_id: m for m in OutboxMessage.objects.filter(event=Event.ACTIVITY_PENDING)}
    assert by_claim[first.pending.pk].status == OutboxMessage.Status.SENT
    assert by_claim[first.pending.pk].to_new_number
    for later in (second, third):
        refused = by_claim[later.pending.pk]
        assert refused.status == OutboxMessage.Status.REFUSED
        assert refused.refusal == OutboxMessage.Refusal.NEW_NUMBER_TODAY
        assert refused.sent_at is None


def test_the_daily_cap_refuses_the_rest_logs_an_error_and_tells_staff(
    make_activity, django_capture_on_commit_callbacks, settings, caplog, make_staff, client
):
    settings.NOTIFY_NEW_NUMBER_DAILY_CAP = 2
    activity = make_activity()
    capture = django_capture_on_commit_callbacks
    client.force_login(make_staff(None))
    assert "Batas harian" not in client.get("/admin/").content.decode()

    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        for n in range(3):
            _claim(activity, f"32750117089000{n + 10}", f"08129999000{n}", capture)

    statuses = list(
        OutboxMessage.objects.order_by("pk").values_list("status", "refusal", "to_new_number")
    )
    assert statuses == [
        ("sent", "", True),
        ("sent", "", True),
        ("refused", OutboxMessage.Refusal.DAILY_CAP, True),
    ]
    assert any("daily cap" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert (
        "Batas harian 2 pesan ke nomor HP di luar registri"
        in client.get("/admin/").content.decode()
    )


def test_the_database_holds_a_refusal_to_its_reason():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            event=Event.ACTIVITY_PENDING,
            object_id=1,
            phone="+6281299998888",
            text="x",
            status=OutboxMessage.Status.REFUSED,
        )
