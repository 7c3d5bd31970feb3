"""Reads of the public status page: the one statement that answers a check.

An owner is found by NIK (:func:`status_lookup_statement`, over aid's and registry's models);
a NIK that matches no owner may match proposal rows refused at import
(:class:`public.models.RefusedProposal`, by the NIK's keyed hash). Both are read by a single
``UNION ALL`` statement whatever the outcome, so a check costs the same query (and, on
PostgreSQL, the same prepared statement and round trip) for an owner, a refused proposal,
wrong digits and an unknown NIK. The page runs it with its log INSERT:
:func:`public.services.status_check`.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from aid.models import (
    REASON_ADVICE,
    Disbursement,
    Program,
    ProposalList,
    Reason,
    RegistryConflict,
    RetransferItem,
    Status,
)
from privacy.masking import mask_name
from proposers.models import Proposer
from public.models import RefusedProposal
from registry.identifiers import PHONE_MATCH_DIGITS
from registry.models import Bank, Owner, Region
from umkm_portal.postgresql.prepared import execute_prepared

# --- The owner's applications ---------------------------------------------------------------

# The steps an owner sees dated on the status page, in the order they happen.
OWNER_STEPS = [
    Status.PROPOSED,
    Status.VERIFIED,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.TRANSFERRED,
    Status.TRANSFER_FAILED,
    Status.WITHDRAWN,
    Status.RETURNED,
    Status.REJECTED,
]


@dataclass(frozen=True, slots=True)
class OwnerApplicationStatus:
    """What the public status page may show about one application: nothing identifying."""

    program_name: str
    program_amount: int
    status: str
    status_label: str
    steps: list[tuple[str, datetime.datetime]]  # (label, when) of each step reached
    reason_label: str = ""
    reason_advice: str = ""
    transferred_at: datetime.datetime | None = None
    bank_name: str = ""
    account_last4: str = ""
    withdrawal_deadline: datetime.datetime | None = None
    withdrawn_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    # A failed transfer put in a re-transfer export for the bank: when, and to which account.
    resent_at: datetime.datetime | None = None
    resent_bank_name: str = ""
    resent_account_last4: str = ""


@dataclass(frozen=True, slots=True)
class OwnerStatus:
    masked_name: str
    applications: list[OwnerApplicationStatus]
    # The registered owner: what follows the check (a pengaduan) uses the phone on record.
    owner_id: int | None = None
    # Found by the digits a list proposed the NIK with (issue 24.3), not the owner's own.
    by_list_phone: bool = False


_STEP_FIELDS = {status: f"applications__{status}_at" for status in OWNER_STEPS}
_DATETIMES = frozenset({*OWNER_STEPS, "paid_at", "resent_at"})


def _resent(column: str, value):
    """``value`` of the latest re-transfer export of a failed transfer whose account no
    transfer has failed on since (the money is on its way again, as the owner's message
    said), or NULL; read only for an application whose transfer failed. Compared by bank and
    number, as the re-transfer queue is (aid.selectors.ready_to_transfer_again): the bank's
    date of a failure says nothing reliable against the export's."""
    failed_on_it = Disbursement.objects.filter(
        application_id=OuterRef("application_id"),
        outcome=Disbursement.Outcome.FAILED,
        bank_code=OuterRef("bank_code"),
        account_number=OuterRef("account_number"),
    )
    pending = (
        RetransferItem.objects.filter(application_id=OuterRef("applications__id"))
        .exclude(Exists(failed_on_it))
        .annotate(**{column: value})
        .order_by("-batch_id", "-pk")
        .values(column)[:1]
    )
    return Case(When(applications__status=Status.TRANSFER_FAILED, then=Subquery(pending)))


def _status_lookup_queryset(nik: str):
    return (
        Owner.objects.filter(nik=nik)
        .annotate(
            paid=FilteredRelation(
                "applications__disbursements",
                condition=Q(applications__disbursements__outcome=Disbursement.Outcome.SUCCESS),
            ),
        )
        .values(
            "full_name",
            owner_id=F("id"),
            application_id=F("applications__id"),
            program_id=F("applications__program_id"),
            program_name=F("applications__program__name"),
            program_amount=F("applications__program__amount"),
            withdrawal_days=F("applications__program__withdrawal_days"),
            status=F("applications__status"),
            reason_code=F("applications__reason_code"),
            paid_at=F("paid__transferred_at"),
            **{status: F(field) for status, field in _STEP_FIELDS.items()},
            phone_last4=Right("phone", PHONE_MATCH_DIGITS),
            # A proposed phone the Verifikator judged wrong (the registry's kept over the
            # list's differing phone) no longer finds the application.
            proposed_last4=Case(
                When(
                    applications__registry_conflict__decision=(
                        RegistryConflict.Decision.KEEP_REGISTRY
                    ),
                    applications__registry_conflict__phone_differs=True,
                    then=Value(None, output_field=CharField()),
                ),
                default=Right("applications__proposed_phone", PHONE_MATCH_DIGITS),
            ),
            # The name the list gave, when it differed from the registry's (issue 24.3).
            list_name=F("applications__registry_conflict__list_name"),
            account_last4=Right("paid__account_number", 4),
            bank_name=Subquery(
                Bank.objects.filter(code=OuterRef("paid__bank_code"))
                .order_by()
                .values("short_name")[:1]
            ),
            resent_at=_resent("resent_at", F("batch__created_at")),
            resent_last4=_resent("resent_last4", Right("account_number", 4)),
            resent_bank_name=_resent(
                "resent_bank_name",
                Subquery(
                    Bank.objects.filter(code=OuterRef("bank_code"))
                    .order_by()
                    .values("short_name")[:1]
                ),
            ),
        )
        .order_by(F("applications__program__starts_on").desc(nulls_last=True), "-applications__id")
    )


