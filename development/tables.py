"""The dashboard's pembinaan section: four tables built from :mod:`development.selectors`,
in the shared :class:`~umkm_portal.reporting.Table` form (page, CSV and XLSX alike).

Of the dashboard's filters, the kecamatan applies (the business's kecamatan); the program,
proposer and dates select applications and do not apply here. The coached recipients are
given by the dashboard, from its summary (counting paid owners live is too slow at a million
applications); the other three (:data:`LIVE_KEYS`) read the development app's small tables and
are kept in the cache only until the next pembinaan change (:func:`live_tables_changed`, called
on commit of every write that moves their figures), so the page is never more than one request
behind.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from development import selectors
from development.models import Activity, Referral, ReferralStatus
from registry.models import Region, Sex
from umkm_portal.reporting import COUNT, RUPIAH, TEXT, Column, Table, totals_row

KEYS = ("pembinaan_jangkauan", "pembinaan_penerima", "pembinaan_rujukan", "pembinaan_naik_kelas")
YEAR_KEYS = (
    "pembinaan_capaian",
    "pembinaan_per_jenis",
    "pembinaan_per_kecamatan",
    "pembinaan_per_jenis_kelamin",
)
# The tables read live (not from the dashboard's summary).
LIVE_KEYS = (KEYS[0], KEYS[2], KEYS[3])
_VERSION_KEY = "development:dashboard:version"


def reach_table(filters) -> Table:
    table = Table(
        KEYS[0],
        _("Jangkauan pembinaan per kecamatan dan bidang usaha"),
        [
            Column(_("Kecamatan usaha"), TEXT),
            Column(_("Bidang usaha"), TEXT),
            Column(_("Kegiatan"), COUNT),
            Column(_("Orang hadir"), COUNT),
        ],
    )
    for row in selectors.reach_by_kecamatan_sector(filters.kecamatan):
        table.rows.append(
            [
                row["business__kecamatan__name"] or _("Tanpa kecamatan"),
                row["business__sector"] or "–",
                row["activities"],
                row["people"],
            ]
        )
    total = totals_row(table, _("Jumlah"))
    total[2] = ""  # one activity reaches several kecamatan and sectors: no sum
    table.total = total
    return table


def recipients_table(filters, figures: dict[str, int]) -> Table:
    """``figures``: paid owners ("recipients") and how many of them attended ("coached"),
    read by the dashboard from its summary."""
    share = round(100 * figures["coached"] / figures["recipients"]) if figures["recipients"] else 0
    table = Table(
        KEYS[1],
        _("Penerima bantuan yang juga dibina"),
        [
            Column(_("Kelompok"), TEXT),
            Column(_("Penerima bantuan"), COUNT),
            Column(_("Hadir di kegiatan pembinaan"), COUNT),
            Column(_("Bagian (%)"), TEXT),
        ],
    )
    table.rows.append([_("Semua program"), figures["recipients"], figures["coached"], f"{share}%"])
    return table


def referral_table(filters) -> Table:
    table = Table(
        KEYS[2],
        _("Rujukan permodalan per status"),
        [
            Column(_("Saluran"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Rujukan"), COUNT),
            Column(_("Diajukan (Rp)"), RUPIAH),
            Column(_("Disetujui (Rp)"), RUPIAH),
        ],
    )
    figures = {
        (f["channel"], f["status"]): f for f in selectors.referrals_by_status(filters.kecamatan)
    }
    for channel in Referral.Channel:
        for status in ReferralStatus:
            f = figures.get((channel.value, status.value))
            if f:
                # Nothing approved reads "–" (None), not "Rp0".
                table.rows.append(
                    [
                        str(channel.label),
                        str(status.label),
                        f["n"],
                        f["asked"],
                        f["approved"] or None,
                    ]
                )
    table.total = totals_row(table, _("Jumlah"))
    table.total[4] = table.total[4] or None
    return table


def size_table(filters) -> Table:
    table = Table(
        KEYS[3],
        _("Usaha naik kelas per tahun"),
        [
            Column(_("Tahun"), TEXT),
            Column(_("Usaha naik kelas"), COUNT),
            Column(_("Perpindahan"), TEXT),
        ],
    )
    for year, businesses, moves in selectors.size_moves_per_year(filters.kecamatan):
        detail = "; ".join(f"{move}: {n}" for move, n in sorted(moves.items()))
        table.rows.append([str(year), businesses, detail])
    table.total = totals_row(table, _("Jumlah"))
    return table


def tables(filters, *, coached: dict[str, int]) -> list[Table]:
    """The pembinaan section's tables, in page order; ``coached`` as in
    :func:`recipients_table`."""
    return [
        reach_table(filters),
        recipients_table(filters, coached),
        referral_table(filters),
        size_table(filters),
    ]


def _year(filters) -> int:
    return getattr(filters, "year", None) or timezone.localdate().year


def live_tables(filters) -> list[Table]:
    """The tables read live, in page order: the year's targets and figures
    (:func:`year_tables`), then the three of :data:`LIVE_KEYS`."""
    return [
        *year_tables(_year(filters)),
        reach_table(filters),
        referral_table(filters),
        size_table(filters),
    ]


def _version() -> str:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(_VERSION_KEY, version, timeout=None)
    return version


def live_tables_cached(filters) -> tuple[list[Table], datetime.datetime]:
    """:func:`live_tables` and the time they were computed, kept until the next change of
    pembinaan data (:func:`live_tables_changed`) for these filters and this language."""
    kecamatan = filters.kecamatan.pk if filters.kecamatan else ""
    key = f"development:dashboard:{_version()}:{get_language() or ''}:{kecamatan}:{_year(filters)}"
    kept = cache.get(key)
    if kept is None:
        kept = (live_tables(filters), timezone.now())
        cache.set(key, kept, timeout=24 * 3600)
    return kept


def _forget() -> None:
    cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def live_tables_changed(**kwargs) -> None:
    """Pembinaan data changed: the next dashboard computes the live tables again. Called on
    commit (a rolled-back write changes nothing); a signal receiver, so it takes any
    arguments."""
    transaction.on_commit(_forget, robust=True)


# --- the year: targets, progress, and the figures of the annual performance report -------


def _share(done: int, target: int | None) -> str:
    return f"{round(100 * done / target)}%" if target else "–"


def progress_table(figures: selectors.YearFigures, target) -> Table:
    """Each indicator's target for the year, what was reached, and the share."""
    table = Table(
        YEAR_KEYS[0],
        _("Target dan capaian pembinaan %(year)s") % {"year": figures.year},
        [
            Column(_("Indikator"), TEXT),
            Column(_("Satuan"), TEXT),
            Column(_("Target"), COUNT),
            Column(_("Realisasi"), COUNT),
            Column(_("Capaian"), TEXT),
        ],
    )
    indicators = [
        (_("UMKM dibina"), _("orang"), "coached", figures.coached),
        (_("Usaha naik kelas"), _("usaha"), "naik_kelas", figures.naik_kelas),
        (_("Rujukan KUR"), _("rujukan"), "kur_referred", figures.kur_referred),
        (_("KUR cair"), _("rujukan"), "kur_disbursed", figures.kur_disbursed),
        (_("Nilai KUR cair"), _("rupiah"), "kur_disbursed_amount", figures.kur_disbursed_amount),
    ]
    for label, unit, name, done in indicators:
        goal = getattr(target, name) if target is not None else None
        table.rows.append([label, unit, "" if goal is None else goal, done, _share(done, goal)])
    # The rupiah row shows as rupiah on the page (the download keeps the number); nothing
    # disbursed reads "–", not "Rp0".
    table.row_kinds[len(table.rows) - 1] = [TEXT, TEXT, RUPIAH, RUPIAH, TEXT]
    if not table.rows[-1][3]:
        table.rows[-1][3] = None
    return table


