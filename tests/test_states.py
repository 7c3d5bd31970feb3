"""Every stateful model changes state through the one machine (umkm_portal.states).

The first tests list the models of the project's own apps that hold a state (a CharField with
choices named ``status``, ``state`` or ``…_status``/``…_state``) and fail when one has no
registered machine, or when a state of its field has no row in the table. The others check
that the tables added for states that used to change by plain assignment (a decision file's
or bank report's processing, an outbox message, a NIK correction) refuse what they do not
allow, and that an application's move is announced to the periphery only once it commits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from aid import transitions
from aid.models import BankReport, DecisionFile, ImportedFile, Status
from notifications import services as notifications
from notifications.models import Event, OutboxMessage
from notifications.senders import SendFailed
from registry.models import NikCorrection
from tests.factories import ApplicationFactory, OwnerFactory
from umkm_portal import events, roles, states

# Fields that look like a state but are not one a record moves through. Each is named here
# with the reason, so that a new state field is never skipped by accident.
NOT_STATES: dict[tuple[str, str], str] = {
    # Change records: they write down a move (from, to) made by the machine of the model
    # they record; they never move themselves.
    ("aid.StatusChange", "from_status"): "change record of Application.status",
    ("aid.StatusChange", "to_status"): "change record of Application.status",
    ("complaints.ComplaintChange", "from_state"): "change record of Complaint.state",
    ("complaints.ComplaintChange", "to_state"): "change record of Complaint.state",
    ("development.ReferralChange", "from_status"): "change record of Referral.status",
    ("development.ReferralChange", "to_status"): "change record of Referral.status",
    # A summary table: counts of applications per status, rebuilt from aid, never moved.
    ("dashboard.ApplicationSummary", "status"): "summary (counts per status) of Application",
}


def _project_apps():
    """The app configs of this project (not Django's nor third-party packages')."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents and ".venv" not in path.parts and "site-packages" not in path.parts:
            yield config


def _is_history_copy(model: type[models.Model]) -> bool:
    """django-simple-history's copy of a model (its rows are snapshots, not records that
    move): it has the ``history_id`` key."""
    return any(f.name == "history_id" for f in model._meta.concrete_fields)


def _looks_like_state(field: models.Field) -> bool:
    name = field.name
    return (
        isinstance(field, models.CharField)
        and bool(field.choices)
        and (name in ("status", "state") or name.endswith(("_status", "_state")))
    )


def _state_fields() -> list[tuple[type[models.Model], str]]:
    found = []
    for config in _project_apps():
        for model in config.get_models():
            if model._meta.proxy or _is_history_copy(model):
                continue
            # Local fields: a field inherited through a parent table is its parent's.
            for field in model._meta.local_concrete_fields:
                if _looks_like_state(field):
                    found.append((model, field.name))
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1]))


def _registered() -> set[tuple[str, str]]:
    return {(m.model._meta.label, m.field) for m in states.registered()}


def test_the_scan_finds_the_known_state_fields():
    """The scan itself works: it finds the states the portal is known to have."""
    found = {(model._meta.label, name) for model, name in _state_fields()}
    assert {
        ("aid.Application", "status"),
        ("aid.ProposalList", "import_status"),
        ("aid.DecisionFile", "state"),
        ("aid.BankReport", "state"),
        ("complaints.Complaint", "state"),
        ("development.Referral", "status"),
        ("notifications.OutboxMessage", "status"),
        ("registry.NikCorrection", "state"),
    } <= found
    # Third-party models with a status (django-tasks' results) are not the project's.
    assert not any(label.startswith("django_tasks") for label, _ in found)


def test_the_fields_that_are_not_states_still_exist():
    """An entry of NOT_STATES for a field that is gone would hide nothing; remove it."""
    for label, name in NOT_STATES:
        model = apps.get_model(label)
        assert _looks_like_state(model._meta.get_field(name)), (label, name)


def test_every_stateful_model_has_a_registered_machine():
    registered = _registered()
    missing = [
        f"{model._meta.label}.{name}"
        for model, name in _state_fields()
        if (model._meta.label, name) not in NOT_STATES
        and (model._meta.label, name) not in registered
    ]
    assert missing == [], (
        "These state fields change without a table: declare a StateMachine and register it "
        "(umkm_portal.states), or add the field to NOT_STATES with the reason."
    )


def test_every_state_has_a_row_in_its_table():
    """A state added to a field's choices must say where it may go (an empty set for a final
    state), so that no record can sit in a state its machine does not know."""
    for machine in states.registered():
        choices = {
            str(value) for value, _label in machine.model._meta.get_field(machine.field).choices
        }
        assert set(machine.allowed) == choices, machine.label


def test_there_is_one_transition_refused_class():
    from complaints import transitions as complaint_transitions
    from development import transitions as referral_transitions

    assert (
        transitions.TransitionRefused
        is complaint_transitions.TransitionRefused
        is referral_transitions.TransitionRefused
        is states.TransitionRefused
    )


