"""Accepted staging rows into the registry and applications, set-based.

Called by :func:`aid.services.proposal_list_confirm` in batches of rows
(:func:`row_batches`, :func:`merge_rows`), each in its own short transaction, under the
list's ``merging`` status, then :func:`link_pairs` once: a failed batch leaves nothing of
itself, and the merge resumes after the last batch that committed. Each step is one
``INSERT … SELECT`` or ``UPDATE … FROM`` over the staging table; history records of the
registry (django-simple-history) and the first status record of each application
(:func:`aid.transitions.record_proposed_where`, the set-based twin of
``record_proposed``) are written in bulk alongside.

Existing owners (matched by NIK) are not changed: the registry's details win, and the row's
note says so when the list differs. When the list gives another name (beyond spelling and
titles) or another phone, the application is held with a "berbeda dengan data registry"
conflict (:mod:`.conflicts`) for a verifier to decide. Every application keeps the phone it
was proposed with (``proposed_phone``), which the public status check accepts. A business with the same name (any case) under that owner
is reused; otherwise a new one is created. An account from the list becomes the owner's active
account only when the owner has none.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection

from aid import transitions
from aid.importing import conflicts
from aid.importing.dedupe import ACCEPTED, FLAG_RULES, present_sql
from aid.importing.sql import (
    BATCH_SIZE,
    analyze_sqlite,
    execute,
    fetch,
    table,
    use_bulk_work_mem,
)
from aid.models import Application, ImportRow, PossibleDuplicate, ProposalList, Status
from registry.identifiers import issued_in_city_sql
from registry.models import BankAccount, Business, Owner


def _history(model, from_sql: str, params: list, by, reason: str, at_db) -> None:
    """Write '+' history records for rows just inserted in bulk (simple-history skips them).

    ``from_sql`` joins the staging rows to the new rows, aliased ``m``: driving from the
    staging table keeps the plan right even before the registry tables have statistics.
    """
    historical = model.history.model
    mirrored = [
        f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")
    ]
    columns = ", ".join(mirrored)
    select = ", ".join(f"m.{c}" for c in mirrored)
    execute(
        f"""INSERT INTO {table(historical)}
                ({columns}, history_date, history_change_reason, history_type, history_user_id)
            SELECT {select}, %s, %s, '+', %s FROM {from_sql}""",
        [at_db, reason, by.pk if by else None, *params],
    )


def merge(proposal_list: ProposalList, *, by, at) -> int:
    """Create owners, businesses, accounts and applications for the accepted rows, then the
    possible-duplicate pairs: :func:`merge_rows` over the whole list and :func:`link_pairs`.

    Must run inside a transaction (the caller's), after :func:`dedupe.link_owners` has marked
    the rows of registered owners. Returns the number of applications created.
    """
    created = merge_rows(proposal_list, by=by, at=at)
    link_pairs(proposal_list, at=at)
    return created


def row_batches(proposal_list: ProposalList, size: int, *, after: int = 0) -> list[tuple]:
    """Ranges ``(first, last)`` of row numbers after ``after``, each holding at most ``size``
    accepted rows, that together cover every accepted row of the list (for a merge in
    batches, :func:`merge_rows`)."""
    numbers = list(
        ImportRow.objects.filter(
            proposal_list=proposal_list, outcome=ACCEPTED, row_number__gt=after
        )
        .order_by("row_number")
        .values_list("row_number", flat=True)
    )
    return [
        (numbers[start], numbers[min(start + size, len(numbers)) - 1])
        for start in range(0, len(numbers), size)
    ]


def merge_rows(
    proposal_list: ProposalList,
    *,
    by,
    at,
    first_row: int | None = None,
    last_row: int | None = None,
) -> int:
    """Create owners, businesses, accounts and applications (with their first status record)
    for the accepted rows, or for those numbered ``first_row`` to ``last_row``: one batch of
    a merge, all of it at the merge's one time ``at``.

    Must run inside a transaction (the caller's). Returns the number of applications
    created. Rows reach their owner by NIK (a unique index), so no pass rewrites the staging
    table for new owners.
    """
    rows, owners, businesses = table(ImportRow), table(Owner), table(Business)
    accounts, applications = table(BankAccount), table(Application)
    use_bulk_work_mem()
    pk = proposal_list.pk
    at_db = connection.ops.adapt_datetimefield_value(at)
    source = f"impor daftar usulan #{pk}"
    accepted = f"r.proposal_list_id = {int(pk)} AND r.outcome = '{ACCEPTED}'"
    if first_row is not None:
        accepted += f" AND r.row_number BETWEEN {int(first_row)} AND {int(last_row)}"
    before = (
        Application.objects.filter(proposal_list_id=pk).order_by("-pk").values_list("pk", flat=True)
    ).first() or 0
    owner_of_row = f"{rows} r JOIN {owners} o ON o.nik = r.nik"

    # Registered owners keep a business of the same name (any case) if they have one.
    execute(
        f"""UPDATE {rows} AS r SET business_id = (
                SELECT MIN(b.id) FROM {businesses} b
                WHERE b.owner_id = r.owner_id AND LOWER(b.name) = LOWER(r.business_name))
            WHERE {accepted} AND r.owner_id IS NOT NULL"""
    )

    # Owners not yet in the registry. Sex and birth date come from the NIK (checked).
    in_city, in_city_params = issued_in_city_sql("r.nik")
    execute(
        f"""INSERT INTO {owners} (nik, full_name, sex, birth_date, kk_number, phone,
                ktp_address, rt, rw, kelurahan_id, lives_in_bekasi, created_at, updated_at)
            SELECT nik, full_name, sex, birth_date, kk, phone, ktp_address, rt, rw,
                   kelurahan_id, CASE WHEN {in_city} THEN %s ELSE %s END, %s, %s
            FROM {rows} r WHERE {accepted} AND r.owner_id IS NULL""",
        [*in_city_params, True, False, at_db, at_db],
    )
    _history(
        Owner,
        f"{rows} r JOIN {owners} m ON m.nik = r.nik WHERE {accepted} AND r.owner_id IS NULL",
        [],
        by,
        source,
        at_db,
    )

    _kk_to_registered_owners(accepted, by=by, source=source, at_db=at_db)

    execute(
        # A list row has one address, the KTP's: under BPUM the business is there unless an
        # SKU says otherwise, so it is the business address until someone corrects it.
        f"""INSERT INTO {businesses} (owner_id, name, sector, nib, address, kecamatan_id,
                kelurahan_id, size_class, workers, year_started, created_at)
            SELECT o.id, r.business_name, r.sector, '', r.ktp_address, r.kecamatan_id,
                   r.kelurahan_id, %s, 0, NULL, %s
            FROM {rows} r JOIN {owners} o ON o.nik = r.nik
            WHERE {accepted} AND r.business_id IS NULL""",
        [Business.SizeClass.MIKRO, at_db],
    )
    _history(
        Business,
        f"""{owner_of_row} JOIN {businesses} m ON m.owner_id = o.id AND m.created_at = %s
            WHERE {accepted} AND r.business_id IS NULL""",
        [at_db],
        by,
        source,
        at_db,
    )

    # The list's account becomes active only for owners without an active one. Registered
    # owners are looked at first, in their own statement: an "owner has no active account"
    # test inside the statement that inserts 40,000 accounts would read the table it is
    # filling, and when the table was nearly empty at planning time PostgreSQL checks it
    # with a full scan per row (quadratic: 10 s at 66,000 rows). Owners created by this
    # merge have no account, so their accounts need no such test.
    account_values = [True, at_db, by.pk if by else None]
    execute(
        f"""INSERT INTO {accounts} (owner_id, bank_id, account_number, holder_name, is_active,
                created_at, created_by_id)
            SELECT o.id, r.bank_id, r.account_number, o.full_name, %s, %s, %s
            FROM {rows} r JOIN {owners} o ON o.id = r.owner_id
            WHERE {accepted} AND r.bank_id IS NOT NULL AND r.owner_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM {accounts} ba
                              WHERE ba.owner_id = o.id AND ba.is_active = %s)""",
        [*account_values, True],
    )
    execute(
        f"""INSERT INTO {accounts} (owner_id, bank_id, account_number, holder_name, is_active,
                created_at, created_by_id)
            SELECT o.id, r.bank_id, r.account_number, o.full_name, %s, %s, %s
            FROM {rows} r JOIN {owners} o ON o.nik = r.nik
            WHERE {accepted} AND r.bank_id IS NOT NULL AND r.owner_id IS NULL""",
        account_values,
    )
    _history(
        BankAccount,
        f"""{owner_of_row} JOIN {accounts} m ON m.owner_id = o.id AND m.created_at = %s
            WHERE {accepted} AND r.bank_id IS NOT NULL""",
        [at_db],
        by,
        source,
        at_db,
    )

    # Applications (the business created in this merge is the owner's one with this
    # timestamp: one accepted row per owner), in the file's order, so that of two
    # applications proposed together the later row is the later one (a "same person"
    # decision keeps the earlier); then their first status record.
    created = execute(
        f"""INSERT INTO {applications} (owner_id, business_id, program_id, proposal_list_id,
                status, reason_code, reason_note, proposed_phone, proposed_at, updated_at)
            SELECT o.id, COALESCE(r.business_id, b.id), %s, %s, %s, '', '', r.phone, %s, %s
            FROM {rows} r JOIN {owners} o ON o.nik = r.nik
                 LEFT JOIN {businesses} b ON r.business_id IS NULL AND b.owner_id = o.id
                                         AND b.created_at = %s
            WHERE {accepted}
            ORDER BY r.row_number""",
        [proposal_list.program_id, pk, Status.PROPOSED, at_db, at_db, at_db],
    )
    transitions.record_proposed_where(
        Application.objects.filter(proposal_list_id=pk, pk__gt=before), by=by, source=source
    )
    # Registered owners whose name (beyond spelling) or phone the list contradicts: the
    # application is held until a verifier decides (aid.services.registry_conflicts).
    conflicts.record(pk, accepted, after_application=before)
    return created


def _kk_to_registered_owners(accepted: str, *, by, source: str, at_db) -> None:
    """A registered owner without a Nomor KK takes the list's (checked) one, with a '~'
    history record per owner written first; an owner who has one keeps it (a different KK in
    a list is not applied). One INSERT … SELECT and one UPDATE, over the batch's rows."""
    rows, owners = table(ImportRow), table(Owner)
    historical = Owner.history.model
    mirrored = [
        f.column for f in historical._meta.concrete_fields if not f.name.startswith("history_")
    ]
    taken = {"kk_number": "r.kk", "updated_at": "%s"}
    select = ", ".join(taken.get(c, f"o.{c}") for c in mirrored)
    where = f"""{accepted} AND r.owner_id IS NOT NULL AND r.kk <> ''
                AND o.kk_number = ''"""
    execute(
        f"""INSERT INTO {table(historical)}
                ({", ".join(mirrored)}, history_date, history_change_reason, history_type,
                 history_user_id)
            SELECT {select}, %s, %s, '~', %s
            FROM {rows} r JOIN {owners} o ON o.id = r.owner_id WHERE {where}""",
        [at_db, at_db, source, by.pk if by else None],
    )
    execute(
        f"""UPDATE {owners} SET
                kk_number = (SELECT r.kk FROM {rows} r WHERE r.owner_id = {owners}.id
                             AND {accepted} AND r.kk <> ''),
                updated_at = %s
            WHERE kk_number = '' AND id IN (
                SELECT r.owner_id FROM {rows} r
                WHERE {accepted} AND r.owner_id IS NOT NULL AND r.kk <> '')""",
        [at_db],
    )


def link_pairs(proposal_list: ProposalList, *, at) -> None:
    """Record the possible-duplicate pairs of a merged list (the last step of a merge, over
    all its rows once every batch is in). Must run inside a transaction."""
    pk = proposal_list.pk
    at_db = connection.ops.adapt_datetimefield_value(at)
    # The pairs are found through the owners and applications just written: on SQLite the
    # statistics taken when the list was staged would tell the planner those tables are
    # small (one scan of them per flagged row: 138 s at 20,000 rows instead of 0.01 s).
    analyze_sqlite(Owner, Application)
    _possible_duplicates(pk, at_db)
    _possible_duplicates_in_program(pk)


def _rules_sql(column: str) -> str:
    """SQL aggregate: the distinct rules in ``column`` of a group, in the stored form of
    :meth:`PossibleDuplicate.join_rules` ("name_birth_date,phone"), on SQLite and PostgreSQL
    alike (their string aggregates differ in name and in ordering)."""
    parts = " || ".join(
        f"MAX(CASE WHEN {column} = '{rule}' THEN ',{rule}' ELSE '' END)"
        for rule in PossibleDuplicate.Rule.values
    )
    return f"SUBSTR({parts}, 2)"


def _possible_duplicates(pk: int, at_db) -> None:
    """Link each flagged row's application to the first row of its group, one row per pair.

    One statement for all rules: the few flagged pairs of every rule are found first (a
    materialised CTE, so the planner cannot start from the whole list's applications, which
    its statistics still believe to be few), reach their applications through the owner's
    NIK with plain joins (a correlated subquery per row made the cost grow with the square
    of the list), and are grouped by the pair, lower application id first, with the rules
    that matched it.
    """
    rows, owners, applications = table(ImportRow), table(Owner), table(Application)
    per_rule = []
    for rule, columns in FLAG_RULES.items():
        cols = ", ".join(columns)
        per_rule.append(
            f"""SELECT r.nik AS nik, f.nik AS first_nik, '{rule}' AS rule
                FROM {rows} r
                JOIN (SELECT {cols}, MIN(row_number) AS first_row FROM {rows}
                      WHERE proposal_list_id = %(pk)s AND outcome = %(accepted)s
                        AND {present_sql(columns)}
                      GROUP BY {cols} HAVING COUNT(DISTINCT nik) > 1) g
                  ON {" AND ".join(f"g.{c} = r.{c}" for c in columns)}
                JOIN {rows} f ON f.proposal_list_id = r.proposal_list_id
                             AND f.row_number = g.first_row
                WHERE r.proposal_list_id = %(pk)s AND r.outcome = %(accepted)s
                  AND r.row_number > g.first_row"""
        )
    execute(
        f"""WITH pairs AS MATERIALIZED ({" UNION ALL ".join(per_rule)}),
            linked AS (
                SELECT CASE WHEN ra.id < fa.id THEN ra.id ELSE fa.id END AS low,
                       CASE WHEN ra.id < fa.id THEN fa.id ELSE ra.id END AS high,
                       p.rule AS rule
                FROM pairs p
                JOIN {owners} ro ON ro.nik = p.nik
                JOIN {applications} ra ON ra.owner_id = ro.id AND ra.proposal_list_id = %(pk)s
                JOIN {owners} fo ON fo.nik = p.first_nik
                JOIN {applications} fa ON fa.owner_id = fo.id AND fa.proposal_list_id = %(pk)s)
            INSERT INTO {table(PossibleDuplicate)} (application_id, other_id, rules, decision,
                note, created_at)
            SELECT low, high, {_rules_sql("rule")}, '', '', %(at)s
            FROM linked GROUP BY low, high""",
        {"pk": pk, "accepted": ACCEPTED, "at": at_db},
    )


def _possible_duplicates_in_program(pk: int) -> None:
    """Record the pairs :func:`dedupe.flag_against_program` named: each new application with
    every live application of the program that shares its phone or bank account, one row per
    pair with the rules that matched. Flagged rows are few, so they are read back rather
    than matched again in SQL, and written with one bulk INSERT. The pairs are new (one side
    was created by this merge), so none can already be recorded."""
    flagged = {
        nik: [flag for flag in flags if "applications" in flag]
        for nik, flags in ImportRow.objects.filter(proposal_list_id=pk, outcome=ACCEPTED)
        .exclude(flags=[])
        .values_list("nik", "flags")
    }
    flagged = {nik: flags for nik, flags in flagged.items() if flags}
    if not flagged:
        return
    new = dict(
        Application.objects.filter(proposal_list_id=pk, owner__nik__in=list(flagged)).values_list(
            "owner__nik", "pk"
        )
    )
    rules: dict[tuple[int, int], set[str]] = defaultdict(set)
    for nik, flags in flagged.items():
        if nik not in new:
            continue
        for flag in flags:
            for other in flag["applications"]:
                rules[tuple(sorted((new[nik], other)))].add(flag["rule"])
    PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                application_id=low, other_id=high, rules=PossibleDuplicate.join_rules(matched)
            )
            for (low, high), matched in rules.items()
        ],
        batch_size=BATCH_SIZE,
    )


def merged_count(proposal_list: ProposalList) -> int:
    return fetch(
        f"SELECT COUNT(*) FROM {table(Application)} WHERE proposal_list_id = %s",
        [proposal_list.pk],
    )[0][0]
