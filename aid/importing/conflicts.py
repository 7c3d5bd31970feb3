"""Rows that differ from the registry: "berbeda dengan data registry" (issue 24.3).

A list row whose NIK is already an owner's, with a name that is not the owner's (beyond
spelling and titles: :func:`registry.names.same_person_name`) or with another phone (both
given), is accepted, and its application is held with a :class:`aid.models.RegistryConflict`
until a verifier keeps the registry's values or takes the list's.

Set-based: one query finds the candidates (registered owners whose name differs in any way,
or whose phone differs), the name rule (a Python function) runs over those pairs only, and
the conflicts are written in bulk. At check time the row gets the note ``registry_conflict``
(the proposer and the kelurahan read that the row is accepted and being checked by the
Dinas); at merge the conflict records are written from the registry as it is then.
"""

from __future__ import annotations

from collections.abc import Iterable

from aid.importing.sql import BATCH_SIZE, fetch, stream, table
from aid.models import Application, ImportRow, RegistryConflict
from registry.models import Owner
from registry.names import same_person_name

ACCEPTED = ImportRow.Outcome.ACCEPTED


def phone_differs(list_phone: str, registry_phone: str) -> bool:
    """Whether the list gives a phone other than the registry's (a phone only one of them
    has is not a conflict: the list adds nothing the registry contradicts)."""
    return bool(list_phone) and bool(registry_phone) and list_phone != registry_phone


def differences(list_name: str, list_phone: str, registry_name: str, registry_phone: str):
    """``(name_differs, phone_differs)`` of a row against its registered owner."""
    return (
        not same_person_name(list_name, registry_name),
        phone_differs(list_phone, registry_phone),
    )


def candidates_sql(rows_alias: str = "r", owners_alias: str = "o") -> str:
    """SQL condition narrowing a row and its owner to those that may conflict: any
    difference of name (the Python rule decides) or a phone given on both sides that differs."""
    r, o = rows_alias, owners_alias
    return (
        f"(LOWER({o}.full_name) <> LOWER({r}.full_name) OR ({r}.phone <> '' AND "
        f"{o}.phone <> '' AND {r}.phone <> {o}.phone))"
    )


def conflicting(pairs: Iterable[tuple]) -> list[tuple]:
    """Of ``(key, list_name, list_phone, registry_name, registry_phone)`` pairs, those that
    conflict, each as ``(key, list_name, list_phone, registry_name, registry_phone,
    name_differs, phone_differs)``."""
    found = []
    for key, list_name, list_phone, registry_name, registry_phone in pairs:
        name, phone = differences(list_name, list_phone, registry_name, registry_phone)
        if name or phone:
            found.append((key, list_name, list_phone, registry_name, registry_phone, name, phone))
    return found


def conflicting_row_ids(proposal_list_id: int, only: str = "", only_params=()) -> list[int]:
    """Ids of the list's accepted rows of registered owners that conflict with the registry
    (``only``: an extra SQL condition on ``r``, for a recheck of some rows)."""
    rows, owners = table(ImportRow), table(Owner)
    pairs = fetch(
        f"""SELECT r.id, r.full_name, r.phone, o.full_name, o.phone
            FROM {rows} r JOIN {owners} o ON o.id = r.owner_id
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND {candidates_sql()}{only}""",
        [proposal_list_id, ACCEPTED, *only_params],
    )
    return [found[0] for found in conflicting(pairs)]


def record(proposal_list_id: int, accepted_sql: str, *, after_application: int) -> int:
    """Write the conflicts of the applications just created for registered owners (rows
    ``accepted_sql`` over ``r``, applications of this list above ``after_application``), from
    the registry as it is now. Returns how many were written."""
    rows, owners, applications = table(ImportRow), table(Owner), table(Application)
    # CROSS JOIN fixes SQLite's join order (PostgreSQL plans it as an inner join): the batch's
    # rows by their numbers, then each row's owner and application by index. Left to itself,
    # SQLite read the batch's new applications first and scanned the batch's rows again for
    # each one (2,000 × 2,000 per batch: a 66,000-row merge took 56 s instead of 9 s).
    pairs = stream(
        f"""SELECT a.id, r.full_name, r.phone, o.full_name, o.phone
            FROM {rows} r CROSS JOIN {owners} o CROSS JOIN {applications} a
            WHERE {accepted_sql} AND r.owner_id IS NOT NULL AND o.id = r.owner_id
              AND a.owner_id = o.id AND a.proposal_list_id = %s AND a.id > %s
              AND {candidates_sql()}""",
        [proposal_list_id, after_application],
    )
    conflicts = [
        RegistryConflict(
            application_id=application_id,
            list_name=list_name[:150],
            list_phone=list_phone,
            registry_name=registry_name,
            registry_phone=registry_phone,
            name_differs=name,
            phone_differs=phone,
        )
        for application_id, list_name, list_phone, registry_name, registry_phone, name, phone in (
            conflicting(pairs)
        )
    ]
    # Bulk-created: no '+' history record (the row itself says when); decisions leave one.
    RegistryConflict.objects.bulk_create(conflicts, batch_size=BATCH_SIZE)
    return len(conflicts)
