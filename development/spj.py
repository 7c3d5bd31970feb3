"""Paperwork for the SPJ (surat pertanggungjawaban) the finance office files for an activity.

:func:`attendance_sheet_xlsx`: the daftar hadir to print and sign: the dinas's letterhead
(settings ``LETTERHEAD_*``), the activity's header (kind and topic, dates, place, organiser,
facilitator), one numbered row per registered participant (name, business, kelurahan, phone
masked) with a signature column in the usual zig-zag, and the "Mengetahui" block. No NIK is
printed: the sheet travels on paper.

:func:`participants_xlsx`: the participants with their NIK (masked unless the user may export
identities), attendance and test scores. :func:`activity_report_xlsx`: the report the finance
office files: the header, numbers, the summary, pre/post test scores with their averages, the
photos kept, and the "Mengetahui" block.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from development.models import Activity
from privacy.masking import mask_phone
from umkm_portal.spreadsheets import safe_cell


def _date(value, fmt: str = "l, j F Y") -> str:
    with translation.override("id"):
        return formats.date_format(value, fmt)


def activity_dates(activity: Activity) -> str:
    """ "Senin, 14 September 2026" or "Senin, 14 September 2026 s.d. Rabu, 16 September 2026"."""
    if activity.ends_on and activity.ends_on != activity.starts_on:
        return _("%(start)s s.d. %(end)s") % {
            "start": _date(activity.starts_on),
            "end": _date(activity.ends_on),
        }
    return _date(activity.starts_on)


def attendance_rows(activity: Activity) -> list[list[str]]:
    """One row per participant, by name: number, name, business, kelurahan, masked phone."""
    participants = (
        activity.participants.select_related("owner", "business", "owner__kelurahan")
        .order_by("owner__full_name", "pk")
        .only(
            "owner__full_name",
            "owner__phone",
            "owner__kelurahan__name",
            "business__name",
        )
    )
    rows = []
    for number, participant in enumerate(participants, start=1):
        owner = participant.owner
        rows.append(
            [
                number,
                # Names are typed by people, some from the public form: never a formula.
                safe_cell(owner.full_name),
                safe_cell(participant.business.name if participant.business else ""),
                owner.kelurahan.name if owner.kelurahan else "",
                mask_phone(owner.phone),
            ]
        )
    return rows


def attendance_sheet_xlsx(activity: Activity) -> bytes:
    """The daftar hadir as an XLSX, A4 portrait, fitted to the page width, its table header
    repeated on every printed page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Daftar hadir")[:31]
    widths = {"A": 5, "B": 30, "C": 24, "D": 18, "E": 15, "F": 14, "G": 14}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
    last = "G"

    def line(text: str, *, size: int = 11, is_bold: bool = False) -> None:
        sheet.append([text])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet[f"A{row}"]
        cell.font = Font(bold=is_bold, size=size)
        cell.alignment = centre

    line(settings.LETTERHEAD_GOVERNMENT, size=13, is_bold=True)
    line(settings.LETTERHEAD_OFFICE, size=13, is_bold=True)
    line(settings.LETTERHEAD_ADDRESS, size=9)
    sheet.append([])
    line(_("DAFTAR HADIR"), size=13, is_bold=True)
    sheet.append([])
    for label, value in activity_facts(activity):
        sheet.append([label, "", f": {value}"])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:B{row}")
        sheet.merge_cells(f"C{row}:{last}{row}")
    sheet.append([])
    header = [
        pgettext("row number", "No"),
        _("Nama"),
        _("Nama usaha"),
        _("Kelurahan"),
        _("No HP"),
        _("Tanda tangan"),
    ]
    sheet.append(header)
    header_row = sheet.max_row
    sheet.merge_cells(f"F{header_row}:G{header_row}")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[header_row]:
        cell.font, cell.alignment, cell.border = bold, centre, box
    for number, *values in attendance_rows(activity):
        # The usual zig-zag: odd numbers sign on the left half, even on the right.
        signature = ["", f"{number}."] if number % 2 == 0 else [f"{number}.", ""]
        sheet.append([number, *values, *signature])
        row = sheet.max_row
        sheet.row_dimensions[row].height = 28
        for cell in sheet[row]:
            cell.border = box
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.append([])
    city_and_date = f"{settings.LETTERHEAD_CITY}, {_date(activity.starts_on, 'j F Y')}"
    for text in (
        city_and_date,
        _("Mengetahui,"),
        settings.LETTERHEAD_SIGNATORY_TITLE,
        "",
        "",
        settings.LETTERHEAD_SIGNATORY_NAME or "(" + "." * 40 + ")",
        _("NIP %(nip)s") % {"nip": settings.LETTERHEAD_SIGNATORY_NIP or "." * 30},
    ):
        sheet.append(["", "", "", "", text])
        row = sheet.max_row
        sheet.merge_cells(f"E{row}:{last}{row}")
        sheet[f"E{row}"].alignment = centre
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_header(sheet, title: str, last: str) -> None:
    """The dinas's letterhead and ``title``, each line merged across to column ``last``."""
    from openpyxl.styles import Alignment, Font

    for text, size, bold in (
        (settings.LETTERHEAD_GOVERNMENT, 13, True),
        (settings.LETTERHEAD_OFFICE, 13, True),
        (settings.LETTERHEAD_ADDRESS, 9, False),
        ("", 11, False),
        (title, 13, True),
        ("", 11, False),
    ):
        sheet.append([text])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].font = Font(bold=bold, size=size)
        sheet[f"A{row}"].alignment = Alignment(horizontal="center")


