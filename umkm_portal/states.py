"""The one state machine of the portal: every stateful model changes state through here.

A model declares its allowed moves next to it as a :class:`StateMachine` (the field that holds
the state, the table ``{from: {to, ...}}``, how a move is recorded) and registers it with
:func:`register`; all writers then call :meth:`StateMachine.move` (one record, locked),
:meth:`StateMachine.move_many` (set-based, for lists) or :meth:`StateMachine.claim` (a
compare-and-set without a lock, for workers racing for the same row). Each of them refuses a
move that is not in the table with the one :class:`TransitionRefused` and leaves the row as it
was; ``move`` and ``move_many`` write the model's change record in the same transaction.

What is particular to a model (a reason required, an application held by an open possible
duplicate, the timestamp of each step) is given to the machine as a ``validate`` (checks of
the arguments, before any lock), a ``guard`` (checks of the locked row; both raise
``TransitionRefused``) and ``values`` (the other fields a move sets), so the lock → check →
save → record sequence exists once. Those three receive ``extra``: the move's own keyword
arguments with ``by`` and ``note`` added.

``tests/test_states.py`` lists every model of the project with a state field and fails when
one has no registered machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _


class TransitionRefused(Exception):
    """A move the table does not allow, or one that lacks what it needs (e.g. a reason).

    ``message`` is in the user's language and says what to do; ``object_id`` names the row
    (``application_id`` is kept as an alias for the grant side's callers).
    """

    def __init__(self, message: str, *, object_id: int | None = None, **kwargs: Any):
        super().__init__(message)
        self.message = message
        self.object_id = object_id if object_id is not None else kwargs.get("application_id")

    @property
    def application_id(self) -> int | None:
        return self.object_id


# Ids per UPDATE of a set-based move.
CHUNK = 5000

# (instance, from_state, to_state, by, note, at, extra) -> None: writes one change record.
Recorder = Callable[..., None]
# (rows [(pk, from_state)], to_state, by, note, at, extra) -> None: writes many records.
ManyRecorder = Callable[..., None]


@dataclass
class MoveResult:
    """What a set-based move did: how many moved, and why each refused row was refused."""

    moved: int = 0
    refused: dict[int, str] = field(default_factory=dict)
    # Of ``refused``: rows a guard held back (e.g. by an open possible duplicate).
    held: set[int] = field(default_factory=set)


@dataclass
class StateMachine:
    """The allowed moves of one model's state field, and how a move is recorded."""

    model: type[models.Model]
    field: str
    allowed: Mapping[str, frozenset[str]]
    # Writes the change record of one move (None: the model keeps no record of its own,
    # e.g. because django-simple-history records every save of it).
    record: Recorder | None = None
    # Set-based twin of ``record`` for move_many.
    record_many: ManyRecorder | None = None
    # (to_state, extra) -> None; raises TransitionRefused. Checks that need no row (e.g. a
    # rejection's reason code), made before anything is locked, by move and move_many alike.
    validate: Callable[..., None] | None = None
    # (locked_instance, to_state, extra) -> None; raises TransitionRefused.
    guard: Callable[..., None] | None = None
    # (instance_or_None, to_state, at, extra) -> dict of other fields to set with the state.
    values: Callable[..., dict] | None = None
    # After a move has been saved and recorded: (ids, from_states, to_state, extra) -> None,
    # inside the transaction (send events on commit from there).
    after: Callable[..., None] | None = None
    # The message for a move that the table does not allow.
    refusal: Callable[[str, str], str] | None = None

    def __post_init__(self) -> None:
        self.allowed = {str(k): frozenset(str(t) for t in v) for k, v in self.allowed.items()}
        choices = dict(self.model._meta.get_field(self.field).choices or ())
        unknown = (set(self.allowed) | set().union(*self.allowed.values())) - set(choices)
        if unknown:
            raise ValueError(f"{self.label}: states not among the field's choices: {unknown}")
        self._labels = choices

    # --- reading the table ---------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"

    def state_label(self, state: str) -> str:
        return str(self._labels.get(state, state))

    def sources(self, to_state: str) -> frozenset[str]:
        """The states from which ``to_state`` may be reached."""
        return frozenset(src for src, targets in self.allowed.items() if to_state in targets)

    def can_move(self, current: str, to_state: str) -> bool:
        return to_state in self.allowed.get(current, frozenset())

    def targets(self, current: str) -> list[str]:
        """The states ``current`` may move to, in the order of the field's choices."""
        return [s for s in self._labels if s in self.allowed.get(current, frozenset())]

    def refusal_message(self, current: str, to_state: str) -> str:
        if self.refusal:
            return self.refusal(current, to_state)
        return _('Status tidak dapat diubah dari "%(from)s" menjadi "%(to)s".') % {
            "from": self.state_label(current),
            "to": self.state_label(to_state),
        }

    def check(self, current: str, to_state: str, *, object_id: int | None = None) -> None:
        if not self.can_move(current, to_state):
            raise TransitionRefused(self.refusal_message(current, to_state), object_id=object_id)

    # --- moving --------------------------------------------------------------------------
    def move(
        self,
        instance: models.Model,
        to_state: str,
        *,
        by=None,
        note: str = "",
        at: datetime | None = None,
        **extra: Any,
    ) -> models.Model:
        """Lock ``instance``'s row, check the move, save it and record it, in one transaction.

        Returns the updated (locked, freshly read) instance; raises :class:`TransitionRefused`
        and changes nothing otherwise. ``extra`` goes to the model's recorder (e.g. a reason
        code), and with ``by`` and ``note`` added to its validate, guard and values.
        """
        at = at or timezone.now()
        context = {**extra, "by": by, "note": note}
        if self.validate:
            self.validate(to_state, context)
        with transaction.atomic():
            locked = self.model._default_manager.select_for_update().get(pk=instance.pk)
            current = getattr(locked, self.field)
            self.check(current, to_state, object_id=locked.pk)
            if self.guard:
                self.guard(locked, to_state, context)
            values = {self.field: to_state}
            if self.values:
                values.update(self.values(locked, to_state, at, context))
            for name, value in values.items():
                setattr(locked, name, value)
            if by is not None:
                # Who moved it, for a model kept by django-simple-history.
                locked._history_user = by
            locked.save(update_fields=list(values))
            if self.record:
                self.record(locked, current, to_state, by=by, note=note, at=at, **extra)
            if self.after:
                self.after([locked.pk], [current], to_state, extra)
        return locked

    def move_many(
        self,
        queryset: QuerySet,
        to_state: str,
        *,
        by=None,
        note: str = "",
        at: datetime | None = None,
        held: Callable[[QuerySet], set[int]] | None = None,
        held_message: str = "",
        **extra: Any,
    ) -> MoveResult:
        """Set-based :meth:`move`: one UPDATE and one bulk write of records.

        Rows whose state does not allow the move, or that ``held`` returns (with
        ``held_message``), are left unchanged and returned in ``refused`` with the reason.
        """
        at = at or timezone.now()
        context = {**extra, "by": by, "note": note}
        if self.validate:
            self.validate(to_state, context)
        allowed_from = self.sources(to_state)
        with transaction.atomic():
            movable = queryset.filter(**{f"{self.field}__in": allowed_from})
            held_ids: set[int] = set()
            if held is not None:
                held_ids = held(movable)
                if held_ids:
                    movable = movable.exclude(pk__in=held_ids)
            moving = list(movable.select_for_update().values_list("pk", self.field).order_by())
            refused = {
                pk: self.refusal_message(state, to_state)
                for pk, state in queryset.exclude(
                    **{f"{self.field}__in": allowed_from}
                ).values_list("pk", self.field)
            }
            refused.update(dict.fromkeys(held_ids, held_message))
            if moving:
                values = {self.field: to_state}
                if self.values:
                    values.update(self.values(None, to_state, at, context))
                ids = [pk for pk, _state in moving]
                manager = self.model._default_manager
                # In chunks: a list of tens of thousands of ids is more parameters than SQLite
                # takes in one statement.
                for start in range(0, len(ids), CHUNK):
                    manager.filter(pk__in=ids[start : start + CHUNK]).update(**values)
                if self.record_many:
                    self.record_many(moving, to_state, by=by, note=note, at=at, **extra)
                elif self.record:
                    before = dict(moving)
                    for start in range(0, len(ids), CHUNK):
                        for obj in manager.filter(pk__in=ids[start : start + CHUNK]):
                            self.record(
                                obj, before[obj.pk], to_state, by=by, note=note, at=at, **extra
                            )
                if self.after:
                    self.after(ids, [s for _pk, s in moving], to_state, extra)
        return MoveResult(moved=len(moving), refused=refused, held=held_ids)

    def claim(self, instance: models.Model, to_state: str, **values: Any) -> bool:
        """Compare-and-set without a lock: one UPDATE that matches only while the stored state
        is one from which ``to_state`` may be reached, so two workers (or a worker and a
        member of staff) cannot both move the same row. Sets ``values`` with the state.
        Returns whether it moved; on success ``instance`` carries the new values."""
        values = {self.field: to_state, **values}
        moved = self.model._default_manager.filter(
            pk=instance.pk, **{f"{self.field}__in": self.sources(to_state)}
        ).update(**values)
        if moved:
            for name, value in values.items():
                setattr(instance, name, value)
            if self.after:
                self.after([instance.pk], [None], to_state, {})
        return bool(moved)


_MACHINES: dict[tuple[str, str], StateMachine] = {}


def register(machine: StateMachine) -> StateMachine:
    """Declare ``machine`` as the one way its model's field changes; returns it."""
    key = (machine.model._meta.label, machine.field)
    if key in _MACHINES and _MACHINES[key] is not machine:
        raise ValueError(f"A state machine for {machine.label} is registered already.")
    _MACHINES[key] = machine
    return machine


def machine_for(model: type[models.Model], field_name: str | None = None) -> StateMachine:
    """The registered machine of ``model`` (of its ``field_name`` when it has several)."""
    found = [
        m
        for (label, name), m in _MACHINES.items()
        if label == model._meta.label and (field_name is None or name == field_name)
    ]
    if len(found) != 1:
        raise LookupError(f"No single state machine for {model._meta.label} {field_name or ''}")
    return found[0]


def registered() -> Iterable[StateMachine]:
    return list(_MACHINES.values())