def _kind_label(kind: str) -> str:
    if kind == selectors.VISITS:
        return _("Kunjungan pendamping")
    return str(Activity.Kind(kind).label)


def kind_table(figures: selectors.YearFigures) -> Table:
    """Per activity kind (and the pendamping's visits): activities held, owners present."""
    table = Table(
        YEAR_KEYS[1],
        _("UMKM dibina per jenis kegiatan %(year)s") % {"year": figures.year},
        [
            Column(_("Jenis kegiatan"), TEXT),
            Column(_("Kegiatan / kunjungan"), COUNT),
            Column(_("UMKM dibina"), COUNT),
            Column(_("Laki-laki"), COUNT),
            Column(_("Perempuan"), COUNT),
        ],
    )
    for kind in [*Activity.Kind.values, selectors.VISITS]:
        row = figures.by_kind.get(kind)
        if row:
            table.rows.append([_kind_label(kind), row["events"], row["people"], row["M"], row["F"]])
    # One owner may come to several kinds: the total counts each owner once.
    table.total = [
        _("Jumlah (tiap orang sekali)"),
        table.column_total(1),
        figures.coached,
        figures.coached_by_sex.get(Sex.MALE, 0),
        figures.coached_by_sex.get(Sex.FEMALE, 0),
    ]
    return table


