"""What staff see before confirming: counts per outcome, first problem rows, outcome files.

Everything comes straight from the staging table. Outcome files are streamed (CSV) or written
with openpyxl's write-only mode (XLSX), so a 66,000-row list does not sit in memory.

The outcome files go back to the proposer (from the workspace, or from staff who uploaded the
list for it), so they hold what a proposer may read of its rows, like the workspace's pages:
no note comparing a row with the registry, no flag or refusal naming another application
(:mod:`.row_messages`, :func:`.flags.for_proposer`). Staff read those in the admin.
"""

from __future__ import annotations

import csv
import operator
import tempfile
from collections.abc import Callable, Iterator
from functools import reduce

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from aid.importing.flags import remarks
from aid.importing.row_messages import REGISTRY_NOTES
from aid.importing.row_messages import text as row_message
from aid.models import ImportPhase, ImportRow, ImportStatus, ProposalList, Reason
from aid.money import thousands
from umkm_portal.spreadsheets import safe_cell

FIRST_PROBLEMS = 50


# Rows noted at check time as differing from the registry (aid.importing.conflicts).
REGISTRY_CONFLICT = Q(note_codes__icontains='"registry_conflict"')
# Rows with any note comparing them with the registry (staff read these; the proposer not).
REGISTRY_NOTED = reduce(
    operator.or_, (Q(note_codes__icontains=f'"{code}"') for code in sorted(REGISTRY_NOTES))
)
# Accepted rows flagged against other rows of their own list: the flags a proposer reads
# (flags naming the program's applications are the Dinas's: aid.importing.flags).
FLAGGED_IN_LIST = Q(outcome=ImportRow.Outcome.ACCEPTED, flags__icontains='"rows"')


def counts(proposal_list: ProposalList) -> dict:
    """``{"rows": N, "accepted": N, "rejected": {reason: N}, "flagged": N, "previous": N,
    "removed": N, "several": N}`` of the list (previous: accepted from an earlier version of
    a resent list; removed: taken out by the proposer; several: refused rows with another
    problem besides the one they are counted under)."""
    result = {
        "rows": 0,
        "accepted": 0,
        "rejected": {},
        "flagged": 0,
        "previous": 0,
        "removed": 0,
        "several": 0,
        "registry_conflicts": 0,
    }
    grouped = (
        ImportRow.objects.filter(proposal_list=proposal_list)
        .order_by()
        .values_list("outcome", "reason_code")
        .annotate(n=Count("id"))
    )
    for outcome, reason, n in grouped:
        result["rows"] += n
        if outcome == ImportRow.Outcome.ACCEPTED:
            result["accepted"] += n
        elif outcome in (ImportRow.Outcome.PREVIOUS, ImportRow.Outcome.REMOVED):
            result[outcome] += n
        else:
            result["rejected"][reason] = result["rejected"].get(reason, 0) + n
    # Refused rows that have another problem besides the one they are counted under.
    result["several"] = (
        ImportRow.objects.filter(proposal_list=proposal_list, outcome=ImportRow.Outcome.REJECTED)
        .exclude(other_reasons="")
        .count()
    )
    result["flagged"] = (
        ImportRow.objects.filter(proposal_list=proposal_list, outcome=ImportRow.Outcome.ACCEPTED)
        .exclude(flags=[])
        .count()
    )
    # Accepted rows whose NIK is registered with another name or phone (issue 24.3): held for
    # the Verifikator like the flagged ones, so counted beside them.
    result["registry_conflicts"] = (
        ImportRow.objects.filter(proposal_list=proposal_list, outcome=ImportRow.Outcome.ACCEPTED)
        .filter(REGISTRY_CONFLICT)
        .count()
    )
    return result


def problem_rows(proposal_list: ProposalList, *, for_proposer: bool = False):
    """Rows refused, or accepted with a possible-duplicate flag or a note comparing them with
    the registry (the proposer may have typed a wrong NIK), of the list. ``for_proposer``: the
    rows refused or flagged against its own rows only, so which rows the registry or another
    proposer's applications concern does not show by which rows are listed."""
    refused = Q(outcome=ImportRow.Outcome.REJECTED)
    rows = ImportRow.objects.filter(proposal_list=proposal_list)
    if for_proposer:
        return rows.filter(refused | FLAGGED_IN_LIST)
    accepted = Q(outcome=ImportRow.Outcome.ACCEPTED)
    return rows.filter(refused | (accepted & ~Q(flags=[])) | (accepted & REGISTRY_NOTED))


