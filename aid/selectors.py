"""Reads of programs and money shared by the admin, the imports and the exports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from aid.models import Application, Disbursement, Program, Status, SubmissionBatch
from registry.models import BankAccount, Owner

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
        for application in (
            Application.objects.filter(program=program, owner__nik__in=chunk)
            .exclude(status=Status.REJECTED)
            .select_related("owner")
        ):
            found[application.owner.nik] = application
    return found


def submission_rows(batch: SubmissionBatch) -> QuerySet[Application]:
    """The applications of a submission batch with what the ministry's row format needs,
    including the owner's active bank account at the time of the export."""
    active = BankAccount.objects.filter(owner=OuterRef("owner"), is_active=True)
    return (
        Application.objects.filter(submission_batch=batch)
        .select_related("owner", "business__kelurahan__parent", "proposal_list", "owner__kelurahan")
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