_NIK_PLACEHOLDER = "NIK-PLACEHOLDER"


@cache
def _status_lookup_sql(vendor: str) -> tuple[str, tuple, int, tuple[str, ...]]:
    """The lookup compiled once per process: building it through the ORM costs more CPU than
    the database spends answering it. Returns SQL, parameters, the NIK's position among
    them, and the column names."""
    queryset = _status_lookup_queryset(_NIK_PLACEHOLDER)
    sql, params = queryset.query.sql_with_params()
    columns = (*queryset.query.values_select, *queryset.query.annotation_select)
    return sql, tuple(params), params.index(_NIK_PLACEHOLDER), columns


def _aware(value):
    # SQLite hands back naive UTC datetimes (or text) where PostgreSQL gives aware ones.
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def status_lookup(*, nik: str, phone_last4: str) -> OwnerStatus | None:
    """The owner's applications when ``nik`` exists and its phone ends in ``phone_last4``, or
    those of its applications proposed with a phone ending in those digits.

    One query: the owner by NIK (unique index), each application (index on owner), its
    program, its successful disbursement (partial unique index) and that bank's name. Only
    the last four digits of the phone and account leave the database, and the name leaves
    this function masked. Returns None alike for an unknown NIK, an owner without a phone
    and wrong digits, so callers cannot tell them apart.

    Per program the live application is shown, or the latest rejected one when none is live.
    On PostgreSQL the statement is prepared once per connection (parsing and planning it cost
    several times what running it does). The public page runs it together with its log
    INSERT: :func:`public.services.status_check`.
    """
    sql, params, columns = status_lookup_statement(nik)
    with connection.cursor() as cursor:
        execute_prepared(cursor, "status_lookup", sql, params)
        rows = cursor.fetchall()
    return owner_status(rows, columns, phone_last4)


def status_lookup_statement(nik: str) -> tuple[str, tuple, tuple[str, ...]]:
    """SQL (``%s`` placeholders), parameters and column names of the lookup for ``nik``."""
    sql, params, nik_at, columns = _status_lookup_sql(connection.vendor)
    return sql, (*params[:nik_at], nik, *params[nik_at + 1 :]), columns


def owner_status(rows: list[tuple], columns: tuple[str, ...], phone_last4: str):
    """The :class:`OwnerStatus` of the lookup's ``rows``, or None unless they hold an owner
    whose phone ends in ``phone_last4`` (then every application is shown) or applications
    proposed with a phone ending in those digits (then only those: a list that proposed this
    NIK with its own phone, issue 24.3, learns nothing of the owner's other applications)."""
    rows = [dict(zip(columns, row, strict=True)) for row in rows]
    stored = rows[0]["phone_last4"] if rows else None
    # Compare even when nothing was found, in constant time, so that an unknown NIK and wrong
    # digits cost the same; every application's proposed phone is compared too.
    matches = hmac.compare_digest((stored or "\x00" * 4).encode(), phone_last4.encode())
    proposed = [
        hmac.compare_digest((row["proposed_last4"] or "\x00" * 4).encode(), phone_last4.encode())
        for row in rows or [{"proposed_last4": None}]
    ]
    if not rows:
        return None
    name = rows[0]["full_name"]
    if stored and matches:
        shown = rows
    else:
        shown = [
            row
            for row, match in zip(rows, proposed, strict=True)
            if match and row["proposed_last4"] and row["application_id"] is not None
        ]
    if not shown:
        return None
    if shown is not rows:
        # Found by a list's phone: the name that list gave, not the registry's.
        name = next((row["list_name"] for row in shown if row["list_name"]), name)

    chosen: dict[int, dict] = {}
    for row in shown:
        if row["application_id"] is None:
            continue
        current = chosen.get(row["program_id"])
        if current is None or (
            current["status"] == Status.REJECTED and row["status"] != Status.REJECTED
        ):
            chosen[row["program_id"]] = row
    return OwnerStatus(
        masked_name=mask_name(name),
        # The pengaduan may use the registry's phone only when the owner's own digits found
        # the owner; found by a list's phone, the registry's number is not this person's.
        owner_id=rows[0]["owner_id"] if shown is rows else None,
        by_list_phone=shown is not rows,
        applications=[_application_status(row) for row in chosen.values()],
    )