def flagged_for_proposer(proposal_list: ProposalList, only: Q | None = None) -> int:
    """Accepted rows flagged against other rows of the list (:data:`FLAGGED_IN_LIST`)."""
    return (
        ImportRow.objects.filter(FLAGGED_IN_LIST, proposal_list=proposal_list)
        .filter(only or Q())
        .count()
    )


def first_problems(proposal_list: ProposalList, limit: int = FIRST_PROBLEMS):
    """Rejected rows, then flagged ones, then those the registry notes, each in file order,
    for the staff's review page."""
    order = Case(
        When(outcome=ImportRow.Outcome.REJECTED, then=Value(0)),
        When(~Q(flags=[]), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        problem_rows(proposal_list)
        .annotate(problem_order=order)
        .only(
            "row_number",
            "nik",
            "full_name",
            "outcome",
            "reason_code",
            "message",
            "message_code",
            "message_params",
            "note",
            "note_codes",
            "flags",
        )
        .order_by("problem_order", "row_number")[:limit]
    )


def problems_by_column(import_row: ImportRow) -> dict[str, list[str]]:
    """A refused row's problems per column it concerns (canonical names), for marking the
    fields to fix in the workspace: the check run again on the row as it is now; a refusal by the list's or
    the program's rules (a NIK already proposed, received, or listed twice) marks the NIK."""
    from aid.importing.check import Context, check_row
    from aid.importing.columns import map_header
    from aid.importing.read import values_of

    if import_row.outcome != ImportRow.Outcome.REJECTED:
        return {}
    cells = [str(c) for c in import_row.raw]
    mapping = map_header(import_row.proposal_list.headers or [])
    checked = check_row(import_row.row_number, cells, values_of(cells, mapping), Context.load())
    result = {column: list(texts) for column, texts in checked.columns.items()}
    if import_row.message_code and not checked.problems:
        result.setdefault("nik", []).append(import_row.proposer_explanation)
    return result


def _header(proposal_list: ProposalList) -> list[str]:
    return [
        _("Baris"),
        *proposal_list.headers,
        _("Hasil"),
        _("Alasan"),
        _("Keterangan"),
        _("Kode alasan"),
    ]


# Rows the proposer must act on come first in the outcome file (the flags it reads).
_PROBLEMS_FIRST = Case(
    When(outcome=ImportRow.Outcome.REJECTED, then=Value(0)),
    When(FLAGGED_IN_LIST, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def outcome_rows(
    proposal_list: ProposalList, only: Q | None = None, on_row: Callable[[], None] | None = None
) -> Iterator[list]:
    """Every row as the proposer sent it, followed by its outcome and the explanation in
    Indonesian, as the proposer may read it (the module's docstring); refused rows first,
    then flagged ones, then the rest, each in file order. The reason code, for software, is
    the last column. The row number is a number. ``on_row()`` is called for each row (a
    background job counts them on its page)."""
    labels = dict(ImportRow.Outcome.choices)
    reasons = dict(Reason.choices)
    width = len(proposal_list.headers)
    yield _header(proposal_list)
    rows = (
        ImportRow.objects.filter(proposal_list=proposal_list)
        .filter(only or Q())
        .annotate(problem_order=_PROBLEMS_FIRST)
        .order_by("problem_order", "row_number")
        .values_list(
            "row_number",
            "raw",
            "outcome",
            "reason_code",
            "message",
            "message_code",
            "message_params",
            "note",
            "note_codes",
            "flags",
        )
    )
    for number, raw, outcome, reason, message, code, params, note, codes, flags in rows.iterator(
        chunk_size=2000
    ):
        message = row_message(code, params, message, for_proposer=True)
        cells = (list(raw) + [""] * width)[:width]
        if outcome == ImportRow.Outcome.REMOVED:
            # Why it was refused before its removal no longer asks anything of anyone.
            reason = message = note = ""
            flags, codes = [], []
        if on_row:
            on_row()
        yield [
            number,
            *cells,
            str(labels.get(outcome, outcome)),
            str(reasons.get(reason, "")) if reason else "",
            " ".join(filter(None, [message, remarks(note, flags, codes, proposer=True)])),
            reason,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def outcome_csv(proposal_list: ProposalList) -> Iterator[str]:
    """The outcome file as CSV text chunks: UTF-8 with BOM and ``;``, as Excel in Indonesia
    opens it directly. Cells that would be formulas are escaped (safe_cell)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    for row in outcome_rows(proposal_list):
        yield writer.writerow([safe_cell(value) for value in row])


def _write_outcome_xlsx(
    proposal_list: ProposalList,
    out,
    only: Q | None = None,
    on_row: Callable[[], None] | None = None,
) -> None:
    """The outcome file as an XLSX, written to the binary file ``out``: a bold,
    frozen header with filters, column widths to read by, the row number as a number, every
    other cell as text (NIKs and account numbers stay digits) and none a formula
    (safe_cell). Streamed (:mod:`umkm_portal.xlsx`), so memory stays flat."""
    from umkm_portal import xlsx

    rows = outcome_rows(proposal_list, only, on_row)
    header = next(rows)
    summary = (_("Ringkasan"), summary_rows(proposal_list, only), [70, 12])
    xlsx.write(
        out,
        ([row[0], *(safe_cell(value) for value in row[1:])] for row in rows),
        header=header,
        sheet=_("Hasil pemeriksaan"),
        widths=[7, *(18 for _ in proposal_list.headers), 16, 30, 60, 18],
        wrap_column=len(header) - 2,
        freeze="B2",
        autofilter=True,
        extra_sheets=[summary],
    )


# What the proposer is told of the registry, for every list alike (the module's docstring).
REGISTRY_CHECK = _lazy(
    "Setiap baris yang diterima dicocokkan lagi oleh Dinas dengan data registry; bila ada "
    "yang berbeda, Verifikator Dinas yang memeriksa. Hasil pencocokan itu tidak "
    "ditampilkan kepada pengusul."
)


def summary_rows(proposal_list: ProposalList, only: Q | None = None) -> list[list]:
    """The outcome file's summary sheet: rows per outcome and reason (each row counted
    once, under its first problem, as on the page), the total, the flagged rows, and then
    the refused rows that have another problem too, by which: what a kelurahan fixes adds
    up to what it is told."""
    labels = dict(ImportRow.Outcome.choices)
    reasons = dict(Reason.choices)
    grouped = (
        ImportRow.objects.filter(proposal_list=proposal_list)
        .filter(only or Q())
        .order_by()
        .values_list("outcome", "reason_code", "other_reasons")
        .annotate(n=Count("id"))
    )
    by_outcome: dict[str, int] = {}
    by_reason: dict[str, int] = {}
    also: dict[tuple[str, str], int] = {}
    for outcome, reason, others, n in grouped:
        if outcome == ImportRow.Outcome.REJECTED:
            by_reason[reason] = by_reason.get(reason, 0) + n
            for other in others.split():
                also[reason, other] = also.get((reason, other), 0) + n
        else:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    flagged = flagged_for_proposer(proposal_list, only)
    table = [[_("Hasil"), _("Baris")]]
    table.append([str(labels[ImportRow.Outcome.ACCEPTED]), by_outcome.get("accepted", 0)])
    for outcome in (ImportRow.Outcome.PREVIOUS, ImportRow.Outcome.REMOVED):
        if by_outcome.get(outcome.value):
            table.append([str(outcome.label), by_outcome[outcome.value]])
    for reason in Reason:
        if by_reason.get(reason.value):
            table.append([str(reason.label), by_reason[reason.value]])
    table.append([_("Jumlah baris"), sum(by_outcome.values()) + sum(by_reason.values())])
    table.append(
        [_("Diterima tetapi ditandai kemungkinan data ganda (diperiksa Verifikator)"), flagged]
    )
    table.append([str(REGISTRY_CHECK), ""])
    table.append(["", ""])
    table.append(
        [
            _(
                "Setiap baris dihitung sekali, menurut masalah pertamanya (NIK tidak valid, "
                "lalu data kurang lengkap, lalu data tidak sesuai format). Baris yang punya "
                "masalah lain juga harus diperbaiki semuanya sebelum diterima:"
            ),
            "",
        ]
    )
    if not also:
        table.append([_("Tidak ada baris dengan lebih dari satu masalah."), ""])
    for (reason, other), n in sorted(also.items(), key=lambda item: _ORDER[item[0]]):
        table.append(
            [
                _("%(first)s, juga %(other)s")
                % {
                    "first": reasons.get(reason, reason),
                    "other": str(reasons.get(other, other)).lower(),
                },
                n,
            ]
        )
    return table


# Reasons in the check's order (a row's first reason comes first).
_ORDER = {
    (reason, other): (i, j)
    for i, reason in enumerate(Reason.values)
    for j, other in enumerate(Reason.values)
}


def outcome_xlsx(
    proposal_list: ProposalList, only: Q | None = None, on_row: Callable[[], None] | None = None
):
    """The outcome file (:func:`_write_outcome_xlsx`) in a temporary file (rewound), ready
    to send back."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open; the response closes it)
    _write_outcome_xlsx(proposal_list, out, only, on_row)
    out.seek(0)
    return out


def outcome_xlsx_write(proposal_list: ProposalList, path, only: Q | None = None) -> int:
    """Write the outcome file (:func:`_write_outcome_xlsx`) to ``path`` (for a background
    job that keeps it until the list changes); returns its size in bytes."""
    with open(path, "wb") as out:
        _write_outcome_xlsx(proposal_list, out, only)
        return out.tell()


def kelurahan_of_rows(proposal_list: ProposalList) -> list[tuple[int | None, str]]:
    """The kelurahan the list's rows name (id, name), None for rows naming none."""
    from registry.models import Region

    ids = set(
        ImportRow.objects.filter(proposal_list=proposal_list)
        .order_by()
        .values_list("kelurahan_id", flat=True)
        .distinct()
    )
    names = dict(Region.objects.filter(pk__in=ids - {None}).values_list("pk", "name"))
    places = sorted((pk, names[pk]) for pk in ids if pk is not None)
    return places + ([(None, _("tanpa kelurahan"))] if None in ids else [])


def outcome_zip_by_kelurahan(proposal_list: ProposalList, on_row: Callable[[], None] | None = None):
    """One outcome XLSX per kelurahan named in the list (and one for rows naming none), in a
    ZIP in a temporary file (rewound), for a list that spans several kelurahan. ``on_row()``
    is called for each row written, across the parts."""
    import zipfile

    from django.utils.text import slugify

    out = tempfile.TemporaryFile()  # noqa: SIM115 (returned open; the response closes it)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for pk, name in kelurahan_of_rows(proposal_list):
            with outcome_xlsx(proposal_list, Q(kelurahan_id=pk), on_row) as part:
                archive.writestr(f"hasil-{proposal_list.pk}-{slugify(name)}.xlsx", part.read())
    out.seek(0)
    return out


def outcome_table(counts: dict) -> list[tuple[str, str, int]]:
    """(label, code, rows) per outcome for the review page: accepted first, then reasons."""
    table = [(str(ImportRow.Outcome.ACCEPTED.label), "accepted", counts.get("accepted", 0))]
    for outcome in (ImportRow.Outcome.PREVIOUS, ImportRow.Outcome.REMOVED):
        if counts.get(outcome.value):
            table.append((str(outcome.label), outcome.value, counts[outcome.value]))
    rejected = counts.get("rejected", {})
    for reason in Reason:
        if rejected.get(reason.value):
            table.append((str(reason.label), reason.value, rejected[reason.value]))
    return table


def progress_text(proposal_list: ProposalList) -> str:
    """The phase and the rows so far, in Indonesian: "Membaca dan memeriksa baris: 12.000 dari
    ± 66.000 baris terbaca; 11.020 lolos pemeriksaan awal, 980 bermasalah."

    Before the worker has read a row: "Menunggu pemeriksa latar belakang…".
    """
    phase = proposal_list.import_phase
    if proposal_list.import_status == ImportStatus.UPLOADED or (
        phase == ImportPhase.WAITING and not proposal_list.rows_read
    ):
        return _("Menunggu pemeriksa latar belakang…")
    if phase == ImportPhase.WAITING:
        phase = ImportPhase.READING  # progress written before phases were recorded
    label = ImportPhase(phase).label
    if phase == ImportPhase.READING and not proposal_list.rows_read:
        return _("%(phase)s…") % {"phase": capfirst(label)}
    # While checking, counts are {"accepted": n, reason: n, ...} (first-pass outcomes); once
    # staged, those of counts() above, with the refused rows under "rejected".
    so_far = proposal_list.counts or {}
    accepted = so_far.get("accepted", 0)
    problems = sum(n for key, n in so_far.items() if key in Reason.values)
    problems += sum((so_far.get("rejected") or {}).values())
    detail = _(
        "%(read)s dari ± %(total)s baris terbaca; %(accepted)s lolos pemeriksaan awal, "
        "%(problems)s bermasalah."
    ) % {
        "read": thousands(proposal_list.rows_read),
        "total": thousands(max(proposal_list.rows_total, proposal_list.rows_read)),
        "accepted": thousands(accepted),
        "problems": thousands(problems),
    }
    return _("%(phase)s: %(progress)s") % {"phase": capfirst(label), "progress": detail}