_INDICATOR_COLUMNS = ("naik_kelas", "kur_referred", "kur_disbursed", "kur_disbursed_amount")


def _indicator_columns() -> list[Column]:
    return [
        Column(_("Usaha naik kelas"), COUNT),
        Column(_("Rujukan KUR"), COUNT),
        Column(_("KUR cair"), COUNT),
        Column(_("Nilai KUR cair (Rp)"), RUPIAH),
    ]


def _dash_for_no_rupiah(table: Table) -> Table:
    """Nothing disbursed reads "–", not "Rp0" (in the rows and the total)."""
    column = len(table.columns) - 1  # "Nilai KUR cair (Rp)", the last column
    for row in [*table.rows, table.total or []]:
        if len(row) > column and not row[column]:
            row[column] = None
    return table


def kecamatan_year_table(figures: selectors.YearFigures) -> Table:
    """Every kecamatan of the city, then businesses without one: owners coached (by the
    kecamatan of their businesses) and the indicators of businesses there."""
    table = Table(
        YEAR_KEYS[2],
        _("Capaian pembinaan per kecamatan usaha %(year)s") % {"year": figures.year},
        [
            Column(_("Kecamatan usaha"), TEXT),
            Column(_("UMKM dibina"), COUNT),
            Column(_("Laki-laki"), COUNT),
            Column(_("Perempuan"), COUNT),
            *_indicator_columns(),
        ],
    )
    names = [
        (region.pk, region.name)
        for region in Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code")
    ]
    if selectors.NO_KECAMATAN in figures.by_kecamatan:
        names.append((selectors.NO_KECAMATAN, _("Tanpa kecamatan")))
    zero = dict(selectors.ZERO_FIGURES)
    for pk, name in names:
        row = figures.by_kecamatan.get(pk, zero)
        table.rows.append(
            [
                name,
                row["coached"],
                row["M"],
                row["F"],
                *(row[column] for column in _INDICATOR_COLUMNS),
            ]
        )
    total = totals_row(table, _("Jumlah (tiap orang sekali)"))
    # An owner with businesses in two kecamatan is in both rows: the city counts them once.
    total[1:4] = [
        figures.coached,
        figures.coached_by_sex.get(Sex.MALE, 0),
        figures.coached_by_sex.get(Sex.FEMALE, 0),
    ]
    table.total = total
    return _dash_for_no_rupiah(table)


def sex_table(figures: selectors.YearFigures) -> Table:
    """Per sex of the owner (from the NIK): owners coached and the indicators."""
    table = Table(
        YEAR_KEYS[3],
        _("Capaian pembinaan per jenis kelamin pemilik %(year)s") % {"year": figures.year},
        [Column(_("Jenis kelamin"), TEXT), Column(_("UMKM dibina"), COUNT), *_indicator_columns()],
    )
    for sex in Sex:
        row = figures.by_sex.get(sex.value)
        if row is None:
            row = dict(selectors.ZERO_FIGURES)
        table.rows.append(
            [str(sex.label), row["coached"], *(row[column] for column in _INDICATOR_COLUMNS)]
        )
    table.total = totals_row(table, _("Jumlah"))
    return _dash_for_no_rupiah(table)


def year_tables(year: int) -> list[Table]:
    """The yearly figures of pembinaan, city-wide (the dashboard's kecamatan filter does not
    apply: the targets are the city's), in page order; also the sheets of the XLSX for the
    annual performance report (LKjIP / IKU)."""
    figures = selectors.yearly_figures(year)
    return [
        progress_table(figures, selectors.yearly_target(year)),
        kind_table(figures),
        kecamatan_year_table(figures),
        sex_table(figures),
    ]