def activity_facts(activity: Activity) -> list[tuple[str, str]]:
    """The activity's header lines: kind and topic, days and start time, place, organisers,
    partners, facilitator."""
    dates = activity_dates(activity)
    if activity.starts_at is not None:
        dates = _("%(dates)s, mulai pukul %(time)s WIB") % {
            "dates": dates,
            "time": f"{activity.starts_at:%H.%M}",
        }
    place = ", ".join(
        filter(None, [activity.venue, activity.kecamatan.name if activity.kecamatan_id else ""])
    )
    organisers = ", ".join(o.name for o in activity.organisers())
    return [
        (_("Kegiatan"), safe_cell(f"{activity.get_kind_display()}: {activity.topic}")),
        (_("Hari, tanggal"), dates),
        (_("Tempat"), safe_cell(place) or "-"),
        (_("Penyelenggara"), safe_cell(organisers) or settings.LETTERHEAD_OFFICE),
        (_("Mitra"), safe_cell(activity.partner_label) or "-"),
        (_("Fasilitator / narasumber"), safe_cell(activity.facilitator) or "-"),
    ]


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def participants_xlsx(activity: Activity, *, full_identity: bool) -> tuple[bytes, int]:
    """The activity's participants as a worksheet: NIK and phone in full only for a user who
    may export identities (``full_identity``), masked otherwise. Returns (content, rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from privacy.masking import mask_nik

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Peserta")[:31]
    header = [
        pgettext("row number", "No"),
        _("Nama"),
        _("NIK"),
        _("Nama usaha"),
        _("Kelurahan"),
        _("No HP"),
        _("Cara daftar"),
        _("Kehadiran"),
        _("Nilai pre-test"),
        _("Nilai post-test"),
    ]
    sheet.append([safe_cell(f"{activity.get_kind_display()}: {activity.topic}")])
    sheet.append([activity_dates(activity)])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    participants = activity.participants.select_related(
        "owner", "owner__kelurahan", "business"
    ).order_by("owner__full_name", "pk")
    rows = 0
    for rows, participant in enumerate(participants, start=1):
        owner = participant.owner
        sheet.append(
            [
                rows,
                safe_cell(owner.full_name),
                owner.nik if full_identity else mask_nik(owner.nik),
                safe_cell(participant.business.name if participant.business else ""),
                owner.kelurahan.name if owner.kelurahan else "",
                (owner.phone or "") if full_identity else mask_phone(owner.phone),
                participant.get_channel_display(),
                participant.get_attendance_display() if participant.attendance else "",
                participant.pre_test_score,
                participant.post_test_score,
            ]
        )
    for letter, width in zip("ABCDEFGHIJ", (5, 28, 20, 24, 18, 16, 24, 12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    return _save(workbook), rows


def score_summary(activity: Activity) -> dict:
    """How many took each test and the averages (one decimal; None when nobody did)."""
    from django.db.models import Avg, Count

    figures = activity.participants.aggregate(
        registered=Count("pk"),
        present=Count("pk", filter=Q(attendance="hadir")),
        pre_count=Count("pre_test_score"),
        post_count=Count("post_test_score"),
        pre_average=Avg("pre_test_score"),
        post_average=Avg("post_test_score"),
    )
    for key in ("pre_average", "post_average"):
        if figures[key] is not None:
            figures[key] = round(float(figures[key]), 1)
    return figures


def _decimal(value) -> str:
    """68.5 → "68,5" (Indonesian decimal comma); None → "-"."""
    return "-" if value is None else f"{value:.1f}".replace(".", ",")


def activity_report_xlsx(activity: Activity) -> bytes:
    """The activity's report for the finance office: letterhead, the activity's header,
    numbers of participants, the summary, each participant's pre/post test scores with the
    averages, and the list of photos kept with the report. No NIK or phone."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Laporan kegiatan")[:31]
    last = "F"
    for letter, width in zip("ABCDEF", (5, 30, 26, 14, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    _sheet_header(sheet, _("LAPORAN PELAKSANAAN KEGIATAN"), last)
    figures = score_summary(activity)
    facts = [
        *activity_facts(activity),
        (_("Peserta terdaftar"), str(figures["registered"])),
        (_("Peserta hadir"), str(figures["present"])),
    ]
    for label, value in facts:
        sheet.append([label, "", f": {value}"])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:B{row}")
        sheet.merge_cells(f"C{row}:{last}{row}")
    sheet.append([])
    sheet.append([_("Ringkasan kegiatan")])
    sheet[f"A{sheet.max_row}"].font = bold
    report = getattr(activity, "report", None)
    summary = report.summary if report else _("(belum diisi)")
    for paragraph in summary.splitlines() or [""]:
        sheet.append([safe_cell(paragraph)])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = max(15, 15 * (len(paragraph) // 90 + 1))
    sheet.append([])
    sheet.append([_("Nilai pre-test dan post-test")])
    sheet[f"A{sheet.max_row}"].font = bold
    sheet.append(
        [
            pgettext("row number", "No"),
            _("Nama"),
            _("Nama usaha"),
            _("Pre-test"),
            _("Post-test"),
            _("Kenaikan"),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font, cell.border = bold, box
    participants = activity.participants.select_related("owner", "business").order_by(
        "owner__full_name", "pk"
    )
    for number, participant in enumerate(participants, start=1):
        pre, post = participant.pre_test_score, participant.post_test_score
        sheet.append(
            [
                number,
                safe_cell(participant.owner.full_name),
                safe_cell(participant.business.name if participant.business else ""),
                pre,
                post,
                post - pre if pre is not None and post is not None else None,
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = box
    sheet.append(
        [
            "",
            _("Rata-rata"),
            "",
            _decimal(figures["pre_average"]),
            _decimal(figures["post_average"]),
            _decimal(
                None
                if figures["pre_average"] is None or figures["post_average"] is None
                else figures["post_average"] - figures["pre_average"]
            ),
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font, cell.border = bold, box
    sheet.append([])
    sheet.append([_("Dokumentasi (foto disimpan bersama laporan di portal)")])
    sheet[f"A{sheet.max_row}"].font = bold
    photos = list(activity.photos.all())
    for number, photo in enumerate(photos, start=1):
        sheet.append(
            [
                number,
                safe_cell(photo.caption) or "-",
                photo.file.name.rsplit("/", 1)[-1],
                _date(timezone.localtime(photo.uploaded_at), "j F Y"),
            ]
        )
    if not photos:
        sheet.append(["", _("(belum ada foto)")])
    sheet.append([])
    for text in (
        f"{settings.LETTERHEAD_CITY}, {_date(activity.ends_on, 'j F Y')}",
        _("Mengetahui,"),
        settings.LETTERHEAD_SIGNATORY_TITLE,
        "",
        "",
        settings.LETTERHEAD_SIGNATORY_NAME or "(" + "." * 40 + ")",
        _("NIP %(nip)s") % {"nip": settings.LETTERHEAD_SIGNATORY_NIP or "." * 30},
    ):
        sheet.append(["", "", "", text])
        row = sheet.max_row
        sheet.merge_cells(f"D{row}:{last}{row}")
        sheet[f"D{row}"].alignment = Alignment(horizontal="center")
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return _save(workbook)
