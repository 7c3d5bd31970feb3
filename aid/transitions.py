"""The state machines of ``aid``, on the portal's one :mod:`umkm_portal.states`.

``ALLOWED`` lists every permitted move of an application (:data:`APPLICATION_STATUS`).
:func:`move` changes one application and :func:`move_many` is its set-based twin for lists;
both lock the rows, refuse any move not in the table with the one
:class:`~umkm_portal.states.TransitionRefused` (and leave the row as it was), stamp the
step's timestamp and write a :class:`~aid.models.StatusChange` with who, when, from, to and
why; a move the owner is told about announces :data:`umkm_portal.events.application_moved`
once it commits. No other code assigns ``Application.status``.

Below it, the import status of a proposal list (:data:`IMPORT_STATUS`, ``IMPORT_ALLOWED``)
and the processing state of a decision file or bank report (:data:`FILE_ALLOWED`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aid import notes
from aid.models import (
    Application,
    BankReport,
    DecisionFile,
    ImportedFile,
    ImportStatus,
    PossibleDuplicate,
    ProposalList,
    Reason,
    RegistryConflict,
    Status,
    StatusChange,
)
from aid.notes import Note
from umkm_portal import events, states

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
# ganda reached the ministry in 2020. So is one whose list contradicted the registry's name
# or phone (an open RegistryConflict).
HELD_BY_OPEN_DUPLICATES = frozenset({Status.VERIFIED, Status.SUBMITTED})

# Moves the owner is told about by a message to their phone (notifications app), after the move
# commits: once per application and status, a failed transfer once per failure.
NOTIFIED_STATUSES = frozenset(
    {Status.TRANSFERRED, Status.TRANSFER_FAILED, Status.REJECTED, Status.RETURNED}
)

# The timestamp each step sets: Status.VERIFIED -> "verified_at", and so on.
STEP_FIELD = {status: f"{status}_at" for status in Status.values}


# The one class of refusal of the whole portal, re-exported for this module's callers.
TransitionRefused = states.TransitionRefused
MoveResult = states.MoveResult


def refuse(message: str, application: Application | None = None) -> NoReturn:
    """Raise :class:`TransitionRefused` for ``application`` with an Indonesian message."""
    raise TransitionRefused(message, object_id=application.pk if application else None)


def _check_reason(to_status: str, context: dict) -> None:
    reason_code = context.get("reason_code", "")
    if to_status == Status.REJECTED and reason_code not in Reason.values:
        raise TransitionRefused(_("Penolakan harus disertai kode alasan."))
    if reason_code and reason_code not in Reason.values:
        raise TransitionRefused(_('Kode alasan "%(code)s" tidak dikenal.') % {"code": reason_code})


def open_duplicates(applications: QuerySet[Application]) -> QuerySet[PossibleDuplicate]:
    """The undecided possible-duplicate flags that name any of ``applications``."""
    ids = applications.order_by().values("pk")
    return PossibleDuplicate.objects.filter(decision="").filter(
        Q(application_id__in=ids) | Q(other_id__in=ids)
    )


def open_conflicts(applications: QuerySet[Application]) -> QuerySet[RegistryConflict]:
    """The undecided "berbeda dengan data registry" conflicts of any of ``applications``."""
    return RegistryConflict.objects.filter(
        decision="", application_id__in=applications.order_by().values("pk")
    )


def held_ids(applications: QuerySet[Application]) -> set[int]:
    """Ids among ``applications`` that an open possible duplicate or an open conflict with
    the registry holds back."""
    flagged: set[int] = set()
    for first, second in open_duplicates(applications).values_list("application_id", "other_id"):
        flagged.update((first, second))
    flagged.update(open_conflicts(applications).values_list("application_id", flat=True))
    if not flagged:
        return set()
    return set(applications.filter(pk__in=flagged).values_list("pk", flat=True))


def _held_message() -> str:
    return _(
        "Ditahan: ada kemungkinan data ganda atau data berbeda dengan registry yang belum "
        "diputuskan. Putuskan lebih dulu (antrian kemungkinan data ganda, atau halaman "
        "permohonan untuk data berbeda dengan registry)."
    )


def _guard(application: Application, to_status: str, context: dict) -> None:
    """An application with an open possible duplicate, or whose list contradicted the
    registry and nobody decided yet, is held before the money moves."""
    if to_status not in HELD_BY_OPEN_DUPLICATES:
        return
    one = Application.objects.filter(pk=application.pk)
    if open_duplicates(one).exists():
        raise TransitionRefused(
            _(
                "Ditahan: ada kemungkinan data ganda yang belum diputuskan. Putuskan "
                "pasangannya di antrian kemungkinan data ganda lebih dulu."
            ),
            object_id=application.pk,
        )
    if open_conflicts(one).exists():
        raise TransitionRefused(
            _(
                "Ditahan: nama atau nomor HP di daftar usulan berbeda dengan data registry. "
                'Pilih "Pakai data registry" atau "Pakai data daftar" di halaman permohonan '
                "lebih dulu."
            ),
            object_id=application.pk,
        )


def _values(application, to_status: str, at: datetime, context: dict) -> dict:
    """The step's timestamp, and the reason of a rejection or a failed transfer."""
    values = {STEP_FIELD[to_status]: at, "updated_at": at}
    reason_code = context.get("reason_code", "")
    if to_status in (Status.REJECTED, Status.TRANSFER_FAILED) or reason_code:
        values["reason_code"] = reason_code
        # A Note is stored as a code and values, put in words in the reader's language.
        values.update(notes.columns(context.get("note", ""), prefix="reason_note"))
    return values


