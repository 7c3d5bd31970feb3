"""The outbox: one message per occurrence of an event, no NIK or account in any text, retries with backoff
against a fake gateway (failures, a timeout), and opt-outs honoured."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aid import transitions
from aid.models import Reason, Status
from complaints import services as complaint_services
from notifications import services
from notifications.models import Event, MessageTemplate, OptOut, OutboxMessage
from public.services import nik_digest
from tests.public.conftest import check, owner_in  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


class FakeGateway:
    """An HTTP gateway on 127.0.0.1 in a thread, answering from a script of responses."""

    def __init__(self):
        self.received: list[dict] = []
        self.script: list = []  # status codes, or "slow" to sleep past the client's timeout
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append(
                    {"auth": self.headers["Authorization"], "json": json.loads(body)}
                )
                action = gateway.script.pop(0) if gateway.script else 200
                if action == "slow":
                    time.sleep(1.0)
                    action = 200
                payload = json.dumps({"id": f"gw-{len(gateway.received)}"}).encode()
                try:
                    self.send_response(action)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    settings.NOTIFY_SENDER = "http"
    settings.NOTIFY_GATEWAY_URL = fake.url
    settings.NOTIFY_GATEWAY_TOKEN = "gateway-secret"
    settings.NOTIFY_GATEWAY_TIMEOUT = 0.3
    yield fake
    fake.close()


def _secrets(owner) -> list[str]:
    account = owner.bank_accounts.get().account_number
    return [owner.nik, account, owner.phone, owner.phone.removeprefix("+62"), owner.full_name]


def test_a_transfer_queues_one_message_per_event_with_no_nik_or_account(
    owner_in,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    owner = owner_in(Status.APPROVED)
    application = owner.applications.get()

    with django_capture_on_commit_callbacks(execute=True):
        transitions.move(application, Status.TRANSFERRED, by=None)
    # The same event again (a task run twice) adds nothing.
    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[application.pk]
    )

    message = OutboxMessage.objects.get()
    assert (message.event, message.object_id, message.phone) == (
        Event.TRANSFERRED,
        application.pk,
        owner.phone,
    )
    assert message.status == OutboxMessage.Status.SENT  # console sender, immediate worker
    assert "BPUM 2020" in message.text and "Rp2.400.000" in message.text
    for secret in _secrets(owner):
        assert secret not in message.text


@pytest.mark.parametrize("status", [Status.REJECTED, Status.RETURNED])
def test_rejections_and_returns_are_told_with_no_personal_data(
    owner_in,  # noqa: F811
    django_capture_on_commit_callbacks,
    status,
):
    start = Status.APPROVED if status == Status.REJECTED else Status.TRANSFERRED
    owner = owner_in(start)
    application = owner.applications.get()

    with django_capture_on_commit_callbacks(execute=True):
        transitions.move_many(
            type(application).objects.filter(pk=application.pk),
            status,
            by=None,
            reason_code=Reason.INELIGIBLE if status == Status.REJECTED else "",
        )

    message = OutboxMessage.objects.get(event=status)
    if status == Status.REJECTED:
        assert "Tidak memenuhi syarat" in message.text
    for secret in _secrets(owner):
        assert secret not in message.text


def test_the_database_holds_one_message_per_occurrence(owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    values = {"event": Event.TRANSFERRED, "object_id": 1, "phone": owner.phone, "text": "x"}
    OutboxMessage.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(**values)
    # Another occurrence of the same event on the same object (a second failed transfer).
    OutboxMessage.objects.create(**{**values, "occurrence": "disbursement-2"})
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(**{**values, "occurrence": "disbursement-2"})
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(**{**values, "object_id": 2, "phone": "3275011708900001"})


def test_templates_cannot_name_a_nik_or_carry_digit_runs():
    with pytest.raises(services.UnsafeTemplate):
        services.check_template("NIK Anda {nik}")
    with pytest.raises(services.UnsafeTemplate):
        services.check_template("Rekening 0123456789")
    with pytest.raises(services.UnsafeTemplate):
        services.render("Dana {program}", {"program": "3275011708900001"})
    for template in MessageTemplate.objects.all():  # the seeded texts pass
        services.check_template(template.text)


def test_a_gateway_failure_is_retried_with_backoff_then_sent(gateway, owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    application = owner.applications.get()
    gateway.script = [500]
    now = timezone.now()

    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[application.pk], now=now
    )
    services.outbox_deliver_due(now=now)

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.last_error) == (
        OutboxMessage.Status.RETRYING,
        1,
        "HTTP 500",
    )
    assert message.next_attempt_at == now + datetime.timedelta(seconds=services.BACKOFF[0])
    assert services.outbox_deliver_due(now=now + datetime.timedelta(seconds=30)) == {}

    services.outbox_deliver_due(now=now + datetime.timedelta(seconds=61))

    message.refresh_from_db()
    assert (message.status, message.attempts, message.gateway_id) == (
        OutboxMessage.Status.SENT,
        2,
        "gw-2",
    )
    sent = gateway.received[-1]
    assert sent["auth"] == "Bearer gateway-secret"
    assert sent["json"] == {
        "to": owner.phone,
        "text": message.text,
        "reference": f"transferred-{application.pk}",
    }


def test_a_gateway_timeout_is_a_failure_to_retry(gateway, owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    gateway.script = ["slow"]
    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[owner.applications.get().pk]
    )

    services.outbox_deliver_due()

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.RETRYING
    assert "timeout" in message.last_error.lower()


def test_a_message_gives_up_after_the_last_backoff(gateway, owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    gateway.script = [503] * (len(services.BACKOFF) + 1)
    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[owner.applications.get().pk]
    )
    later = timezone.now()
    for _ in range(len(services.BACKOFF) + 1):
        later += datetime.timedelta(days=1)
        services.outbox_deliver_due(now=later)

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (
        OutboxMessage.Status.FAILED,
        len(services.BACKOFF) + 1,
    )


def test_stop_from_the_gateway_opts_the_phone_out(client, settings, owner_in):  # noqa: F811
    settings.NOTIFY_INBOUND_TOKEN = "inbound-secret"
    owner = owner_in(Status.TRANSFERRED)
    local = "0" + owner.phone.removeprefix("+62")

    refused = client.post(
        "/notifikasi/masuk/", {"from": local, "text": "STOP"}, content_type="application/json"
    )
    accepted = client.post(
        "/notifikasi/masuk/",
        {"from": local, "text": "stop"},
        content_type="application/json",
        headers={"Authorization": "Bearer inbound-secret"},
    )

    assert refused.status_code == 401
    assert accepted.json() == {"opted_out": True}
    assert OptOut.objects.get().phone == owner.phone
    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[owner.applications.get().pk]
    )
    services.outbox_deliver_due()
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.OPTED_OUT


def test_an_owner_opts_out_on_the_status_page(client, owner_in):  # noqa: F811
    import re

    owner = owner_in(Status.APPROVED)
    page = check(client, owner.nik, owner.phone[-4:]).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)

    response = client.post("/cek-status/berhenti-pesan/", {"token": token})

    assert response.status_code == 200
    assert OptOut.objects.get().nik_hash == nik_digest(owner.nik)
    services.notifications_queue_for_applications(
        event=Event.TRANSFERRED, application_ids=[owner.applications.get().pk]
    )
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.OPTED_OUT


def test_withdrawal_deadline_reminders_go_14_days_before_once(owner_in):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)  # transferred 10 Sep 2020, deadline 9 Dec 2020
    application = owner.applications.get()

    assert services.notifications_queue_withdrawal_deadlines(today=datetime.date(2020, 11, 24)) == 0
    assert services.notifications_queue_withdrawal_deadlines(today=datetime.date(2020, 11, 25)) == 1
    assert services.notifications_queue_withdrawal_deadlines(today=datetime.date(2020, 11, 26)) == 0
    assert services.notifications_queue_withdrawal_deadlines(today=datetime.date(2020, 12, 10)) == 0

    message = OutboxMessage.objects.get(event=Event.WITHDRAWAL_DEADLINE)
    assert message.object_id == application.pk
    assert "9 Desember 2020" in message.text


def test_an_answered_request_is_told_once(make_staff):
    complaint = complaint_services.complaint_create(
        nik_hash="a" * 64, category="other", message="m", contact_phone="+6281211112222"
    )
    staff = make_staff("Operator")
    complaint_services.complaint_answer(complaint=complaint, answer="Sudah.", by=staff)
    complaint_services.complaint_answer(complaint=complaint, answer="Sudah, diperbaiki.", by=staff)

    message = OutboxMessage.objects.get(event=Event.COMPLAINT_ANSWERED)
    assert f"#{complaint.pk}" in message.text
