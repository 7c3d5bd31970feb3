"""Writes for programs: the BPUM 2020 program's one home."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aid.models import Disbursement, Program

# What a transfer was made under: fixed once money moved.
FIXED_ONCE_PAID = ("amount", "one_time")
# Every field staff may set (the admin form shows these); new model fields join by themselves.
EDITABLE = tuple(f.name for f in Program._meta.concrete_fields if f.editable and not f.primary_key)


def program_money_moved(program: Program) -> bool:
    """Whether any transfer (successful or failed) was recorded for the program."""
    return Disbursement.objects.filter(application__program=program).exists()


def _save(program: Program, fields: list[str] | None, by) -> Program:
    program._history_user = by
    program.full_clean()
    program.save(update_fields=fields)
    return program


@transaction.atomic
def program_create(*, by=None, **values) -> Program:
    """Create a program; ``values`` are its fields (code, name, amount, ...)."""
    return _save(Program(**values), None, by)


@transaction.atomic
def program_update(*, program: Program, by=None, **changes) -> Program:
    """Change a program's details, with history.

    Refuses (ValidationError keyed by field, nothing written) a change of ``amount`` or
    ``one_time`` once any transfer was recorded for the program: the money sent and the
    one-time rule it was sent under must stay what they were. The program row is locked, so
    a transfer recorded at the same moment is seen. This is a service check plus read-only
    admin fields, not a database trigger.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"program_update() cannot change {sorted(unknown)}")
    locked = Program.objects.select_for_update().get(pk=program.pk)
    changed = [f for f, v in changes.items() if getattr(locked, f) != v]
    frozen = [f for f in changed if f in FIXED_ONCE_PAID]
    if frozen and program_money_moved(locked):
        raise ValidationError(
            {
                f: _("Tidak dapat diubah: sudah ada penyaluran dana untuk program ini.")
                for f in frozen
            }
        )
    if not changed:
        return locked
    for field in changed:
        setattr(locked, field, changes[field])
    return _save(locked, changed, by)


def program_ensure_bpum_2020() -> Program:
    """The BPUM 2020 program (Rp2.400.000 once per NIK, 90 days to withdraw), created if
    missing; demo data and benchmarks use it."""
    program, _ = Program.objects.get_or_create(
        code="bpum-2020",
        defaults={
            "name": "Banpres Produktif Usaha Mikro (BPUM) 2020",
            "amount": 2_400_000,
            "one_time": True,
            "withdrawal_days": 90,
            "starts_on": datetime.date(2020, 8, 17),
            "ends_on": datetime.date(2020, 12, 31),
        },
    )
    return program