def _status_change(application_id, from_status, to_status, *, by, note, at, **extra):
    return StatusChange(
        application_id=application_id,
        from_status=from_status,
        to_status=to_status,
        reason_code=extra.get("reason_code", ""),
        **notes.columns(note),
        source=extra.get("source", ""),
        by=by,
        at=at,
    )


def _record(application, from_status, to_status, **kwargs) -> None:
    _status_change(application.pk, from_status, to_status, **kwargs).save()


def _record_many(rows, to_status, *, by, note, at, **extra) -> None:
    """The records of a set-based move: one ``INSERT … SELECT`` per from-status and slice of
    ids, the values the same for every row (as :func:`_status_change` writes one), instead of
    building an object per application (most of a bulk move's time on 58,000 of them)."""
    from django.db import connection

    from aid.selectors import chunks

    columns = notes.columns(note)
    params = columns["note_params"]
    ops = connection.ops
    table = ops.quote_name(StatusChange._meta.db_table)
    applications = ops.quote_name(Application._meta.db_table)
    by_from: dict[str, list[int]] = {}
    for pk, from_status in rows:
        by_from.setdefault(from_status, []).append(pk)
    with connection.cursor() as cursor:
        for from_status, ids in by_from.items():
            for part in chunks(ids):
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"""INSERT INTO {table} (application_id, from_status, to_status, reason_code,
                            note, note_code, note_params, source, by_id, at)
                        SELECT id, %s, %s, %s, %s, %s, %s, %s, %s, %s
                        FROM {applications} WHERE id IN ({marks})""",
                    [
                        from_status,
                        to_status,
                        extra.get("reason_code", ""),
                        columns["note"],
                        columns["note_code"],
                        json.dumps(params) if params is not None else None,
                        extra.get("source", ""),
                        by.pk if by else None,
                        ops.adapt_datetimefield_value(at),
                        *part,
                    ],
                )


def _announce(application_ids, from_statuses, to_status: str, extra: dict) -> None:
    """Once the move commits, tell the periphery (the notifications app messages the owners
    of the statuses in :data:`NOTIFIED_STATUSES`); nothing is sent when it rolls back."""
    if to_status in NOTIFIED_STATUSES and application_ids:
        events.send_on_commit(
            events.application_moved,
            to_status=str(to_status),
            application_ids=list(application_ids),
        )


APPLICATION_STATUS = states.register(
    states.StateMachine(
        model=Application,
        field="status",
        allowed=ALLOWED,
        validate=_check_reason,
        guard=_guard,
        values=_values,
        record=_record,
        record_many=_record_many,
        after=_announce,
    )
)


def sources_for(to_status: str) -> frozenset[str]:
    """The statuses from which ``to_status`` may be reached."""
    return APPLICATION_STATUS.sources(to_status)


def move(
    application: Application,
    to_status: str,
    *,
    by,
    reason_code: str = "",
    note: Note | str = "",
    source: str = "",
    at: datetime | None = None,
) -> Application:
    """Move one application to ``to_status`` and record it.

    Locks the row first, so two staff members acting at once are serialised and the second
    sees the first one's result. Returns the updated application; raises
    :class:`TransitionRefused` with an Indonesian message and changes nothing otherwise.
    """
    return APPLICATION_STATUS.move(
        application, to_status, by=by, note=note, at=at, reason_code=reason_code, source=source
    )


