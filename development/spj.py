"""Paperwork for the SPJ (surat pertanggungjawaban) the finance office files for an activity.

:func:`attendance_sheet_xlsx`: the daftar hadir to print and sign: the dinas's letterhead
(settings ``LETTERHEAD_*``), the activity's header (kind and topic, dates, place, organiser,
facilitator), one numbered row per registered participant (name, business, kelurahan, phone
masked) with a signature column in the usual zig-zag, and the "Mengetahui" block. No NIK is
printed: the sheet travels on paper.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import formats, translation
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
    organiser = activity.organiser.name if activity.organiser_id else settings.LETTERHEAD_OFFICE
    place = ", ".join(
        filter(None, [activity.venue, activity.kecamatan.name if activity.kecamatan_id else ""])
    )
    for label, value in (
        (_("Kegiatan"), safe_cell(f"{activity.get_kind_display()}: {activity.topic}")),
        (_("Hari, tanggal"), activity_dates(activity)),
        (_("Tempat"), place or "-"),
        (_("Penyelenggara"), organiser),
        (_("Fasilitator / narasumber"), activity.facilitator or "-"),
    ):
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