# --- Decision files and bank reports ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", [DecisionFile, BankReport])
def test_a_finished_file_is_not_processed_again_nor_requeued(program, model):
    done = model.objects.create(
        program=program, original_filename="sk.csv", sha256="0" * 64, state=ImportedFile.State.DONE
    )
    machine = states.machine_for(model, "state")

    assert machine.claim(done, ImportedFile.State.PROCESSING) is False
    with pytest.raises(states.TransitionRefused):
        machine.move(done, ImportedFile.State.QUEUED)

    done.refresh_from_db()
    assert done.state == ImportedFile.State.DONE


@pytest.mark.django_db
def test_a_failed_file_cannot_be_marked_done(program):
    failed = DecisionFile.objects.create(
        program=program,
        original_filename="sk.csv",
        sha256="0" * 64,
        state=ImportedFile.State.FAILED,
        error="rusak",
    )
    machine = states.machine_for(DecisionFile, "state")

    assert machine.claim(failed, ImportedFile.State.DONE) is False
    failed.refresh_from_db()
    assert (failed.state, failed.error) == (ImportedFile.State.FAILED, "rusak")


# --- Outbox messages -------------------------------------------------------------------------


class SentMeanwhileThenFails:
    """A gateway that times out on a message another worker has meanwhile sent."""

    def send(self, *, phone: str, text: str, reference: str) -> str:
        event, object_id = reference.rsplit("-", 1)
        OutboxMessage.objects.filter(event=event, object_id=object_id).update(
            status=OutboxMessage.Status.SENT, attempts=1, gateway_id="gw-first"
        )
        raise SendFailed("timeout")


def _message(**values) -> OutboxMessage:
    values = {"event": Event.TRANSFERRED, "object_id": 1, "phone": "+6281234567890", **values}
    return OutboxMessage.objects.create(text="Dana cair.", **values)


@pytest.mark.django_db
def test_a_message_sent_by_another_worker_is_not_queued_again_by_a_late_failure(settings):
    """The owner gets one message: a worker's failed attempt, recorded after another worker
    sent the message, does not put it back to retrying (it would be sent a second time)."""
    settings.NOTIFY_SENDER = f"{__name__}.SentMeanwhileThenFails"
    stale = _message()

    notifications.outbox_deliver(message=stale)

    message = OutboxMessage.objects.get()
    assert (message.status, message.gateway_id) == (OutboxMessage.Status.SENT, "gw-first")
    assert stale.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "final",
    [OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED, OutboxMessage.Status.OPTED_OUT],
)
def test_a_finished_message_does_not_move_again(final):
    message = _message(status=final)
    machine = states.machine_for(OutboxMessage)

    for target in (OutboxMessage.Status.QUEUED, OutboxMessage.Status.RETRYING):
        with pytest.raises(states.TransitionRefused):
            machine.move(message, target)
    assert machine.claim(message, OutboxMessage.Status.SENT) is False
    message.refresh_from_db()
    assert message.status == final


@pytest.mark.django_db
def test_an_opt_out_stops_only_the_waiting_messages():
    waiting = _message()
    sent = _message(object_id=2, status=OutboxMessage.Status.SENT)

    notifications.opt_out(source="sms_stop", phone=waiting.phone)

    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert (waiting.status, sent.status) == (
        OutboxMessage.Status.OPTED_OUT,
        OutboxMessage.Status.SENT,
    )


# --- NIK corrections -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_decided_nik_correction_is_not_decided_again(make_staff):
    asker, decider = make_staff(roles.OPERATOR, "asker"), make_staff(roles.VERIFIKATOR, "decider")
    owner = OwnerFactory()
    correction = NikCorrection.objects.create(
        owner=owner,
        old_nik=owner.nik,
        new_nik="3275015505910002",
        reason="salah ketik",
        requested_by=asker,
    )
    machine = states.machine_for(NikCorrection)

    approved = machine.move(correction, NikCorrection.State.APPROVED, by=decider, note="cocok KTP")
    assert (approved.decided_by, approved.decision_note) == (decider, "cocok KTP")
    assert approved.history.first().history_user == decider

    for target in (NikCorrection.State.REJECTED, NikCorrection.State.REQUESTED):
        with pytest.raises(states.TransitionRefused):
            machine.move(correction, target, by=decider, note="berubah pikiran")
    correction.refresh_from_db()
    assert (correction.state, correction.decision_note) == (
        NikCorrection.State.APPROVED,
        "cocok KTP",
    )


# --- Events ----------------------------------------------------------------------------------


@pytest.fixture
def announced():
    received: list[dict] = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    events.application_moved.connect(receiver, dispatch_uid="tests.test_states")
    yield received
    events.application_moved.disconnect(dispatch_uid="tests.test_states")


@pytest.mark.django_db
def test_a_paid_application_is_announced_once_the_move_commits(
    program, announced, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(program=program, status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        transitions.move(application, Status.TRANSFERRED, by=None)

    assert announced == [
        {
            "signal": events.application_moved,
            "to_status": "transferred",
            "application_ids": [application.pk],
        }
    ]


@pytest.mark.django_db
def test_a_move_rolled_back_or_not_told_announces_nothing(
    program, announced, django_capture_on_commit_callbacks
):
    approved = ApplicationFactory(program=program, status=Status.APPROVED)
    proposed = ApplicationFactory(program=program)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            transitions.move(approved, Status.TRANSFERRED, by=None)
            raise RuntimeError("the request failed after the move")
        transitions.move(proposed, Status.VERIFIED, by=None)

    assert announced == []
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
