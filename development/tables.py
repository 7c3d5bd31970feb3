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
from development.models import Referral, ReferralStatus
from umkm_portal.reporting import COUNT, RUPIAH, TEXT, Column, Table, totals_row

KEYS = ("pembinaan_jangkauan", "pembinaan_penerima", "pembinaan_rujukan", "pembinaan_naik_kelas")
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


def live_tables(filters) -> list[Table]:
    """The three tables read live (:data:`LIVE_KEYS`), in page order."""
    return [reach_table(filters), referral_table(filters), size_table(filters)]


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
    key = f"development:dashboard:{_version()}:{get_language() or ''}:{kecamatan}"
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
