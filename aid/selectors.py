"""Reads of programs, applications and money shared by pages, imports, exports and commands.

Sections: NIK lookups, submission rows, money per status, possible duplicates, proposal
windows, import workers. The public status page's lookup reads these models from
``public.selectors`` (aid does not import the public app).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.models import (
    Application,
    Disbursement,
    ImportStatus,
    PossibleDuplicate,
    Program,
    ProposalList,
    RegistryConflict,
    RetransferItem,
    Status,
    SubmissionBatch,
)
from registry import selectors as registry_selectors
from registry.models import Bank, BankAccount, Owner

# Lookups by NIK are chunked so a 66,000-row file stays within every database's limit on
# query parameters (SQLite's is 32,766).
CHUNK = 5000


def chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    """``values`` in slices of ``size`` (default: within every database's parameter limit)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_niks(niks: Iterable[str]) -> set[str]:
    """The NIKs among ``niks`` that belong to a registered owner."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(niks))):
        found.update(Owner.objects.filter(nik__in=chunk).values_list("nik", flat=True))
    return found


def live_applications_by_nik(program: Program, niks: Iterable[str]) -> dict[str, Application]:
    """Each NIK's live (not rejected) application in ``program``; there is at most one."""
    found: dict[str, Application] = {}
    for chunk in chunks(sorted(set(niks))):
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


def open_duplicate_application_ids() -> QuerySet:
    """Ids of applications named by an undecided possible duplicate, for filtering."""
    open_flags = PossibleDuplicate.objects.filter(decision="").order_by()
    return open_flags.values("application_id").union(open_flags.values("other_id"))


def open_conflict_application_ids() -> QuerySet:
    """Ids of applications held by an undecided conflict with the registry, for filtering."""
    return RegistryConflict.objects.filter(decision="").order_by().values("application_id")


def registry_conflict_of(application: Application) -> RegistryConflict | None:
    """The application's conflict with the registry (open or decided), if it has one."""
    return (
        RegistryConflict.objects.filter(application=application)
        .select_related("decided_by")
        .first()
    )


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


def ready_to_transfer_again() -> QuerySet[Application]:
    """Failed transfers whose owner now has an active account other than every account a
    transfer to them failed on (confirmed where a confirmation is needed): the re-transfer
    queue. Compared by bank and number, not by date: the bank's date of a failure may be
    older than the account entered to replace it, or newer."""
    failed_on_it = Disbursement.objects.filter(
        application_id=OuterRef(OuterRef("pk")),
        outcome=Disbursement.Outcome.FAILED,
        bank_code=OuterRef("bank__code"),
        account_number=OuterRef("account_number"),
    )
    other_account = (
        BankAccount.objects.filter(owner_id=OuterRef("owner_id"), is_active=True)
        .exclude(confirmation_required=True, confirmed_at__isnull=True)
        .exclude(Exists(failed_on_it))
    )
    return Application.objects.filter(status=Status.TRANSFER_FAILED).filter(Exists(other_account))


def retransfer_candidates(program: Program) -> QuerySet[Application]:
    """The re-transfer queue of ``program`` (:func:`ready_to_transfer_again`)."""
    return ready_to_transfer_again().filter(program=program)


def already_sent_again(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Those of ``applications`` already in a re-transfer export to the owner's current
    active account (same bank and number): sending them again is a repeat."""
    sent = RetransferItem.objects.filter(
        application_id=OuterRef("pk"),
        bank_code=OuterRef("active_bank_code"),
        account_number=OuterRef("active_account_number"),
    )
    active = BankAccount.objects.filter(owner=OuterRef("owner_id"), is_active=True)
    return applications.annotate(
        active_bank_code=Subquery(active.values("bank__code")[:1]),
        active_account_number=Subquery(active.values("account_number")[:1]),
    ).filter(Exists(sent))


def retransfer_rows(batch):
    """The applications of a re-transfer export, one row each in the bank's order: the
    account as recorded on the export, the program's amount, the reference of the last
    failed transfer (the bank finds its own record by it)."""
    last_failure = Disbursement.objects.filter(
        application_id=OuterRef("application_id"), outcome=Disbursement.Outcome.FAILED
    ).order_by("-transferred_at", "-pk")
    return (
        RetransferItem.objects.filter(batch=batch)
        .annotate(
            bank_name=Subquery(
                Bank.objects.filter(code=OuterRef("bank_code")).values("short_name")[:1]
            ),
            failed_reference=Subquery(last_failure.values("bank_reference")[:1]),
        )
        .order_by("application_id")
    )
