"""The one place that changes an application's status.

``ALLOWED`` lists every permitted move. :func:`move` changes one application and
:func:`move_many` is its set-based twin for lists; both lock the rows, refuse any move not in
the table with a :class:`TransitionRefused` (and leave the row as it was), stamp the step's
timestamp and write a :class:`~aid.models.StatusChange` with who, when, from, to and why.
No other code assigns ``Application.status``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.models import (
    Application,
    ImportStatus,
    PossibleDuplicate,
    ProposalList,
    Reason,
    Status,
    StatusChange,
)

ALLOWED: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.VERIFIED, Status.REJECTED}),
    Status.VERIFIED: frozenset({Status.SUBMITTED, Status.REJECTED}),
    Status.SUBMITTED: frozenset({Status.APPROVED, Status.REJECTED}),
    Status.APPROVED: frozenset({Status.TRANSFERRED, Status.TRANSFER_FAILED, Status.REJECTED}),
    # A failed transfer is sent again once the account is fixed; a second failure is recorded
    # as another failed attempt.
    Status.TRANSFER_FAILED: frozenset(
        {Status.TRANSFERRED, Status.TRANSFER_FAILED, Status.REJECTED}
    ),
    Status.TRANSFERRED: frozenset({Status.WITHDRAWN, Status.RETURNED}),
    Status.WITHDRAWN: frozenset(),
    Status.RETURNED: frozenset(),
    Status.REJECTED: frozenset(),
}

# Status groups: what the rest of the portal asks about an application's status. Declared
# here, beside the table, so services, the import, the dashboard and the seeders agree.

# The owner has been paid this program's grant (the one-time rule counts these).
RECEIVED_STATUSES: tuple[str, ...] = (Status.TRANSFERRED, Status.WITHDRAWN, Status.RETURNED)
# At or after the ministry's decision: a NIK listed again in a decision file is unchanged.
DECIDED_STATUSES: tuple[str, ...] = (
    Status.APPROVED,
    Status.TRANSFERRED,
    Status.TRANSFER_FAILED,
    Status.WITHDRAWN,
    Status.RETURNED,
)
# Still in the running or paid: everything but rejected (one live application per owner and
# program, enforced by a partial unique constraint).
LIVE_STATUSES: tuple[str, ...] = tuple(s for s in Status.values if s != Status.REJECTED)
# The order in which an application normally moves, for seeders and reports.
PATH: tuple[str, ...] = (
    Status.PROPOSED,
    Status.VERIFIED,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.TRANSFERRED,
    Status.WITHDRAWN,
)

# Moves that carry an application towards the money. An application with an open possible
# duplicate (a flagged pair nobody has decided yet) is held before them: that is how data
# ganda reached the ministry in 2020.
HELD_BY_OPEN_DUPLICATES = frozenset({Status.VERIFIED, Status.SUBMITTED})

# Moves the owner is told about by a message to their phone (notifications app), once per
# application and status, after the move commits.
NOTIFIED_STATUSES = frozenset({Status.TRANSFERRED, Status.REJECTED, Status.RETURNED})

# The timestamp each step sets: Status.VERIFIED -> "verified_at", and so on.
STEP_FIELD = {status: f"{status}_at" for status in Status.values}


class TransitionRefused(Exception):
    """A move that the table does not allow, or that lacks what it needs (e.g. a reason)."""

    def __init__(self, message: str, *, application_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.application_id = application_id


def refuse(message: str, application: Application | None = None) -> NoReturn:
    """Raise :class:`TransitionRefused` for ``application`` with an Indonesian message."""
    raise TransitionRefused(message, application_id=application.pk if application else None)


def sources_for(to_status: str) -> frozenset[str]:
    """The statuses from which ``to_status`` may be reached."""
    return frozenset(src for src, targets in ALLOWED.items() if to_status in targets)


def _refusal(current: str, to_status: str) -> str:
    return _('Status tidak dapat diubah dari "%(from)s" menjadi "%(to)s".') % {
        "from": Status(current).label,
        "to": Status(to_status).label,
    }


def _check_reason(to_status: str, reason_code: str) -> None:
    if to_status == Status.REJECTED and reason_code not in Reason.values:
        raise TransitionRefused(_("Penolakan harus disertai kode alasan."))
    if reason_code and reason_code not in Reason.values:
        raise TransitionRefused(_('Kode alasan "%(code)s" tidak dikenal.') % {"code": reason_code})


def _update_fields(to_status: str, reason_code: str, note: str, at: datetime) -> dict:
    values = {"status": to_status, STEP_FIELD[to_status]: at, "updated_at": at}
    if to_status in (Status.REJECTED, Status.TRANSFER_FAILED) or reason_code:
        values["reason_code"] = reason_code
        values["reason_note"] = note
    return values


@dataclass
class MoveResult:
    moved: int = 0
    refused: dict[int, str] = field(default_factory=dict)
    # Of ``refused``: the applications held back by an open possible duplicate.
    held: set[int] = field(default_factory=set)


def open_duplicates(applications: QuerySet[Application]) -> QuerySet[PossibleDuplicate]:
    """The undecided possible-duplicate flags that name any of ``applications``."""
    ids = applications.order_by().values("pk")
    return PossibleDuplicate.objects.filter(decision="").filter(
        Q(application_id__in=ids) | Q(other_id__in=ids)
    )


def held_ids(applications: QuerySet[Application]) -> set[int]:
    """Ids among ``applications`` that an open possible duplicate holds back."""
    flagged: set[int] = set()
    for first, second in open_duplicates(applications).values_list("application_id", "other_id"):
        flagged.update((first, second))
    if not flagged:
        return set()
    return set(applications.filter(pk__in=flagged).values_list("pk", flat=True))


def _held_message() -> str:
    return _(
        "Ditahan: ada kemungkinan data ganda yang belum diputuskan. Putuskan pasangannya "
        "di antrian kemungkinan data ganda lebih dulu."
    )


@transaction.atomic
def move(
    application: Application,
    to_status: str,
    *,
    by,
    reason_code: str = "",
    note: str = "",
    source: str = "",
    at: datetime | None = None,
) -> Application:
    """Move one application to ``to_status`` and record it.

    Locks the row first, so two staff members acting at once are serialised and the second
    sees the first one's result. Returns the updated application; raises
    :class:`TransitionRefused` with an Indonesian message and changes nothing otherwise.
    """
    _check_reason(to_status, reason_code)
    at = at or timezone.now()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in ALLOWED[locked.status]:
        raise TransitionRefused(_refusal(locked.status, to_status), application_id=locked.pk)
    if (
        to_status in HELD_BY_OPEN_DUPLICATES
        and open_duplicates(Application.objects.filter(pk=locked.pk)).exists()
    ):
        raise TransitionRefused(_held_message(), application_id=locked.pk)
    from_status = locked.status
    values = _update_fields(to_status, reason_code, note, at)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(values))
    StatusChange.objects.create(
        application=locked,
        from_status=from_status,
        to_status=to_status,
        reason_code=reason_code,
        note=note,
        source=source,
        by=by,
        at=at,
    )
    _notify_owners(to_status, [locked.pk])
    return locked


@transaction.atomic
def move_many(
    applications: QuerySet[Application],
    to_status: str,
    *,
    by,
    reason_code: str = "",
    note: str = "",
    source: str = "",
    at: datetime | None = None,
) -> MoveResult:
    """Set-based :func:`move` for a queryset: one UPDATE and one bulk INSERT of records.

    Applications whose status does not allow the move, or that an open possible duplicate
    holds back (before verification and submission), are left unchanged and returned in
    ``refused`` with the reason (the held ones also in ``held``); the others are moved
    together in one transaction.
    """
    _check_reason(to_status, reason_code)
    at = at or timezone.now()
    allowed_from = sources_for(to_status)
    movable = applications.filter(status__in=allowed_from)
    held: set[int] = set()
    if to_status in HELD_BY_OPEN_DUPLICATES:
        held = held_ids(movable)
        if held:
            movable = movable.exclude(pk__in=held)
    moving = list(movable.select_for_update().values_list("pk", "status").order_by())
    refused = {
        pk: _refusal(status, to_status)
        for pk, status in applications.exclude(status__in=allowed_from).values_list("pk", "status")
    }
    refused.update(dict.fromkeys(held, _held_message()))
    if moving:
        movable.update(**_update_fields(to_status, reason_code, note, at))
        StatusChange.objects.bulk_create(
            (
                StatusChange(
                    application_id=pk,
                    from_status=from_status,
                    to_status=to_status,
                    reason_code=reason_code,
                    note=note,
                    source=source,
                    by=by,
                    at=at,
                )
                for pk, from_status in moving
            ),
            batch_size=5000,
        )
        _notify_owners(to_status, [pk for pk, _ in moving])
    return MoveResult(moved=len(moving), refused=refused, held=held)


def _notify_owners(to_status: str, application_ids: list[int]) -> None:
    """Once the move has committed, queue the owners' messages for it: one background task
    per 5,000 applications (``notifications.tasks.notifications_queue``, set-based; the
    outbox's unique (event, object) makes a repeat harmless). Nothing is queued when the
    move rolls back; a failure to enqueue is logged and never undoes the move."""
    if to_status not in NOTIFIED_STATUSES or not application_ids:
        return

    def enqueue() -> None:
        from notifications.tasks import notifications_queue

        for start in range(0, len(application_ids), 5000):
            notifications_queue.enqueue(str(to_status), application_ids[start : start + 5000])

    transaction.on_commit(enqueue, robust=True)


def record_proposed_where(applications: QuerySet[Application], *, by, source: str = "") -> int:
    """Set-based twin of :func:`record_proposed`: one ``INSERT … SELECT`` for a queryset.

    Writes the same records (nothing → proposed, at ``proposed_at``) without loading the
    applications, for lists of tens of thousands. Returns the number of records written.
    """
    from django.db import connection

    # The queryset itself is the source (unordered): "WHERE id IN (queryset)" made the
    # database sort the ids, de-duplicate them and look each one up again.
    selected, params = (
        applications.order_by().values_list("id", "proposed_at").query.sql_with_params()
    )
    table = connection.ops.quote_name(StatusChange._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (application_id, from_status, to_status, reason_code, note,
                    source, by_id, at)
                SELECT q.id, '', %s, '', '', %s, %s, q.proposed_at FROM ({selected}) AS q""",
            [Status.PROPOSED, source, by.pk if by else None, *params],
        )
        return cursor.rowcount


