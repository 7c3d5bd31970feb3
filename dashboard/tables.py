"""The dashboard's tables, defined once for the page and for the CSV and XLSX downloads
(the :class:`~umkm_portal.reporting.Table` form, shared with the pembinaan section).

Cells hold raw values (integers, dates, text); the page formats them by column kind
(``count`` → ``3.000``, ``rupiah`` → ``Rp7.200.000.000``) and the downloads keep them as
numbers, so a spreadsheet can add them up.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aid.models import Program, ProposalList, Reason, Status
from aid.money import thousands
from aid.transitions import RECEIVED_STATUSES
from dashboard import selectors
from dashboard.models import SummaryRefresh
from dashboard.selectors import Filters
from umkm_portal.reporting import DATE, RUPIAH, TEXT, Column, Table, totals_row


def status_table(filters: Filters, figures: list[dict], programs: list[Program]) -> Table:
    """Applications per status (rows) and program (columns)."""
    shown = [p for p in programs if any(f["program_id"] == p.pk for f in figures)]
    columns = [Column(_("Status"), TEXT)] + [Column(p.name) for p in shown]
    if len(shown) > 1:
        columns.append(Column(_("Jumlah")))
    counts = {(f["program_id"], f["status"]): f["n_applications"] for f in figures}
    table = Table("status", _("Permohonan per status"), columns)
    for status in Status:
        cells = [counts.get((p.pk, status.value), 0) for p in shown]
        if len(shown) > 1:
            cells.append(sum(cells))
        table.rows.append([str(status.label), *cells])
    table.total = totals_row(table, _("Jumlah"))
    return table


def money_table(filters: Filters, figures: list[dict], programs: list[Program]) -> Table:
    """Per program: recipients and rupiah transferred, withdrawn and returned to the state."""
    table = Table(
        "dana",
        _("Dana bantuan per program"),
        [
            Column(_("Program"), TEXT),
            Column(_("Nilai bantuan (Rp)"), RUPIAH),
            Column(_("Penerima (ditransfer)")),
            Column(_("Ditransfer (Rp)"), RUPIAH),
            Column(_("Dicairkan (orang)")),
            Column(_("Dicairkan (Rp)"), RUPIAH),
            Column(_("Dikembalikan ke kas negara (Rp)"), RUPIAH),
        ],
    )
    for program in programs:
        mine = [f for f in figures if f["program_id"] == program.pk]
        if not mine:
            continue
        table.rows.append(
            [
                program.name,
                program.amount,
                sum(f["n_applications"] for f in mine if f["status"] in RECEIVED_STATUSES),
                sum(f["rp_transferred"] for f in mine),
                sum(f["n_applications"] for f in mine if f["status"] == Status.WITHDRAWN),
                sum(f["rp_withdrawn"] for f in mine),
                sum(f["rp_returned"] for f in mine),
            ]
        )
    total = totals_row(table, _("Jumlah"))
    total[1] = ""  # the sum of grant sizes means nothing
    table.total = total
    return table


def _reason_label(code: str) -> str:
    return str(Reason(code).label if code in Reason.values else code or _("Tanpa alasan"))


def rejection_table(filters: Filters) -> Table:
    """Why proposals were rejected: rows refused when a list was checked (most of them: data
    ganda, data kurang lengkap) beside applications rejected after the merge."""
    table = Table(
        "penolakan",
        _("Mengapa ditolak"),
        [
            Column(_("Alasan"), TEXT),
            Column(_("Ditolak saat impor (baris)")),
            Column(_("Ditolak setelah diusulkan (permohonan)")),
            Column(_("Jumlah")),
        ],
    )
    at_import = {
        f["reason_code"]: f["n_rows"] for f in selectors.import_refusals_by_reason(filters)
    }
    later = {f["reason_code"]: f["n_applications"] for f in selectors.rejections_by_reason(filters)}
    codes = sorted(
        set(at_import) | set(later), key=lambda c: -(at_import.get(c, 0) + later.get(c, 0))
    )
    for code in codes:
        first, second = at_import.get(code, 0), later.get(code, 0)
        table.rows.append([_reason_label(code), first, second, first + second])
    table.total = totals_row(table, _("Jumlah"))
    return table


def data_quality_table(filters: Filters) -> Table:
    """Per proposer: rows sent, the share accepted and the commonest reasons for refusal, so
    the department sees which kelurahan and cooperatives need help with their lists."""
    table = Table(
        "kualitas",
        _("Kualitas data per pengusul"),
        [
            Column(_("Pengusul"), TEXT),
            Column(_("Baris dikirim")),
            Column(_("Diterima")),
            Column(_("Diterima (%)"), TEXT),
            Column(_("Alasan penolakan terbanyak"), TEXT),
        ],
    )
    for figure in selectors.import_quality_by_proposer(filters):
        top = sorted(figure["reasons"].items(), key=lambda item: -item[1])[:2]
        share = round(100 * figure["accepted"] / figure["sent"]) if figure["sent"] else 0
        table.rows.append(
            [
                figure["proposer"],
                figure["sent"],
                figure["accepted"],
                f"{share}%",
                "; ".join(f"{_reason_label(code)} ({thousands(n)})" for code, n in top) or "–",
            ]
        )
    table.total = totals_row(table, _("Jumlah"))
    return table


def _share_columns(first: str) -> list[Column]:
    return [
        Column(first, TEXT),
        Column(_("Diusulkan")),
        Column(_("Ditolak")),
        Column(_("Menerima bantuan")),
        Column(_("Ditransfer (Rp)"), RUPIAH),
    ]


def _figures(figure: dict) -> list[int]:
    return [
        figure["n_applications"],
        figure["n_rejected"],
        figure["n_received"],
        figure["rp_transferred"],
    ]


def kecamatan_table(filters: Filters) -> Table:
    """Every kecamatan of the city (zero when none applied), then businesses without one."""
    columns = _share_columns(_("Kecamatan"))
    columns.insert(1, Column(_("Ditolak saat impor")))
    table = Table("kecamatan", _("Per kecamatan usaha"), columns)
    figures = {f["kecamatan_id"]: f for f in selectors.by_kecamatan(filters)}
    refused = selectors.import_refusals_by_kecamatan(filters)
    empty = {"n_applications": 0, "n_rejected": 0, "n_received": 0, "rp_transferred": 0}
    for kecamatan in selectors.kecamatan_list():
        if filters.kecamatan is None or filters.kecamatan == kecamatan:
            table.rows.append(
                [
                    kecamatan.name,
                    refused.get(kecamatan.pk, 0),
                    *_figures(figures.get(kecamatan.pk, empty)),
                ]
            )
    if None in figures or None in refused:
        table.rows.append(
            [_("Tanpa kecamatan"), refused.get(None, 0), *_figures(figures.get(None, empty))]
        )
    table.total = totals_row(table, _("Jumlah"))
    return table


def kelurahan_table(filters: Filters) -> Table:
    """Every kelurahan of the city (of the kecamatan chosen, when one is), zero when none
    applied, then those without a known kelurahan."""
    columns = _share_columns(_("Kelurahan"))
    columns[1:1] = [Column(_("Kecamatan"), TEXT), Column(_("Ditolak saat impor"))]
    table = Table("kelurahan", _("Per kelurahan"), columns)
    figures = selectors.by_kelurahan(filters)
    empty = {"n_applications": 0, "n_rejected": 0, "n_received": 0, "rp_transferred": 0}
    for kelurahan in selectors.kelurahan_list(filters.kecamatan):
        figure = figures.get(kelurahan.pk, empty)
        table.rows.append(
            [kelurahan.name, kelurahan.parent.name, figure.get("n_refused", 0), *_figures(figure)]
        )
    if None in figures:
        figure = figures[None]
        table.rows.append([_("Tanpa kelurahan"), "", figure["n_refused"], *_figures(figure)])
    table.total = totals_row(table, _("Jumlah"))
    return table


def proposer_table(filters: Filters) -> Table:
    columns = _share_columns(_("Pengusul"))
    columns.insert(1, Column(_("Jenis pengusul"), TEXT))
    table = Table("pengusul", _("Per lembaga pengusul"), columns)
    kinds = dict(ProposalList.ProposerKind.choices)
    for figure in selectors.by_proposer(filters):
        name = figure["proposal_list__proposer_name"] or _("Input manual")
        kind = kinds.get(figure["proposal_list__proposer_kind"], "")
        table.rows.append([name, str(kind), *_figures(figure)])
    table.total = totals_row(table, _("Jumlah"))
    return table


def transfer_table(filters: Filters) -> Table:
    table = Table(
        "transfer",
        _("Transfer per hari"),
        [Column(_("Tanggal"), DATE), Column(_("Transfer")), Column(_("Nilai (Rp)"), RUPIAH)],
    )
    for figure in selectors.transfers_per_day(filters):
        day: datetime.date = figure["transferred_on"]
        table.rows.append([day, figure["n_applications"], figure["rp_transferred"]])
    table.total = totals_row(table, _("Jumlah"))
    return table


def verification_table(filters: Filters) -> Table:
    """Payment verification by sampling (payment_checks): calls made and what owners said."""
    from payment_checks.selectors import verification_rate

    table = Table(
        "verifikasi",
        _("Verifikasi pembayaran (sampel)"),
        [
            Column(_("Program"), TEXT),
            Column(_("Sampel")),
            Column(_("Sudah ditelepon")),
            Column(_("Tingkat verifikasi"), TEXT),
            Column(_("Sudah diterima")),
            Column(_("Belum diterima")),
            Column(_("Diterima, ada masalah")),
        ],
    )
    programs = [filters.program] if filters.program else selectors.programs()
    for program in programs:
        rate = verification_rate(program)
        if rate.sampled:
            table.rows.append(
                [
                    program.name,
                    rate.sampled,
                    rate.checked,
                    f"{rate.checked_share:.0%}",
                    rate.received,
                    rate.not_received,
                    rate.problem,
                ]
            )
    return table


def dashboard_tables(filters: Filters) -> dict[str, Table]:
    """All tables of the dashboard, by key, in page order."""
    programs = selectors.programs()
    figures = selectors.program_status_counts(filters)
    tables = [
        status_table(filters, figures, programs),
        money_table(filters, figures, programs),
        rejection_table(filters),
        data_quality_table(filters),
        kecamatan_table(filters),
        kelurahan_table(filters),
        proposer_table(filters),
        transfer_table(filters),
        verification_table(filters),
    ]
    tables += development_tables(filters)
    return {table.key: table for table in tables}


def development_tables(filters: Filters) -> list[Table]:
    """The pembinaan UMKM section (development app): reach, coached recipients, referrals,
    businesses moving up a size class. All but the coached recipients (which follow the
    summary) are replaced by the live ones, with the year's targets and figures, in
    :func:`dashboard_tables_cached`."""
    from development.tables import tables

    return tables(filters, coached=selectors.coached_recipients(filters.kecamatan))


def _cache_key(filters: Filters, refresh: SummaryRefresh) -> str:
    key = ":".join(
        [
            f"{refresh.pk}-{refresh.finished_at.timestamp()}",
            get_language() or "",
            str(filters.program.pk if filters.program else ""),
            str(filters.kecamatan.pk if filters.kecamatan else ""),
            filters.proposer,
            str(filters.date_from or ""),
            str(filters.date_to or ""),
            str(filters.year or timezone.localdate().year),
        ]
    )
    return "dashboard:tables:" + hashlib.sha1(key.encode()).hexdigest()  # any proposer name


def dashboard_tables_cached(filters: Filters, refresh: SummaryRefresh) -> dict[str, Table]:
    """:func:`dashboard_tables`, cached until the summary is rebuilt.

    The summary changes only when it is rebuilt, so the tables of one summary, one set of
    filters and one language can be kept; the next rebuild has another key. The pembinaan
    tables read live are not part of it: they come from
    :func:`development.tables.live_tables_cached`, recomputed after each pembinaan change.
    """
    from development.tables import live_tables_cached

    key = _cache_key(filters, refresh)
    tables = cache.get(key)
    if tables is None:
        tables = dashboard_tables(filters)
        cache.set(key, tables, timeout=max(settings.DASHBOARD_SUMMARY_MAX_AGE * 2, 600))
    live, _computed_at = live_tables_cached(filters)
    return {**tables, **{table.key: table for table in live}}


def development_live_at(filters: Filters):
    """When the dashboard's live pembinaan tables for these filters were computed."""
    from development.tables import live_tables_cached

    return live_tables_cached(filters)[1]


def dashboard_tables_forget(filters: Filters, refresh: SummaryRefresh) -> None:
    """Drop the cached tables of these filters (the benchmark times the computation)."""
    cache.delete(_cache_key(filters, refresh))
