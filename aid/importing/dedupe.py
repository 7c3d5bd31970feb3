"""Set-based rules over the staging table, one statement per rule.

Run after the whole list is staged (and again inside the merge transaction for the rules
that look at the registry, so a proposal made in between is caught). Only ``accepted`` rows
are looked at; a rule that rejects a row sets its reason code and an Indonesian message that
names the other row or list.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection

from aid.importing import conflicts
from aid.importing.row_messages import append_code_sql, json_object_sql
from aid.importing.sql import BATCH_SIZE, execute, stream, table
from aid.models import Application, ImportRow, Program, ProposalList, Reason, Status
from aid.transitions import RECEIVED_STATUSES
from registry.models import BankAccount, Owner

ACCEPTED = ImportRow.Outcome.ACCEPTED
REJECTED = ImportRow.Outcome.REJECTED
PREVIOUS = ImportRow.Outcome.PREVIOUS

# Keys per read of the rows sharing a refused row's phone or account.
CHUNK = 5000

# Possible duplicates under different NIKs: rule -> staged columns that must all be equal.
FLAG_RULES = {
    "name_birth_date": ("name_key", "birth_date"),
    "bank_account": ("bank_id", "account_number"),
    "phone": ("phone",),
}


def _program_application() -> str:
    """SQL: the values of a message naming the program (a parameter) and the application
    ``a`` it matched (:mod:`.row_messages`)."""
    return json_object_sql({"program": "CAST(%s AS TEXT)", "application": "a.id"})


def present_sql(columns) -> str:
    """SQL condition: every key column is filled in."""
    # Dates and ids are only checked for NULL: PostgreSQL refuses to compare them with ''.
    return " AND ".join(
        f"{c} IS NOT NULL" + ("" if c in ("birth_date", "bank_id") else f" AND {c} <> ''")
        for c in columns
    )


def _in(values) -> tuple[str, list]:
    return ", ".join(["%s"] * len(values)), list(values)


def _only(row_ids: list[int] | None) -> tuple[str, list]:
    """SQL narrowing a rule to some rows (a row corrected in the browser), or to all."""
    if row_ids is None:
        return "", []
    marks, values = _in(row_ids or [0])
    return f" AND r.id IN ({marks})", values


def mark_previously_accepted(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """A resent list: rows whose NIK already has a live (or paid) application in the program
    from an earlier list of the same proposer are ``previous``, not errors, and merge
    nothing. Runs before the rules that would call them duplicates."""
    if proposal_list.proposer_id is None:
        return 0
    rows, owners, apps = table(ImportRow), table(Owner), table(Application)
    lists = table(ProposalList)
    only, only_params = _only(row_ids)
    return execute(
        f"""UPDATE {rows} AS r SET outcome = %s, reason_code = '', message = '',
                message_code = %s, message_params = NULL
            FROM {owners} o JOIN {apps} a ON a.owner_id = o.id
                 JOIN {lists} pl ON pl.id = a.proposal_list_id
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND o.nik = r.nik
              AND a.program_id = %s AND a.status <> %s AND pl.proposer_id = %s
              AND pl.id <> %s{only}""",
        [
            PREVIOUS,
            "previous",
            proposal_list.pk,
            ACCEPTED,
            proposal_list.program_id,
            Status.REJECTED,
            proposal_list.proposer_id,
            proposal_list.pk,
            *only_params,
        ],
    )


def reject_existing(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """Reject rows whose owner already received this one-time grant or has a live application.

    Two statements: ``already_received`` first (the more specific), then
    ``duplicate_existing`` naming the list that proposed the owner.
    """
    program: Program = proposal_list.program
    rows, owners, apps = table(ImportRow), table(Owner), table(Application)
    only, only_params = _only(row_ids)
    touched = 0
    if program.one_time:
        marks, statuses = _in(RECEIVED_STATUSES)
        touched += execute(
            f"""UPDATE {rows} AS r SET outcome = %s, reason_code = %s, message = '',
                    message_code = 'already_received', message_params = {_program_application()}
                FROM {owners} o JOIN {apps} a ON a.owner_id = o.id
                WHERE r.proposal_list_id = %s AND r.outcome = %s AND o.nik = r.nik
                  AND a.program_id = %s AND a.status IN ({marks}){only}""",
            [REJECTED, Reason.ALREADY_RECEIVED, program.name, proposal_list.pk, ACCEPTED]
            + [program.pk, *statuses, *only_params],
        )
    # The proposer reads this message: it names neither the other proposer nor the
    # application, so typing a NIK into a list is no way to learn who proposed it.
    params_sql = json_object_sql({"program": "CAST(%s AS TEXT)"})
    touched += execute(
        f"""UPDATE {rows} AS r SET outcome = %s, reason_code = %s, message = '',
                message_code = 'duplicate_existing', message_params = {params_sql}
            FROM {owners} o JOIN {apps} a ON a.owner_id = o.id
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND o.nik = r.nik
              AND a.program_id = %s AND a.status <> %s{only}""",
        [REJECTED, Reason.DUPLICATE_EXISTING, program.name]
        + [proposal_list.pk, ACCEPTED, program.pk, Status.REJECTED, *only_params],
    )
    return touched


def reject_corrected_niks(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """Rows whose NIK an owner held before an approved NIK correction, when that owner has a
    live or paid application in the program: the same NIK is the same person, so this is
    ``already_received`` (one-time program, paid) or ``duplicate_existing``."""
    from registry.models import NikCorrection

    program: Program = proposal_list.program
    rows, apps, corrections = table(ImportRow), table(Application), table(NikCorrection)
    only, only_params = _only(row_ids)
    received, statuses = _in(RECEIVED_STATUSES)
    return execute(
        f"""UPDATE {rows} AS r SET outcome = %s,
                reason_code = CASE WHEN %s AND a.status IN ({received}) THEN %s ELSE %s END,
                message = '', message_code = 'corrected_nik',
                message_params = {_program_application()}
            FROM {corrections} c JOIN {apps} a ON a.owner_id = c.owner_id
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND c.old_nik = r.nik
              AND c.state = %s AND a.program_id = %s AND a.status <> %s{only}""",
        [REJECTED, program.one_time, *statuses, Reason.ALREADY_RECEIVED, Reason.DUPLICATE_EXISTING]
        + [program.name, proposal_list.pk, ACCEPTED, NikCorrection.State.APPROVED]
        + [program.pk, Status.REJECTED, *only_params],
    )


def reject_merged_niks(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """Rows whose NIK belongs to an owner merged into another (registry.merges): the person
    is registered under the survivor's NIK, and an application under the merged one would
    be a second application of the same person. The message does not name the other NIK
    (a proposer learns nothing about a registry record)."""
    rows, owners = table(ImportRow), table(Owner)
    only, only_params = _only(row_ids)
    return execute(
        f"""UPDATE {rows} AS r SET outcome = %s, reason_code = %s, message = '',
                message_code = 'merged_nik', message_params = NULL
            WHERE r.proposal_list_id = %s AND r.outcome = %s{only}
              AND EXISTS (SELECT 1 FROM {owners} o
                          WHERE o.nik = r.nik AND o.merged_into_id IS NOT NULL)""",
        [
            REJECTED,
            Reason.DUPLICATE_EXISTING,
            proposal_list.pk,
            ACCEPTED,
            *only_params,
        ],
    )


def reject_duplicates_in_list(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """Keep the first accepted row per NIK; reject the later ones, naming the first row.

    With ``row_ids`` (rows just corrected): each of them is rejected when another accepted
    row of the list has its NIK, whatever the order, so a correction never takes the place
    of a row that was already accepted."""
    rows = table(ImportRow)
    if row_ids is not None:
        return _reject_corrected_duplicates(proposal_list, row_ids)
    first_row = json_object_sql({"row": "f.first_row"})
    return execute(
        f"""UPDATE {rows} AS r SET outcome = %s, reason_code = %s, message = '',
                message_code = 'duplicate_in_list',
                message_params = {first_row}
            FROM (SELECT nik, MIN(row_number) AS first_row FROM {rows}
                  WHERE proposal_list_id = %s AND outcome = %s
                  GROUP BY nik HAVING COUNT(*) > 1) f
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND r.nik = f.nik
              AND r.row_number > f.first_row""",
        [REJECTED, Reason.DUPLICATE_IN_LIST, proposal_list.pk, ACCEPTED]
        + [proposal_list.pk, ACCEPTED],
    )


def _reject_corrected_duplicates(proposal_list: ProposalList, row_ids: list[int]) -> int:
    rows = table(ImportRow)
    only, only_params = _only(row_ids)
    others = f"""FROM {rows} x WHERE x.proposal_list_id = r.proposal_list_id AND x.nik = r.nik
                 AND x.outcome = %s AND x.id <> r.id"""
    first_row = json_object_sql({"row": f"(SELECT MIN(x.row_number) {others})"})
    return execute(
        f"""UPDATE {rows} AS r SET outcome = %s, reason_code = %s,
                message = '', message_code = 'duplicate_in_list',
                message_params = {first_row}
            WHERE r.proposal_list_id = %s AND r.outcome = %s
              AND EXISTS (SELECT 1 {others}){only}""",
        [REJECTED, Reason.DUPLICATE_IN_LIST, ACCEPTED]
        + [proposal_list.pk, ACCEPTED, ACCEPTED, *only_params],
    )


def link_owners(proposal_list: ProposalList) -> int:
    """Point accepted rows at the registered owner with their NIK, if there is one."""
    rows, owners = table(ImportRow), table(Owner)
    return execute(
        f"""UPDATE {rows} AS r SET owner_id = o.id
            FROM {owners} o
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND o.nik = r.nik
              AND r.owner_id IS NULL""",
        [proposal_list.pk, ACCEPTED],
    )


def note_registered_owners(proposal_list: ProposalList, row_ids: list[int] | None = None) -> int:
    """Explain, on rows of registered owners, that the registry's details are kept.

    The notes are codes after the check's warnings (``ImportRow.note_codes``, words in
    :mod:`.row_messages`); they do not name the registered owner: the proposer who sent the
    list reads them, and typing a NIK into a list must not be a way to learn whose it is."""
    rows, owners, accounts = table(ImportRow), table(Owner), table(BankAccount)
    only, only_params = _only(row_ids)
    append = append_code_sql("r.note_codes")
    # Another name (beyond spelling and titles) or another phone: the row is accepted and
    # the Dinas checks which is right (conflicts); the other differences are only noted.
    conflicting = conflicts.conflicting_row_ids(proposal_list.pk, only, only_params)
    touched = 0
    for start in range(0, len(conflicting), BATCH_SIZE):
        chunk, chunk_params = _in(conflicting[start : start + BATCH_SIZE])
        touched += execute(
            f"UPDATE {rows} AS r SET note_codes = {append} WHERE r.id IN ({chunk})",
            ["registry_conflict", *chunk_params],
        )
    touched += execute(
        f"""UPDATE {rows} AS r SET note_codes = {append}
            FROM {owners} o
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND o.id = r.owner_id
              AND (LOWER(o.full_name) <> LOWER(r.full_name) OR o.ktp_address <> r.ktp_address
                   OR o.phone <> r.phone)
              AND COALESCE(CAST(r.note_codes AS TEXT), '') NOT LIKE %s{only}""",
        ["registered_owner", proposal_list.pk, ACCEPTED, '%"registry_conflict"%', *only_params],
    )
    touched += execute(
        f"""UPDATE {rows} AS r SET note_codes = {append}
            FROM {accounts} ba
            WHERE r.proposal_list_id = %s AND r.outcome = %s AND r.bank_id IS NOT NULL
              AND ba.owner_id = r.owner_id AND ba.is_active = %s
              AND (ba.bank_id <> r.bank_id OR ba.account_number <> r.account_number){only}""",
        ["registered_account", proposal_list.pk, ACCEPTED, True, *only_params],
    )
    return touched


def flag_possible_duplicates(proposal_list: ProposalList) -> int:
    """Flag accepted rows that share a name and birth date, an account or a phone with rows
    of other NIKs. They stay accepted; a verifier decides. Returns the rows flagged. The
    flags are data (:mod:`.flags` puts them in words when the row is shown).

    One grouping query per rule finds the shared keys; only the rows involved come back to
    Python (to name the other rows), and are written back with one batched UPDATE.
    """
    rows = table(ImportRow)
    flags: dict[int, list[dict]] = defaultdict(list)
    for rule, columns in FLAG_RULES.items():
        cols = ", ".join(columns)
        present = present_sql(columns)
        key_of = " || '|' || ".join(f"CAST(r.{c} AS TEXT)" for c in columns)
        groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pk, number, key in stream(
            f"""SELECT r.id, r.row_number, {key_of} FROM {rows} r
                JOIN (SELECT {cols} FROM {rows}
                      WHERE proposal_list_id = %s AND outcome = %s AND {present}
                      GROUP BY {cols} HAVING COUNT(DISTINCT nik) > 1) g
                  ON {" AND ".join(f"g.{c} = r.{c}" for c in columns)}
                WHERE r.proposal_list_id = %s AND r.outcome = %s
                ORDER BY r.row_number""",
            [proposal_list.pk, ACCEPTED, proposal_list.pk, ACCEPTED],
        ):
            groups[key].append((pk, number))
        for members in groups.values():
            numbers = [number for _pk, number in members]
            for pk, number in members:
                others = [n for n in numbers if n != number]
                flags[pk].append({"rule": rule, "rows": others[:100], "count": len(others)})
    if flags:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {rows} SET flags = %s WHERE id = %s",
                [(json.dumps(flags[pk]), pk) for pk in flags],
            )
    return len(flags)


def flag_against_program(proposal_list: ProposalList) -> int:
    """Flag accepted rows whose phone or active bank account belongs to another NIK already
    proposed in this program (a live application, from any list). They stay accepted; the
    flag names those applications, and the merge records each pair for a verifier.

    One statement per rule; only the rows involved come back to Python. Returns the rows
    flagged by these rules.
    """
    rows, owners, apps = table(ImportRow), table(Owner), table(Application)
    accounts = table(BankAccount)
    # rule -> (joins from a staged row r to a registered owner o of another NIK, parameters)
    joins = {
        "bank_account": (
            f"""JOIN {accounts} ba ON ba.bank_id = r.bank_id
                               AND ba.account_number = r.account_number AND ba.is_active = %s
                JOIN {owners} o ON o.id = ba.owner_id AND o.nik <> r.nik""",
            [True],
        ),
        "phone": (f"JOIN {owners} o ON o.phone = r.phone AND o.nik <> r.nik AND r.phone <> ''", []),
    }
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rule, (join, params) in joins.items():
        for pk, application_id in stream(
            f"""SELECT r.id, a.id FROM {rows} r {join}
                JOIN {apps} a ON a.owner_id = o.id AND a.program_id = %s AND a.status <> %s
                WHERE r.proposal_list_id = %s AND r.outcome = %s
                ORDER BY r.id, a.id""",
            [*params, proposal_list.program_id, Status.REJECTED, proposal_list.pk, ACCEPTED],
        ):
            found[pk][rule].append(application_id)
    if not found:
        return 0
    # A row may already carry flags from the rules within the list: add to them.
    current = dict(ImportRow.objects.filter(pk__in=list(found)).values_list("pk", "flags"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {rows} SET flags = %s WHERE id = %s",
            [
                (
                    json.dumps(
                        [
                            *current[pk],
                            *(
                                {"rule": rule, "applications": ids[:100]}
                                for rule, ids in by.items()
                            ),
                        ]
                    ),
                    pk,
                )
                for pk, by in found.items()
            ],
        )
    return len(found)


def flag_shared_with_refused(proposal_list: ProposalList) -> int:
    """Flag accepted rows that share a phone or a bank account with a *refused* row of the
    same list under another NIK (or under none that could be read: a NIK damaged by
    Excel). The refused row is the same person more often than not, proposed twice; it
    stays accepted and the flag names the refused rows, for the verifier. Flags already
    on a row are kept. Returns the rows flagged by this rule.

    Driven from the refused rows (few): one read of their keys, then one read per chunk of
    those keys over the list's accepted rows (a self-join would compare every accepted
    row with every refused one on SQLite, which has no index on the phone)."""
    refused = ImportRow.objects.filter(proposal_list=proposal_list, outcome=REJECTED)
    by_phone: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_account: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for number, nik, phone, bank_id, account in refused.values_list(
        "row_number", "nik", "phone", "bank_id", "account_number"
    ).order_by("row_number"):
        if phone:
            by_phone[phone].append((number, nik))
        if bank_id is not None and account:
            by_account[(bank_id, account)].append((number, nik))
    accepted = ImportRow.objects.filter(proposal_list=proposal_list, outcome=ACCEPTED)
    found: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    phones = sorted(by_phone)
    for start in range(0, len(phones), CHUNK):
        for pk, nik, phone in accepted.filter(phone__in=phones[start : start + CHUNK]).values_list(
            "pk", "nik", "phone"
        ):
            found[pk]["phone"] += [n for n, other in by_phone[phone] if other != nik]
    accounts = sorted({account for _bank, account in by_account})
    for start in range(0, len(accounts), CHUNK):
        for pk, nik, bank_id, account in accepted.filter(
            account_number__in=accounts[start : start + CHUNK], bank_id__isnull=False
        ).values_list("pk", "nik", "bank_id", "account_number"):
            others = by_account.get((bank_id, account), [])
            found[pk]["bank_account"] += [n for n, other in others if other != nik]
    found = {
        pk: {rule: numbers for rule, numbers in by.items() if numbers}
        for pk, by in found.items()
        if any(by.values())
    }
    if not found:
        return 0
    current = dict(ImportRow.objects.filter(pk__in=list(found)).values_list("pk", "flags"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table(ImportRow)} SET flags = %s WHERE id = %s",
            [
                (
                    json.dumps(
                        [
                            *current[pk],
                            *(
                                {"rule": rule, "rows": numbers[:100], "count": len(numbers)}
                                for rule, numbers in by.items()
                            ),
                        ]
                    ),
                    pk,
                )
                for pk, by in found.items()
            ],
        )
    return len(found)


def reflag(proposal_list: ProposalList) -> int:
    """Find the list's possible duplicates again from its rows as they are now (after a row
    was corrected or removed): flags that no longer hold go, new ones come. Returns the rows
    flagged."""
    ImportRow.objects.filter(proposal_list=proposal_list).exclude(flags=[]).update(flags=[])
    flag_possible_duplicates(proposal_list)
    flag_against_program(proposal_list)
    flag_shared_with_refused(proposal_list)
    return _flagged(proposal_list)


def recheck_copies(proposal_list: ProposalList, niks: set[str]) -> list[int]:
    """After a row holding one of ``niks`` was corrected or removed: rows refused only as a
    later copy of such a NIK (``duplicate_in_list``), where no accepted row holds it any
    more, are checked again against the program and the list; the first of them is
    accepted unless the program refuses it, the others name it. Returns the rows checked
    again."""
    held = set(
        ImportRow.objects.filter(
            proposal_list=proposal_list, outcome=ACCEPTED, nik__in=niks
        ).values_list("nik", flat=True)
    )
    copies = ImportRow.objects.filter(
        proposal_list=proposal_list,
        outcome=REJECTED,
        reason_code=Reason.DUPLICATE_IN_LIST,
        nik__in=set(niks) - held,
    )
    ids = list(copies.values_list("pk", flat=True))
    if ids:
        ImportRow.objects.filter(pk__in=ids).update(
            outcome=ACCEPTED, reason_code="", message="", message_code="", message_params=None
        )
        recheck_rows(proposal_list, ids, corrected=False)
    return ids


def recheck_rows(proposal_list: ProposalList, row_ids: list[int], *, corrected: bool) -> None:
    """The rules of :func:`run` again for some accepted rows of the list, in its order, and
    their registered owners linked. ``corrected`` rows (changed by the proposer) are
    refused when another accepted row holds their NIK, whatever the order, so a correction
    never takes an accepted row's place; otherwise (copies accepted again) the list's first
    row per NIK is kept, as at import: every other NIK is held by one row already, so only
    the later copies among these rows are refused."""
    mark_previously_accepted(proposal_list, row_ids)
    reject_existing(proposal_list, row_ids)
    reject_corrected_niks(proposal_list, row_ids)
    reject_merged_niks(proposal_list, row_ids)
    reject_duplicates_in_list(proposal_list, row_ids if corrected else None)
    link_owners(proposal_list)
    note_registered_owners(proposal_list, row_ids)


def _flagged(proposal_list: ProposalList) -> int:
    return (
        ImportRow.objects.filter(proposal_list=proposal_list, outcome=ACCEPTED)
        .exclude(flags=[])
        .count()
    )


def run(proposal_list: ProposalList) -> int:
    """All rules in order; returns the number of rows flagged as possible duplicates."""
    mark_previously_accepted(proposal_list)
    reject_existing(proposal_list)
    reject_corrected_niks(proposal_list)
    reject_merged_niks(proposal_list)
    reject_duplicates_in_list(proposal_list)
    link_owners(proposal_list)
    note_registered_owners(proposal_list)
    flag_possible_duplicates(proposal_list)
    flag_against_program(proposal_list)
    flag_shared_with_refused(proposal_list)
    return _flagged(proposal_list)