def record_proposed(applications: Iterable[Application], *, by, source: str = "") -> None:
    """Write the first record (nothing → proposed) for applications just created in bulk."""
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                application_id=app.pk,
                from_status="",
                to_status=Status.PROPOSED,
                source=source,
                by=by,
                at=app.proposed_at,
            )
            for app in applications
        ),
        batch_size=5000,
    )


# --- A proposal list's import -----------------------------------------------------------------
# Declared like ``ALLOWED`` above. A list is uploaded, claimed by a worker (processing), then
# staged for review, refused (unreadable or unsafe) or failed (a system error); a staged list
# is merged or cancelled. A failed list, or one whose worker died while processing, can be
# queued again (back to uploaded) or cancelled.

IMPORT_ALLOWED: dict[str, frozenset[str]] = {
    ImportStatus.UPLOADED: frozenset({ImportStatus.PROCESSING, ImportStatus.CANCELLED}),
    ImportStatus.PROCESSING: frozenset(
        {
            ImportStatus.STAGED,
            ImportStatus.REFUSED,
            ImportStatus.FAILED,
            ImportStatus.UPLOADED,
            ImportStatus.CANCELLED,
        }
    ),
    # A list staged from a proposer's workspace is sent to the Dinas (submitted) before it is
    # merged; the Dinas may send it back (returned) with a note, and the proposer, having
    # fixed its rows, sends it again. A list the Dinas uploaded itself merges from staged.
    # A merge runs in batches under ``merging`` (resumed there if interrupted), then the list
    # is ``merged``.
    ImportStatus.STAGED: frozenset(
        {
            ImportStatus.MERGING,
            ImportStatus.MERGED,
            ImportStatus.SUBMITTED,
            ImportStatus.CANCELLED,
        }
    ),
    ImportStatus.SUBMITTED: frozenset(
        {
            ImportStatus.MERGING,
            ImportStatus.MERGED,
            ImportStatus.RETURNED,
            ImportStatus.CANCELLED,
        }
    ),
    ImportStatus.MERGING: frozenset({ImportStatus.MERGED}),
    ImportStatus.RETURNED: frozenset({ImportStatus.SUBMITTED, ImportStatus.CANCELLED}),
    ImportStatus.FAILED: frozenset({ImportStatus.UPLOADED, ImportStatus.CANCELLED}),
    ImportStatus.REFUSED: frozenset(),
    ImportStatus.MERGED: frozenset(),
    ImportStatus.CANCELLED: frozenset(),
}


