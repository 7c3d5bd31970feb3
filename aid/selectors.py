"""Reads of programs, applications and money shared by pages, imports, exports and commands.

A little over the ~500 lines modules keep to: it holds every shared read of the aid app in
sections (NIK lookups, submission rows, money per status, the status-page lookup, possible
duplicates, proposal windows, import workers). The possible-duplicate section is the first
to move to a module of its own when this grows further.
"""

from __future__ import annotations

import datetime
import hmac
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aid.models import (
    REASON_ADVICE,
    Application,
    Disbursement,
    ImportStatus,
    PossibleDuplicate,
    Program,
    ProposalList,
    Reason,
    Status,
    SubmissionBatch,
)
from privacy.masking import mask_name
from registry import selectors as registry_selectors
from registry.models import Bank, BankAccount, Owner
from umkm_portal.postgresql.prepared import execute_prepared

# Lookups by NIK are chunked so a 66,000-row file stays within every database's limit on
# query parameters (SQLite's is 32,766).
CHUNK = 5000


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_niks(niks: Iterable[str]) -> set[str]:
    """The NIKs among ``niks`` that belong to a registered owner."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(niks))):
        found.update(Owner.objects.filter(nik__in=chunk).values_list("nik", flat=True))
    return found


def live_applications_by_nik(program: Program, niks: Iterable[str]) -> dict[str, Application]:
    """Each NIK's live (not rejected) application in ``program``; there is at most one."""
    found: dict[str, Application] = {}
    for chunk in _chunks(sorted(set(niks))):
        # Owners first, by their unique NIK: a join on the NIK let SQLite's planner start from
        # the program's applications (tens of thousands) for a few thousand NIKs.
        owners = list(Owner.objects.filter(nik__in=chunk).values_list("pk", flat=True))
        for application in (
            Application.objects.filter(program=program, owner_id__in=owners)
            .exclude(status=Status.REJECTED)
            .select_related("owner")
        ):
            found[application.owner.nik] = application
    return found


def recent_proposal_lists(*, limit: int, including: str | None = None) -> list[ProposalList]:
    """The ``limit`` most recently received lists, newest first, and the list with the id
    ``including`` (a filter chosen earlier) when it is older than those."""
    lists = list(ProposalList.objects.order_by("-received_on", "-pk")[:limit])
    if including and including.isdigit() and all(str(p.pk) != including for p in lists):
        lists += ProposalList.objects.filter(pk=int(including))
    return lists


def submission_rows(batch: SubmissionBatch) -> QuerySet[Application]:
    """The applications of a submission batch with what the ministry's row format needs,
    including the owner's active bank account at the time of the export."""
    active = BankAccount.objects.filter(owner=OuterRef("owner"), is_active=True)
    return (
        Application.objects.filter(submission_batch=batch)
        .select_related(
            "owner",
            "business__kecamatan",
            "business__kelurahan",
            "proposal_list",
            "owner__kelurahan",
        )
        .annotate(
            account_bank_code=Subquery(active.values("bank__code")[:1]),
            account_bank_name=Subquery(active.values("bank__short_name")[:1]),
            account_number=Subquery(active.values("account_number")[:1]),
            account_holder=Subquery(active.values("holder_name")[:1]),
        )
        .order_by("pk")
    )


@dataclass(frozen=True, slots=True)
class MoneyLine:
    status: str
    applications: int
    amount: int


def program_money_by_status(program: Program) -> dict[str, MoneyLine]:
    """Money sent per application status, computed from the successful Disbursement rows.

    ``transferred`` is money in owners' accounts not yet withdrawn, ``withdrawn`` money the
    owners took out, ``returned`` money sent back to the treasury. Statuses with no
    successful transfer do not appear. The figures are sums of disbursements, never a count
    multiplied by the program amount, so they always agree with the transfers on record.
    """
    rows = (
        Disbursement.objects.filter(
            application__program=program, outcome=Disbursement.Outcome.SUCCESS
        )
        .values("application__status")
        .annotate(applications=Count("application", distinct=True), amount=Sum("amount"))
        .order_by("application__status")
    )
    return {
        row["application__status"]: MoneyLine(
            row["application__status"], row["applications"], row["amount"] or 0
        )
        for row in rows
    }


# --- Public status page ----------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class OwnerStatus:
    masked_name: str
    applications: list[OwnerApplicationStatus]


