"""Writes of the dashboard: rebuilding its summary of applications."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from aid.models import Application, Disbursement, ImportRow, ImportStatus, Status
from aid.transitions import RECEIVED_STATUSES
from dashboard.models import (
    ApplicationSummary,
    ImportSummary,
    KelurahanSummary,
    RecipientSummary,
    SummaryRefresh,
    TransferSummary,
)
from development.models import Attendance, Participant

# Summary column ← alias in the grouped SELECT, in insert order.
_COLUMNS = {
    "program_id": "s_program",
    "proposal_list_id": "s_list",
    "kecamatan_id": "s_kecamatan",
    "status": "s_status",
    "reason_code": "s_reason",
    "proposed_on": "s_proposed",
    "applications": "s_applications",
    "transferred_amount": "s_transferred_amount",
    "withdrawn_amount": "s_withdrawn_amount",
    "returned_amount": "s_returned_amount",
}
_TRANSFER_COLUMNS = {
    "program_id": "s_program",
    "proposal_list_id": "s_list",
    "kecamatan_id": "s_kecamatan",
    "proposed_on": "s_proposed",
    "transferred_on": "s_transferred",
    "transfers": "s_transfers",
    "amount": "s_amount",
}
_IMPORT_COLUMNS = {
    "program_id": "s_program",
    "proposal_list_id": "s_list",
    "kecamatan_id": "s_kecamatan",
    "outcome": "s_outcome",
    "reason_code": "s_reason",
    "proposed_on": "s_proposed",
    "rows": "s_rows",
}
_KELURAHAN_COLUMNS = {
    "program_id": "s_program",
    "proposal_list_id": "s_list",
    "kecamatan_id": "s_kecamatan",
    "kelurahan_id": "s_kelurahan",
    "proposed_on": "s_proposed",
    "applications": "s_applications",
    "rejected": "s_rejected",
    "received": "s_received",
    "transferred_amount": "s_transferred_amount",
    "refused_at_import": "s_refused",
}
_PENDING_KEY = "dashboard:summary-refresh-pending"
# Lists whose rows the dashboard counts: checked and not cancelled.
_CHECKED_LISTS = (
    ImportStatus.STAGED,
    ImportStatus.SUBMITTED,
    ImportStatus.RETURNED,
    ImportStatus.MERGED,
)


def _grouped_applications():
    """Applications grouped by every summary dimension; dates in the site's time zone."""
    paid = Q(disbursements__outcome=Disbursement.Outcome.SUCCESS)
    zero = Value(0)
    return (
        Application.objects.annotate(paid=FilteredRelation("disbursements", condition=paid))
        .values(
            s_program=F("program_id"),
            s_list=F("proposal_list_id"),
            s_kecamatan=F("business__kecamatan_id"),
            s_status=F("status"),
            s_reason=F("reason_code"),
            s_proposed=TruncDate("proposed_at"),
        )
        .annotate(
            s_applications=Count("pk"),
            s_transferred_amount=Coalesce(Sum("paid__amount"), zero),
            s_withdrawn_amount=Coalesce(
                Sum("paid__amount", filter=Q(paid__withdrawn_at__isnull=False)), zero
            ),
            s_returned_amount=Coalesce(Sum("paid__amount", filter=Q(status=Status.RETURNED)), zero),
        )
        .order_by()
    )


def _grouped_transfers():
    """Successful transfers grouped by the filter dimensions and the day transferred."""
    return (
        Disbursement.objects.filter(outcome=Disbursement.Outcome.SUCCESS)
        .values(
            s_program=F("application__program_id"),
            s_list=F("application__proposal_list_id"),
            s_kecamatan=F("application__business__kecamatan_id"),
            s_proposed=TruncDate("application__proposed_at"),
            s_transferred=TruncDate("transferred_at"),
        )
        .annotate(s_transfers=Count("pk"), s_amount=Sum("amount"))
        .order_by()
    )