def import_can_move(current: str, to_status: str) -> bool:
    """Whether a list in ``current`` import status may move to ``to_status``."""
    return to_status in IMPORT_ALLOWED.get(current, frozenset())


def import_move(proposal_list: ProposalList, to_status: str, **values) -> bool:
    """Move a list's import status (and set ``values`` with it) if the table allows it.

    A compare-and-set: one UPDATE that matches only while the stored status is one from
    which ``to_status`` may be reached, so two workers (or a worker and a member of staff)
    cannot both move the same list. Stamps ``import_updated_at`` unless given. Returns whether it moved; on success the instance
    carries the new values, otherwise it is left as it was.
    """
    sources = [src for src, targets in IMPORT_ALLOWED.items() if to_status in targets]
    # Every move is a heartbeat too (see ProposalList.import_updated_at).
    values.setdefault("import_updated_at", timezone.now())
    moved = ProposalList.objects.filter(pk=proposal_list.pk, import_status__in=sources).update(
        import_status=to_status, **values
    )
    if moved:
        proposal_list.import_status = to_status
        for name, value in values.items():
            setattr(proposal_list, name, value)
    return bool(moved)


# --- Moves that differ per application --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowMove:
    """One application's move in :func:`move_rows`, with its own time, source and note."""

    application_id: int
    to_status: str
    at: datetime
    source: str = ""
    reason_code: str = ""
    note: str = ""