def _application_status(row: dict) -> OwnerApplicationStatus:
    row = {key: _aware(value) if key in _DATETIMES else value for key, value in row.items()}
    status = Status(row["status"])
    transferred_at = row["paid_at"] or row[Status.TRANSFERRED]
    reason = Reason(row["reason_code"]) if row["reason_code"] in Reason.values else None
    shows_reason = status in (Status.REJECTED, Status.TRANSFER_FAILED) and reason is not None
    return OwnerApplicationStatus(
        program_name=row["program_name"],
        program_amount=row["program_amount"],
        status=status.value,
        # Labels as text in the reader's language now: a page renders each several times,
        # and a lazy label is translated again on every use.
        status_label=str(status.label),
        steps=[(str(s.label), row[s]) for s in OWNER_STEPS if row[s] is not None]
        + ([(_("Dikirim ulang ke bank"), row["resent_at"])] if row["resent_at"] else []),
        reason_label=str(reason.label) if shows_reason else "",
        reason_advice=str(REASON_ADVICE.get(reason, "")) if shows_reason else "",
        transferred_at=transferred_at,
        bank_name=row["bank_name"] or "",
        account_last4=row["account_last4"] or "",
        withdrawal_deadline=(
            transferred_at + datetime.timedelta(days=row["withdrawal_days"])
            if transferred_at
            else None
        ),
        withdrawn_at=row[Status.WITHDRAWN],
        returned_at=row[Status.RETURNED],
        resent_at=row["resent_at"],
        resent_bank_name=row["resent_bank_name"] or "",
        resent_account_last4=row["resent_last4"] or "",
    )


# --- Refused proposals ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused proposal as the owner may see it: who sent it, when, why, where to go."""

    proposer_name: str
    proposer_kind: str
    kelurahan_name: str
    # Where the owner should go: the office of the row's kelurahan (the list's proposer
    # when the row named none); the contact details below are that office's.
    office_name: str
    office_kind: str
    contact_name: str
    contact_phone: str
    address: str
    opening_hours: str
    proposed_on: datetime.date
    reason_code: str
    reason_label: str
    reason_advice: str
    message: str
    program_name: str = ""


@dataclass(frozen=True, slots=True)
class RefusedStatus:
    refusals: list[Refusal]


REFUSED_COLUMNS = (
    "phone_last4",
    "proposed_on",
    "reason_code",
    "message",
    "proposer_name",
    "proposer_kind",
    "contact_name",
    "contact_phone",
    "address",
    "opening_hours",
    "kelurahan_name",
    "row_kelurahan",
    "office_name",
    "office_contact_name",
    "office_phone",
    "office_address",
    "office_opening_hours",
    "program_name",
)


@cache
def _refused_sql(vendor: str, owner_columns: int) -> str:
    quote = connection.ops.quote_name
    refused, proposer, region = RefusedProposal._meta, Proposer._meta, Region._meta
    owner, proposal_list, program = Owner._meta, ProposalList._meta, Program._meta

    def r(name):
        return f"r.{quote(refused.get_field(name).column)}"

    def p(name, alias="p"):
        return f"{alias}.{quote(proposer.get_field(name).column)}"

    region_name = quote(region.get_field("name").column)
    values = [
        r("phone_last4"),
        r("proposed_on"),
        r("reason_code"),
        r("message"),
        f"COALESCE({p('name')}, {r('proposer_name')})",
        p("kind"),
        p("contact_name"),
        p("phone"),
        p("address"),
        p("opening_hours"),
        f"k.{region_name}",
        f"rk.{region_name}",
        p("name", "o"),
        p("contact_name", "o"),
        p("phone", "o"),
        p("address", "o"),
        p("opening_hours", "o"),
        f"g.{quote(program.get_field('name').column)}",
    ]
    nulls = ", ".join(["NULL"] * owner_columns)
    # The office of the row's kelurahan: the first active kelurahan office registered for it.
    office = (
        f"SELECT MIN(x.{quote('id')}) FROM {quote(proposer.db_table)} x "
        f"WHERE {p('kind', 'x')} = '{Proposer.Kind.KELURAHAN.value}' AND {p('is_active', 'x')} "
        f"AND {p('kelurahan', 'x')} = {r('kelurahan')}"
    )
    return (
        f"SELECT 'r', {nulls}, {', '.join(values)} "
        f"FROM {quote(refused.db_table)} r "
        f"LEFT JOIN {quote(proposer.db_table)} p ON p.{quote('id')} = {r('proposer')} "
        f"LEFT JOIN {quote(region.db_table)} k ON k.{quote('id')} = {p('kelurahan')} "
        f"LEFT JOIN {quote(region.db_table)} rk ON rk.{quote('id')} = {r('kelurahan')} "
        f"LEFT JOIN {quote(proposer.db_table)} o ON o.{quote('id')} = ({office}) "
        # The program the refused proposal was for, named on its card.
        f"LEFT JOIN {quote(proposal_list.db_table)} l ON l.{quote('id')} = {r('proposal_list')} "
        f"LEFT JOIN {quote(program.db_table)} g "
        f"ON g.{quote('id')} = l.{quote(proposal_list.get_field('program').column)} "
        f"WHERE {r('nik_hash')} = %s AND NOT EXISTS (SELECT 1 FROM {quote(owner.db_table)} "
        f"WHERE {quote(owner.get_field('nik').column)} = %s)"
    )