_STEP_FIELDS = {status: f"applications__{status}_at" for status in OWNER_STEPS}
_DATETIMES = frozenset({*OWNER_STEPS, "paid_at"})


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
            application_id=F("applications__id"),
            program_id=F("applications__program_id"),
            program_name=F("applications__program__name"),
            program_amount=F("applications__program__amount"),
            withdrawal_days=F("applications__program__withdrawal_days"),
            status=F("applications__status"),
            reason_code=F("applications__reason_code"),
            paid_at=F("paid__transferred_at"),
            **{status: F(field) for status, field in _STEP_FIELDS.items()},
            phone_last4=Right("phone", 4),
            account_last4=Right("paid__account_number", 4),
            bank_name=Subquery(
                Bank.objects.filter(code=OuterRef("paid__bank_code"))
                .order_by()
                .values("short_name")[:1]
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
    """The owner's applications when ``nik`` exists and its phone ends in ``phone_last4``.

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
    whose phone ends in ``phone_last4``."""
    rows = [dict(zip(columns, row, strict=True)) for row in rows]
    stored = rows[0]["phone_last4"] if rows else None
    # Compare even when nothing was found, in constant time, so that an unknown NIK and wrong
    # digits cost the same.
    matches = hmac.compare_digest((stored or "\x00" * 4).encode(), phone_last4.encode())
    if not rows or not stored or not matches:
        return None

    chosen: dict[int, dict] = {}
    for row in rows:
        if row["application_id"] is None:
            continue
        current = chosen.get(row["program_id"])
        if current is None or (
            current["status"] == Status.REJECTED and row["status"] != Status.REJECTED
        ):
            chosen[row["program_id"]] = row
    return OwnerStatus(
        masked_name=mask_name(rows[0]["full_name"]),
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
        steps=[(str(s.label), row[s]) for s in OWNER_STEPS if row[s] is not None],
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
    )


def open_duplicate_application_ids() -> QuerySet:
    """Ids of applications named by an undecided possible duplicate, for filtering."""
    open_flags = PossibleDuplicate.objects.filter(decision="").order_by()
    return open_flags.values("application_id").union(open_flags.values("other_id"))


def open_duplicates_of(application: Application) -> list[tuple]:
    """The undecided possible duplicates naming ``application``, each with the other
    application of the pair (owner loaded)."""
    flags = (
        PossibleDuplicate.objects.filter(decision="")
        .filter(Q(application=application) | Q(other=application))
        .select_related("application__owner", "other__owner")
        .order_by("pk")
    )
    return [
        (flag, flag.other if flag.application_id == application.pk else flag.application)
        for flag in flags
    ]


def latest_list_of(proposer, program: Program) -> ProposalList | None:
    """The proposer's newest list for the program that was checked (a resend's previous
    version); lists refused, cancelled or never checked do not count."""
    if proposer is None:
        return None
    return (
        ProposalList.objects.filter(proposer=proposer, program=program)
        .exclude(import_status__in=("", "uploaded", "processing", "refused", "cancelled", "failed"))
        .order_by("-created_at", "-pk")
        .first()
    )


def proposal_window_refusal(program: Program, proposer, *, on=None) -> str:
    """Why the proposer may not send a list for the program now (Indonesian), or ''."""
    from django.utils.dateformat import format as date_format

    today = on or timezone.localdate()
    opens, closes = program.proposals_open_on, program.proposals_close_on
    if (opens and today < opens) or (closes and today > closes):
        window = " – ".join(date_format(day, "j F Y") for day in (opens, closes) if day is not None)
        return _(
            "Usulan untuk %(program)s hanya diterima pada %(window)s. Daftar tidak disimpan."
        ) % {"program": program.name, "window": window}
    quota = program.quota_per_proposer
    if quota and proposer is not None:
        used = (
            Application.objects.filter(program=program, proposal_list__proposer=proposer)
            .exclude(status=Status.REJECTED)
            .count()
        )
        if used >= quota:
            return _(
                "Kuota %(proposer)s untuk %(program)s (%(quota)s usulan) sudah terpenuhi. "
                "Daftar tidak disimpan; hubungi Dinas bila perlu tambahan kuota."
            ) % {"proposer": proposer.name, "program": program.name, "quota": quota}
    return ""


# --- A proposal list's import: is a worker on it? ----------------------------------------
# A list still "uploaded" this long after its upload (or its last requeue) has not been
# claimed by a worker: the review page says it is waiting for the background checker.
IMPORT_UNCLAIMED_AFTER = datetime.timedelta(seconds=5)
# A list "processing" with no progress for this long has lost its worker (progress is written
# after every batch, about once a second): staff may queue it again or cancel it.
IMPORT_STUCK_AFTER = datetime.timedelta(minutes=5)


def import_waiting_for_worker(proposal_list: ProposalList, *, now=None) -> bool:
    """Uploaded, and no worker has claimed it for :data:`IMPORT_UNCLAIMED_AFTER`."""
    since = proposal_list.import_updated_at or proposal_list.created_at
    return (
        proposal_list.import_status == ImportStatus.UPLOADED
        and since is not None
        and (now or timezone.now()) - since > IMPORT_UNCLAIMED_AFTER
    )


def import_stuck(proposal_list: ProposalList, *, now=None) -> bool:
    """Processing, with no progress written for :data:`IMPORT_STUCK_AFTER`."""
    since = proposal_list.import_updated_at or proposal_list.created_at
    return (
        proposal_list.import_status == ImportStatus.PROCESSING
        and since is not None
        and (now or timezone.now()) - since > IMPORT_STUCK_AFTER
    )


# --- Possible duplicates (data ganda) ---------------------------------------------------------


def possible_duplicate_pair(flag: PossibleDuplicate) -> list[Application]:
    """The two applications of a pair, lower id first, with what the side-by-side page
    shows: owner, business and its kelurahan and kecamatan, list, active bank accounts
    (``owner.active_accounts``)."""
    applications = (
        Application.objects.filter(pk__in=[flag.application_id, flag.other_id])
        .select_related("owner", "business__kecamatan", "business__kelurahan", "proposal_list")
        .prefetch_related(
            Prefetch(
                "owner__bank_accounts",
                queryset=BankAccount.objects.filter(is_active=True).select_related("bank"),
                to_attr="active_accounts",
            )
        )
        .order_by("pk")
    )
    return list(applications)


def possible_duplicate_history(flag: PossibleDuplicate):
    """The pair's decisions and reopenings, oldest first, with who made them."""
    return flag.history.select_related("history_user", "decided_by").order_by(
        "history_date", "history_id"
    )


def possible_duplicates_matching(
    pairs: QuerySet[PossibleDuplicate],
    *,
    proposal_list_id: int | None = None,
    rule: str | None = None,
    kecamatan_id: int | None = None,
    search: str = "",
) -> QuerySet[PossibleDuplicate]:
    """``pairs`` narrowed to those with either application in the proposal list, matched by
    ``rule``, with either business in the kecamatan, or with either owner found by
    ``search``: a 16-digit NIK exactly, anything else a part of the name.

    The kecamatan is the parent of the business's kelurahan (businesses have no kecamatan
    field of their own yet).
    """
    if proposal_list_id is not None:
        pairs = pairs.filter(
            Q(application__proposal_list_id=proposal_list_id)
            | Q(other__proposal_list_id=proposal_list_id)
        )
    if rule is not None:
        # Stored as "name_birth_date,phone"; no rule name is part of another.
        pairs = pairs.filter(rules__contains=rule)
    if kecamatan_id is not None:
        pairs = pairs.filter(
            Q(application__business__kecamatan_id=kecamatan_id)
            | Q(other__business__kecamatan_id=kecamatan_id)
        )
    term = "".join(search.split()).lstrip("'")
    if term.isdigit() and len(term) == 16:
        pairs = pairs.filter(Q(application__owner__nik=term) | Q(other__owner__nik=term))
    elif name := search.strip():
        owners = registry_selectors.owner_ids_by_name(name, bound=5000)
        if owners is None:
            pairs = pairs.filter(
                Q(application__owner__full_name__icontains=name)
                | Q(other__owner__full_name__icontains=name)
            )
        else:
            pairs = pairs.filter(
                Q(application__owner_id__in=owners) | Q(other__owner_id__in=owners)
            )
    return pairs


def next_open_duplicate_id(
    ordered: QuerySet[PossibleDuplicate], *, after_id: int | None = None
) -> int | None:
    """The id of the open pair that follows ``after_id`` in ``ordered`` (a filtered, ordered
    queue), wrapping round to the start; the first open pair when ``after_id`` is None or
    not in the queue. None when no other pair is open. Reads the ids of the open pairs of
    the queue only (they are few: hundreds, not the list's thousands)."""
    ids = list(ordered.filter(Q(decision="") | Q(pk=after_id or 0)).values_list("pk", flat=True))
    if after_id in ids:
        at = ids.index(after_id)
        ids = ids[at + 1 :] + ids[:at]
    return ids[0] if ids else None


def duplicate_proposal_lists() -> list[tuple[int, str]]:
    """(id, name) of the proposal lists that have an application in a possible-duplicate
    pair, newest first: the choices of the queue's list filter."""
    pairs = PossibleDuplicate.objects.order_by()
    lists = ProposalList.objects.filter(
        Q(pk__in=pairs.values("application__proposal_list_id"))
        | Q(pk__in=pairs.values("other__proposal_list_id"))
    )
    return [(proposal_list.pk, str(proposal_list)) for proposal_list in lists.order_by("-pk")]


def account_awaits_confirmation(account: BankAccount) -> bool:
    """Whether ``account`` replaced another after the owner's application was verified and
    nobody else has confirmed it yet: money must not go there (issue 11, finding 7a)."""
    return account.confirmation_required and account.confirmed_at is None


def with_unconfirmed_account(applications: QuerySet[Application]) -> QuerySet[Application]:
    """The applications whose owner's active account awaits confirmation (as above)."""
    pending = BankAccount.objects.filter(
        owner=OuterRef("owner"),
        is_active=True,
        confirmation_required=True,
        confirmed_at__isnull=True,
    )
    return applications.filter(Exists(pending))
