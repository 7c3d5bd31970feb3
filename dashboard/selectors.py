"""Reads of the dashboard: figures from the application summary, filtered.

Every function here runs one grouped query over :class:`~dashboard.models.ApplicationSummary`
(transfers per day: :class:`~dashboard.models.TransferSummary`) and returns a few dozen rows at
most (per program, status, reason, kecamatan, proposer or day), whatever the number of
applications behind them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from aid.models import ImportRow, Program, ProposalList, Status
from aid.transitions import RECEIVED_STATUSES
from dashboard.models import (
    ApplicationSummary,
    ImportSummary,
    KelurahanSummary,
    RecipientSummary,
    TransferSummary,
)
from registry.models import Region


@dataclass(frozen=True)
class Filters:
    program: Program | None = None
    kecamatan: Region | None = None
    proposer: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    # The year of the pembinaan section's targets and yearly figures (None: this year).
    year: int | None = None


def summary_filtered(filters: Filters, model=ApplicationSummary) -> QuerySet:
    """Summary rows of the applications the filters select (date range: date proposed).

    ``model`` is any of the summary tables: each carries the same filter dimensions.
    """
    rows = model.objects.all()
    if filters.program is not None:
        rows = rows.filter(program=filters.program)
    if filters.kecamatan is not None:
        rows = rows.filter(kecamatan=filters.kecamatan)
    if filters.proposer:
        rows = rows.filter(proposal_list__proposer_name=filters.proposer)
    if filters.date_from is not None:
        rows = rows.filter(proposed_on__gte=filters.date_from)
    if filters.date_to is not None:
        rows = rows.filter(proposed_on__lte=filters.date_to)
    return rows.order_by()


_RECEIVED = Q(status__in=RECEIVED_STATUSES)
# Annotation names differ from the summary's columns: Django refuses to shadow a field.
_TOTALS = {
    "n_applications": Sum("applications"),
    "n_rejected": Sum("applications", filter=Q(status=Status.REJECTED), default=0),
    "n_received": Sum("applications", filter=_RECEIVED, default=0),
    "rp_transferred": Sum("transferred_amount"),
}


def program_status_counts(filters: Filters) -> list[dict]:
    """Per program and status: applications, and rupiah transferred, withdrawn, returned."""
    return list(
        summary_filtered(filters)
        .values("program_id", "status")
        .annotate(
            n_applications=Sum("applications"),
            rp_transferred=Sum("transferred_amount"),
            rp_withdrawn=Sum("withdrawn_amount"),
            rp_returned=Sum("returned_amount"),
        )
        .order_by("program_id", "status")
    )


def rejections_by_reason(filters: Filters) -> list[dict]:
    return list(
        summary_filtered(filters)
        .filter(status=Status.REJECTED)
        .values("reason_code")
        .annotate(n_applications=Sum("applications"))
        .order_by("-n_applications", "reason_code")
    )


def import_refusals_by_reason(filters: Filters) -> list[dict]:
    """Rows refused at import, per reason (lists checked and not cancelled)."""
    return list(
        summary_filtered(filters, ImportSummary)
        .filter(outcome=ImportRow.Outcome.REJECTED)
        .values("reason_code")
        .annotate(n_rows=Sum("rows"))
        .order_by("-n_rows", "reason_code")
    )


def import_refusals_by_kecamatan(filters: Filters) -> dict[int | None, int]:
    """Rows refused at import per kecamatan the row named (None: none or not in the city)."""
    return dict(
        summary_filtered(filters, ImportSummary)
        .filter(outcome=ImportRow.Outcome.REJECTED)
        .values("kecamatan_id")
        .annotate(n_rows=Sum("rows"))
        .values_list("kecamatan_id", "n_rows")
    )


def import_quality_by_proposer(filters: Filters) -> list[dict]:
    """Per proposer: rows sent, accepted, refused per reason, from the import summary."""
    rows = (
        summary_filtered(filters, ImportSummary)
        .values("proposal_list__proposer_name", "outcome", "reason_code")
        .annotate(n_rows=Sum("rows"))
        .order_by()
    )
    proposers: dict[str, dict] = {}
    for row in rows:
        figure = proposers.setdefault(
            row["proposal_list__proposer_name"], {"sent": 0, "accepted": 0, "reasons": {}}
        )
        figure["sent"] += row["n_rows"]
        if row["outcome"] == ImportRow.Outcome.ACCEPTED:
            figure["accepted"] += row["n_rows"]
        else:
            reasons = figure["reasons"]
            reasons[row["reason_code"]] = reasons.get(row["reason_code"], 0) + row["n_rows"]
    return [
        {"proposer": name, **figure}
        for name, figure in sorted(proposers.items(), key=lambda item: -item[1]["sent"])
    ]


def by_kecamatan(filters: Filters) -> list[dict]:
    """Per kecamatan of the business (``kecamatan_id`` None: business without kelurahan)."""
    return list(
        summary_filtered(filters)
        .values("kecamatan_id")
        .annotate(**_TOTALS)
        .order_by("kecamatan_id")
    )


def by_kelurahan(filters: Filters) -> dict[int | None, dict]:
    """Per kelurahan (None: none known): applications, rejected, received, rupiah
    transferred and rows refused at import."""
    return {
        row["kelurahan_id"]: row
        for row in summary_filtered(filters, KelurahanSummary)
        .values("kelurahan_id")
        .annotate(
            n_applications=Sum("applications"),
            n_rejected=Sum("rejected"),
            n_received=Sum("received"),
            rp_transferred=Sum("transferred_amount"),
            n_refused=Sum("refused_at_import"),
        )
    }


def kelurahan_list(kecamatan: Region | None = None) -> list[Region]:
    """The city's kelurahan (of ``kecamatan`` only, when given), by kecamatan and name."""
    rows = Region.objects.filter(level=Region.Level.KELURAHAN).select_related("parent")
    if kecamatan is not None:
        rows = rows.filter(parent=kecamatan)
    return list(rows.order_by("parent__code", "name"))


def by_proposer(filters: Filters) -> list[dict]:
    """Per proposer (name and kind of the proposal lists; None: entered by hand)."""
    return list(
        summary_filtered(filters)
        .values("proposal_list__proposer_name", "proposal_list__proposer_kind")
        .annotate(**_TOTALS)
        .order_by("-n_applications", "proposal_list__proposer_name")
    )


def transfers_per_day(filters: Filters) -> list[dict]:
    """Successful transfers per day (Asia/Jakarta) of the selected applications."""
    return list(
        summary_filtered(filters, TransferSummary)
        .values("transferred_on")
        .annotate(n_applications=Sum("transfers"), rp_transferred=Sum("amount"))
        .order_by("transferred_on")
    )


def coached_recipients(kecamatan: Region | None = None) -> dict[str, int]:
    """Owners paid a grant (any program) and how many of them attended an activity, over the
    city or for businesses in one kecamatan (from the summary, one row)."""
    row = RecipientSummary.objects.filter(kecamatan=kecamatan).first()
    return {"recipients": row.recipients if row else 0, "coached": row.coached if row else 0}


def programs() -> list[Program]:
    return list(Program.objects.order_by("starts_on", "code"))


def kecamatan_list() -> list[Region]:
    return list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code"))


def proposer_names() -> list[str]:
    return list(
        ProposalList.objects.order_by("proposer_name")
        .values_list("proposer_name", flat=True)
        .distinct()
    )