def _grouped_import_rows():
    """Rows of lists that were checked and not cancelled (staged, sent, returned or merged),
    by list, kecamatan and reason."""
    return (
        ImportRow.objects.filter(proposal_list__import_status__in=_CHECKED_LISTS)
        .values(
            s_program=F("proposal_list__program_id"),
            s_list=F("proposal_list_id"),
            s_kecamatan=F("kecamatan_id"),
            s_outcome=F("outcome"),
            s_reason=F("reason_code"),
            s_proposed=F("proposal_list__received_on"),
        )
        .annotate(s_rows=Count("pk"))
        .order_by()
    )


def _grouped_applications_per_kelurahan():
    """Applications per kelurahan of the business and the filter dimensions."""
    paid = Q(disbursements__outcome=Disbursement.Outcome.SUCCESS)
    zero = Value(0)
    return (
        Application.objects.annotate(paid=FilteredRelation("disbursements", condition=paid))
        .values(
            s_program=F("program_id"),
            s_list=F("proposal_list_id"),
            s_kecamatan=F("business__kecamatan_id"),
            s_kelurahan=F("business__kelurahan_id"),
            s_proposed=TruncDate("proposed_at"),
        )
        .annotate(
            s_applications=Count("pk"),
            s_rejected=Count("pk", filter=Q(status=Status.REJECTED)),
            s_received=Count("pk", filter=Q(status__in=RECEIVED_STATUSES)),
            s_transferred_amount=Coalesce(Sum("paid__amount"), zero),
            s_refused=zero,
        )
        .order_by()
    )


def _grouped_refusals_per_kelurahan():
    """Rows refused at import per kelurahan the row named (or was given at upload)."""
    zero = Value(0)
    return (
        ImportRow.objects.filter(
            proposal_list__import_status__in=_CHECKED_LISTS, outcome=ImportRow.Outcome.REJECTED
        )
        .values(
            s_program=F("proposal_list__program_id"),
            s_list=F("proposal_list_id"),
            s_kecamatan=F("kecamatan_id"),
            s_kelurahan=F("kelurahan_id"),
            s_proposed=F("proposal_list__received_on"),
        )
        .annotate(
            s_applications=zero,
            s_rejected=zero,
            s_received=zero,
            s_transferred_amount=zero,
            s_refused=Count("pk"),
        )
        .order_by()
    )


def _recipients():
    """Owners paid a grant, and those of them present at an activity: counted over the
    city and per kecamatan of the paid business (each owner once in each)."""
    paid = Application.objects.filter(status__in=RECEIVED_STATUSES).order_by()
    present = Exists(
        Participant.objects.filter(owner_id=OuterRef("owner_id"), attendance=Attendance.PRESENT)
    )
    counts = {
        "recipients": Count("owner_id", distinct=True),
        "coached": Count("owner_id", distinct=True, filter=present),
    }
    per_kecamatan = (
        paid.filter(business__kecamatan__isnull=False)
        .values("business__kecamatan_id")
        .annotate(**counts)
    )
    return [
        RecipientSummary(kecamatan=None, **paid.aggregate(**counts)),
        *(
            RecipientSummary(
                kecamatan_id=row["business__kecamatan_id"],
                recipients=row["recipients"],
                coached=row["coached"],
            )
            for row in per_kecamatan
        ),
    ]


def _insert(cursor, model, columns: dict[str, str], queryset) -> None:
    select_sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns.values())} FROM ({select_sql}) grouped",
        params,
    )


_SUMMARY_MODELS = (
    ApplicationSummary,
    TransferSummary,
    ImportSummary,
    KelurahanSummary,
    RecipientSummary,
)