@transaction.atomic
def move_rows(moves: list[RowMove], *, by) -> dict[int, str]:
    """Set-based :func:`move` for moves that differ per application (a bank report: each row
    its own time, note and source), each application at most once.

    Locks the rows, refuses each move the table does not allow (or that an open possible
    duplicate holds back) and leaves that application as it was; the others are written
    with one prepared UPDATE per kind of move and one bulk INSERT of their records, the same
    records :func:`move` writes. Returns the refused moves' reasons by application id.
    """
    from django.db import connection

    ids = [m.application_id for m in moves]
    if len(set(ids)) != len(ids):
        raise ValueError("move_rows() moves each application at most once")
    for m in moves:
        _check_reason(m.to_status, m.reason_code)
    current = dict(
        Application.objects.select_for_update().filter(pk__in=ids).values_list("pk", "status")
    )
    refused: dict[int, str] = {}
    allowed: list[tuple[RowMove, str]] = []
    for m in moves:
        status = current.get(m.application_id)
        if status is None or m.to_status not in ALLOWED[status]:
            refused[m.application_id] = _refusal(status or "", m.to_status) if status else ""
        else:
            allowed.append((m, status))
    holdable = [m.application_id for m, _s in allowed if m.to_status in HELD_BY_OPEN_DUPLICATES]
    if holdable:
        held = held_ids(Application.objects.filter(pk__in=holdable))
        refused.update(dict.fromkeys(held, _held_message()))
        allowed = [(m, s) for m, s in allowed if m.application_id not in held]
    groups: dict[tuple[str, ...], list[list]] = {}
    ops = connection.ops
    for m, _status in allowed:
        values = _update_fields(m.to_status, m.reason_code, m.note, m.at)
        names = tuple(values)
        groups.setdefault(names, []).append(
            [
                ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v
                for v in values.values()
            ]
            + [m.application_id]
        )
    table = ops.quote_name(Application._meta.db_table)
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            assignments = ", ".join(
                f"{ops.quote_name(Application._meta.get_field(n).column)} = %s" for n in names
            )
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                application_id=m.application_id,
                from_status=status,
                to_status=m.to_status,
                reason_code=m.reason_code,
                note=m.note,
                source=m.source,
                by=by,
                at=m.at,
            )
            for m, status in allowed
        ),
        batch_size=5000,
    )
    for to_status in {m.to_status for m, _s in allowed}:
        _notify_owners(
            to_status, [m.application_id for m, _s in allowed if m.to_status == to_status]
        )
    return refused
