"""The dashboard's tables, defined once for the page and for the CSV and XLSX downloads.

Cells hold raw values (integers, dates, text); the page formats them by column kind
(``count`` → ``3.000``, ``rupiah`` → ``Rp7.200.000.000``) and the downloads keep them as
numbers, so a spreadsheet can add them up.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aid.models import Program, ProposalList, Reason, Status
from aid.transitions import RECEIVED_STATUSES
from dashboard import selectors
from dashboard.models import SummaryRefresh
from dashboard.selectors import Filters

TEXT, COUNT, RUPIAH, DATE = "text", "count", "rupiah", "date"


@dataclass
class Column:
    label: str
    kind: str = COUNT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None

    def dataset(self) -> tablib.Dataset:
        data = tablib.Dataset(headers=[c.label for c in self.columns], title=self.key[:31])
        for row in self.rows:
            data.append(row)
        if self.total is not None:
            data.append(self.total)
        return data

    @property
    def body(self) -> list[list[tuple[str, object]]]:
        """Rows as (column kind, value) pairs, for the template to format."""
        kinds = [c.kind for c in self.columns]
        return [list(zip(kinds, row, strict=True)) for row in self.rows]

    @property
    def footer(self) -> list[tuple[str, object]] | None:
        if self.total is None:
            return None
        kinds = [TEXT] + [c.kind for c in self.columns[1:]]  # the first cell is the label
        return list(zip(kinds, self.total, strict=True))

    def column_total(self, index: int) -> int:
        return sum(row[index] or 0 for row in self.rows)


def _totals_row(table: Table, label: str) -> list:
    return [
        label if i == 0 else (table.column_total(i) if c.kind in (COUNT, RUPIAH) else "")
        for i, c in enumerate(table.columns)
    ]


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
    table.total = _totals_row(table, _("Jumlah"))
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
    total = _totals_row(table, _("Jumlah"))
    total[1] = ""  # the sum of grant sizes means nothing
    table.total = total
    return table


def rejection_table(filters: Filters) -> Table:
    table = Table(
        "penolakan",
        _("Penolakan per alasan"),
        [Column(_("Alasan"), TEXT), Column(_("Permohonan ditolak"))],
    )
    for figure in selectors.rejections_by_reason(filters):
        code = figure["reason_code"]
        label = Reason(code).label if code in Reason.values else code or _("Tanpa alasan")
        table.rows.append([str(label), figure["n_applications"]])
    table.total = _totals_row(table, _("Jumlah"))
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
    table = Table("kecamatan", _("Per kecamatan usaha"), _share_columns(_("Kecamatan")))
    figures = {f["kecamatan_id"]: f for f in selectors.by_kecamatan(filters)}
    empty = {"n_applications": 0, "n_rejected": 0, "n_received": 0, "rp_transferred": 0}
    for kecamatan in selectors.kecamatan_list():
        if filters.kecamatan is None or filters.kecamatan == kecamatan:
            table.rows.append([kecamatan.name, *_figures(figures.get(kecamatan.pk, empty))])
    if None in figures:
        table.rows.append([_("Tanpa kelurahan"), *_figures(figures[None])])
    table.total = _totals_row(table, _("Jumlah"))
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
    table.total = _totals_row(table, _("Jumlah"))
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
    table.total = _totals_row(table, _("Jumlah"))
    return table


def dashboard_tables(filters: Filters) -> dict[str, Table]:
    """All tables of the dashboard, by key, in page order."""
    programs = selectors.programs()
    figures = selectors.program_status_counts(filters)
    tables = [
        status_table(filters, figures, programs),
        money_table(filters, figures, programs),
        rejection_table(filters),
        kecamatan_table(filters),
        proposer_table(filters),
        transfer_table(filters),
    ]
    return {table.key: table for table in tables}


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
        ]
    )
    return "dashboard:tables:" + hashlib.sha1(key.encode()).hexdigest()  # any proposer name


def dashboard_tables_cached(filters: Filters, refresh: SummaryRefresh) -> dict[str, Table]:
    """:func:`dashboard_tables`, cached until the summary is rebuilt.

    The summary changes only when it is rebuilt, so the tables of one summary, one set of
    filters and one language can be kept; the next rebuild has another key.
    """
    key = _cache_key(filters, refresh)
    tables = cache.get(key)
    if tables is None:
        tables = dashboard_tables(filters)
        cache.set(key, tables, timeout=max(settings.DASHBOARD_SUMMARY_MAX_AGE * 2, 600))
    return tables


def dashboard_tables_forget(filters: Filters, refresh: SummaryRefresh) -> None:
    """Drop the cached tables of these filters (the benchmark times the computation)."""
    cache.delete(_cache_key(filters, refresh))