@transaction.atomic
def _rebuild() -> SummaryRefresh:
    started = time.monotonic()
    for model in _SUMMARY_MODELS:
        model.objects.all().delete()
    with connection.cursor() as cursor:
        _insert(cursor, ApplicationSummary, _COLUMNS, _grouped_applications())
        _insert(cursor, TransferSummary, _TRANSFER_COLUMNS, _grouped_transfers())
        _insert(cursor, ImportSummary, _IMPORT_COLUMNS, _grouped_import_rows())
        _insert(cursor, KelurahanSummary, _KELURAHAN_COLUMNS, _grouped_applications_per_kelurahan())
        _insert(cursor, KelurahanSummary, _KELURAHAN_COLUMNS, _grouped_refusals_per_kelurahan())
        RecipientSummary.objects.bulk_create(_recipients())
        if connection.vendor == "postgresql":
            # The dashboard's filtered reads need statistics of the new rows (autovacuum
            # may be off, and is late after a bulk rewrite in any case).
            for model in _SUMMARY_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    totals = ApplicationSummary.objects.aggregate(
        rows=Count("pk"), applications=Coalesce(Sum("applications"), 0)
    )
    totals["rows"] += sum(model.objects.count() for model in _SUMMARY_MODELS[1:])
    SummaryRefresh.objects.all().delete()
    refresh = SummaryRefresh.objects.create(
        finished_at=timezone.now(),
        rows=totals["rows"],
        applications=totals["applications"],
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    return refresh


def _vacuum() -> None:
    """Reclaim the rows the rebuild replaced (PostgreSQL, outside any transaction only).

    Each rebuild deletes the whole previous summary; without a VACUUM those dead rows stay in
    the table and every page view reads past them.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in _SUMMARY_MODELS:
            cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")


def summary_refresh() -> SummaryRefresh:
    """Rebuild the dashboard summary from all applications and transfers.

    One transaction deletes the summary tables and refills each with one grouped query
    (``INSERT … SELECT … GROUP BY`` for the large ones); readers keep seeing the previous
    summary until it commits. Returns the record of this refresh (rows written to the
    summary tables, applications counted, duration).
    """
    refresh = _rebuild()
    _vacuum()
    cache.delete(_PENDING_KEY)
    return refresh


def summary_ensure_fresh() -> SummaryRefresh:
    """The latest summary; rebuilt now if there is none, or in the background if stale.

    A summary older than ``DASHBOARD_SUMMARY_MAX_AGE`` seconds is shown as it is (the page
    says how old it is) while one background job (``dashboard.summary_refresh``) rebuilds it.
    """
    latest = SummaryRefresh.objects.first()
    if latest is None:
        return summary_refresh()
    age = (timezone.now() - latest.finished_at).total_seconds()
    if age > settings.DASHBOARD_SUMMARY_MAX_AGE and cache.add(
        _PENDING_KEY, True, timeout=max(settings.DASHBOARD_SUMMARY_MAX_AGE, 60)
    ):
        summary_refresh_start()
        latest = SummaryRefresh.objects.first() or latest
    return latest


SUMMARY_JOB = "dashboard.summary_refresh"
SUMMARY_JOB_KEY = "summary:dashboard"


def summary_refresh_start(*, by=None):
    """Queue the rebuild of the summary as a background job (one at a time); returns
    (job, created)."""
    from jobs import services as job_services

    return job_services.start(kind=SUMMARY_JOB, key=SUMMARY_JOB_KEY, by=by)


def summary_refresh_job(job, progress) -> dict:
    """The ``dashboard.summary_refresh`` job: :func:`summary_refresh`, with its figures."""
    from django.utils.formats import number_format
    from django.utils.translation import gettext as _

    progress.phase("rebuilding")
    refresh = summary_refresh()
    progress.message = _(
        "Ringkasan dasbor dibangun ulang dari %(n)s permohonan dalam %(s)s detik."
    ) % {
        "n": number_format(refresh.applications, force_grouping=True),
        "s": number_format(refresh.duration_ms / 1000, 1),
    }
    return {
        "rows": refresh.rows,
        "applications": refresh.applications,
        "duration_ms": refresh.duration_ms,
    }