# --- The page's one statement ----------------------------------------------------------------


def status_statement(nik: str, nik_hash: str) -> tuple[str, tuple, tuple[str, ...]]:
    """SQL, parameters and owner columns of the page's lookup: the owner's rows
    (:func:`status_lookup_statement`) then, only when no owner has this NIK,
    the refused proposals with its hash. Each row starts with its source, ``o`` or ``r``."""
    owner_sql, owner_params, columns = status_lookup_statement(nik)
    nulls = ", ".join(f"NULL AS r_{name}" for name in REFUSED_COLUMNS)
    sql = (
        f"SELECT 'o' AS src, o.*, {nulls} FROM ({owner_sql}) o "
        f"UNION ALL {_refused_sql(connection.vendor, len(columns))}"
    )
    return sql, (*owner_params, nik_hash, nik), columns


def status_answer(
    rows: list[tuple], columns: tuple[str, ...], phone_last4: str
) -> OwnerStatus | RefusedStatus | None:
    """What the page shows for the lookup's ``rows``: the owner's status, the refused
    proposals whose phone ends in ``phone_last4``, or None alike for wrong digits, a refused
    row without a phone (never recorded) and an unknown NIK."""
    width = len(columns)
    owner_rows = [row[1 : 1 + width] for row in rows if row[0] == "o"]
    refused_rows = [
        dict(zip(REFUSED_COLUMNS, row[1 + width :], strict=True)) for row in rows if row[0] == "r"
    ]
    if owner_rows or not refused_rows:
        return owner_status(owner_rows, columns, phone_last4)
    # Every row compared, in constant time, whether or not an earlier one matched.
    matches = [
        hmac.compare_digest((row["phone_last4"] or "\x00" * 4).encode(), phone_last4.encode())
        for row in refused_rows
    ]
    refusals = [_refusal(row) for row, match in zip(refused_rows, matches, strict=True) if match]
    if not refusals:
        return None
    refusals.sort(key=lambda refusal: refusal.proposed_on, reverse=True)
    return RefusedStatus(refusals=refusals)


def _refusal(row: dict) -> Refusal:
    proposed_on = row["proposed_on"]
    if isinstance(proposed_on, str):
        proposed_on = parse_date(proposed_on[:10])
    reason = Reason(row["reason_code"]) if row["reason_code"] in Reason.values else Reason.OTHER
    kind = row["proposer_kind"]
    proposer_kind = str(Proposer.Kind(kind).label) if kind in Proposer.Kind.values else ""
    if row["row_kelurahan"]:
        # The row named its kelurahan: the owner goes to that kelurahan's office.
        office = {
            "kelurahan_name": row["row_kelurahan"],
            "office_name": row["office_name"]
            or _("Kantor Kelurahan %(name)s") % {"name": row["row_kelurahan"]},
            "office_kind": str(Proposer.Kind.KELURAHAN.label),
            "contact_name": row["office_contact_name"] or "",
            "contact_phone": row["office_phone"] or "",
            "address": row["office_address"] or "",
            "opening_hours": row["office_opening_hours"] or "",
        }
    else:
        office = {
            "kelurahan_name": row["kelurahan_name"] or "",
            "office_name": row["proposer_name"] or "",
            "office_kind": proposer_kind,
            "contact_name": row["contact_name"] or "",
            "contact_phone": row["contact_phone"] or "",
            "address": row["address"] or "",
            "opening_hours": row["opening_hours"] or "",
        }
    return Refusal(
        proposer_name=row["proposer_name"] or "",
        proposer_kind=proposer_kind,
        proposed_on=proposed_on,
        reason_code=reason.value,
        reason_label=str(reason.label),
        reason_advice=str(REASON_ADVICE.get(reason, "")),
        program_name=row["program_name"] or "",
        message=row["message"] or "",
        **office,
    )
