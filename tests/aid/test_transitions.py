"""Status moves: every allowed one works and is recorded; every other one is refused."""

import pytest

from aid import transitions
from aid.models import Application, Reason, Status, StatusChange
from tests.factories import ApplicationFactory

ALLOWED_PAIRS = [
    (src, dst) for src, targets in transitions.ALLOWED.items() for dst in sorted(targets)
]
REFUSED_PAIRS = [
    (src, dst)
    for src in Status.values
    for dst in Status.values
    if dst not in transitions.ALLOWED[src]
]


def _in_status(status: str) -> Application:
    # Test set-up only: place an application in a status without walking the whole path.
    return ApplicationFactory(
        status=status, reason_code=Reason.OTHER if status == Status.REJECTED else ""
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst"), ALLOWED_PAIRS)
def test_every_allowed_move_changes_status_and_records_who_and_why(src, dst, verifier):
    application = _in_status(src)
    reason = Reason.INCOMPLETE if dst == Status.REJECTED else ""

    moved = transitions.move(application, dst, by=verifier, reason_code=reason, note="cek lapangan")

    application.refresh_from_db()
    assert application.status == dst == moved.status
    assert getattr(application, transitions.STEP_FIELD[dst]) is not None
    record = StatusChange.objects.get(application=application)
    assert (record.from_status, record.to_status, record.by) == (src, dst, verifier)
    assert record.note == "cek lapangan"
    assert record.reason_code == reason


@pytest.mark.django_db
@pytest.mark.parametrize(("src", "dst"), REFUSED_PAIRS)
def test_every_other_move_is_refused_and_leaves_the_row_unchanged(src, dst, verifier):
    application = _in_status(src)
    before = Application.objects.filter(pk=application.pk).values().get()

    with pytest.raises(transitions.TransitionRefused) as refused:
        transitions.move(application, dst, by=verifier, reason_code=Reason.OTHER)

    assert "tidak dapat diubah" in refused.value.message
    assert Application.objects.filter(pk=application.pk).values().get() == before
    assert not StatusChange.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_rejection_without_a_reason_is_refused(verifier):
    application = _in_status(Status.PROPOSED)
    with pytest.raises(transitions.TransitionRefused, match="kode alasan"):
        transitions.move(application, Status.REJECTED, by=verifier)
    application.refresh_from_db()
    assert application.status == Status.PROPOSED


@pytest.mark.django_db
def test_move_many_moves_the_allowed_rows_and_reports_the_rest(verifier):
    proposed = [_in_status(Status.PROPOSED) for _ in range(3)]
    transferred = _in_status(Status.TRANSFERRED)

    result = transitions.move_many(
        Application.objects.all(), Status.VERIFIED, by=verifier, source="uji"
    )

    assert result.moved == 3
    assert list(result.refused) == [transferred.pk]
    assert "Ditransfer" in result.refused[transferred.pk]
    assert set(Application.objects.filter(status=Status.VERIFIED).values_list("pk", flat=True)) == {
        a.pk for a in proposed
    }
    records = StatusChange.objects.filter(to_status=Status.VERIFIED)
    assert records.count() == 3
    assert {r.by for r in records} == {verifier}
    transferred.refresh_from_db()
    assert transferred.status == Status.TRANSFERRED