def move_many(
    applications: QuerySet[Application],
    to_status: str,
    *,
    by,
    reason_code: str = "",
    note: Note | str = "",
    source: str = "",
    at: datetime | None = None,
) -> MoveResult:
    """Set-based :func:`move` for a queryset: one UPDATE and one bulk INSERT of records.

    Applications whose status does not allow the move, or that an open possible duplicate
    holds back (before verification and submission), are left unchanged and returned in
    ``refused`` with the reason (the held ones also in ``held``); the others are moved
    together in one transaction.
    """
    held = held_ids if to_status in HELD_BY_OPEN_DUPLICATES else None
    return APPLICATION_STATUS.move_many(
        applications,
        to_status,
        by=by,
        note=note,
        at=at,
        held=held,
        held_message=_held_message() if held else "",
        reason_code=reason_code,
        source=source,
    )


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


IMPORT_STATUS = states.register(
    states.StateMachine(model=ProposalList, field="import_status", allowed=IMPORT_ALLOWED)
)


def import_can_move(current: str, to_status: str) -> bool:
    """Whether a list in ``current`` import status may move to ``to_status``."""
    return IMPORT_STATUS.can_move(current, to_status)


def import_move(proposal_list: ProposalList, to_status: str, **values) -> bool:
    """Move a list's import status (and set ``values`` with it) if the table allows it.

    A compare-and-set (:meth:`~umkm_portal.states.StateMachine.claim`): one UPDATE that
    matches only while the stored status is one from which ``to_status`` may be reached, so
    two workers (or a worker and a member of staff) cannot both move the same list. Stamps
    ``import_updated_at`` unless given. Returns whether it moved; on success the instance
    carries the new values, otherwise it is left as it was.
    """
    # Every move is a heartbeat too (see ProposalList.import_updated_at).
    values.setdefault("import_updated_at", timezone.now())
    return IMPORT_STATUS.claim(proposal_list, to_status, **values)


# --- A decision file's or bank report's processing ----------------------------------------
# A big file is kept ``queued`` and claimed by a worker (``processing``), which ends it
# ``done`` or ``failed``; a small one is applied in the request and created ``done``. These
# records keep no history of their own: the table is what is checked.

FILE_ALLOWED: dict[str, frozenset[str]] = {
    ImportedFile.State.QUEUED: frozenset({ImportedFile.State.PROCESSING}),
    ImportedFile.State.PROCESSING: frozenset({ImportedFile.State.DONE, ImportedFile.State.FAILED}),
    ImportedFile.State.DONE: frozenset(),
    ImportedFile.State.FAILED: frozenset(),
}

DECISION_FILE_STATE = states.register(
    states.StateMachine(model=DecisionFile, field="state", allowed=FILE_ALLOWED)
)
BANK_REPORT_STATE = states.register(
    states.StateMachine(model=BankReport, field="state", allowed=FILE_ALLOWED)
)


# --- Moves that differ per application --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowMove:
    """One application's move in :func:`move_rows`, with its own time, source and note."""

    application_id: int
    to_status: str
    at: datetime
    source: str = ""
    reason_code: str = ""
    note: Note | str = ""


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
        _check_reason(m.to_status, {"reason_code": m.reason_code})
    current = dict(
        Application.objects.select_for_update().filter(pk__in=ids).values_list("pk", "status")
    )
    refused: dict[int, str] = {}
    allowed: list[tuple[RowMove, str]] = []
    for m in moves:
        status = current.get(m.application_id)
        if status is None or m.to_status not in ALLOWED[status]:
            refused[m.application_id] = (
                APPLICATION_STATUS.refusal_message(status, m.to_status) if status else ""
            )
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
        values = {
            "status": m.to_status,
            **_values(None, m.to_status, m.at, {"reason_code": m.reason_code, "note": m.note}),
        }
        names = tuple(values)
        groups.setdefault(names, []).append(
            [_sql_value(v) for v in values.values()] + [m.application_id]
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
                **notes.columns(m.note),
                source=m.source,
                by=by,
                at=m.at,
            )
            for m, status in allowed
        ),
        batch_size=5000,
    )
    for to_status in {m.to_status for m, _s in allowed}:
        _announce(
            [m.application_id for m, _s in allowed if m.to_status == to_status],
            None,
            to_status,
            {},
        )
    return refused


def _sql_value(value):
    """A value for a raw UPDATE of an application: datetimes as the database wants them,
    a note's values (JSON) as text."""
    from django.db import connection

    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value
