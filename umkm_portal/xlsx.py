"""A streaming XLSX writer for the portal's big spreadsheets (outcome files, submissions).

openpyxl, even in write-only mode, builds a Python cell object per value and serialises it
through its own XML layer: about a millisecond per row of 17 cells on a busy server, a minute
for a 66,000-row list. This writer emits the sheet XML directly (inline strings, one shared
style per kind of cell) into the zip as rows arrive, so memory stays flat and the same list
takes a few seconds. It writes what those files need and nothing more: one sheet, a bold
header row, column widths, frozen panes, a header filter, numbers and text cells (text
cells optionally formatted as Text, "@", so Excel keeps NIK digits, and optionally wrapped).
Values are written as given: callers pass them through
:func:`umkm_portal.spreadsheets.safe_cell` first.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

# Characters XML 1.0 cannot carry (control characters other than tab, newline, return).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Cell styles (indexes into cellXfs below).
PLAIN, BOLD, TEXT, TEXT_WRAP = 0, 1, 2, 3

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" \
applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
{sheets}
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>
</Relationships>"""

_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
{sheets}
<Relationship Id="rIdStyles" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>
</Relationships>"""
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_text(value: str) -> str:
    """``value`` as XML character data: escaped, without the characters XML 1.0 cannot carry
    (also for the other Office files the portal writes, e.g. the SPTJM)."""
    return escape(_ILLEGAL.sub("", value))


def _cell(ref: str, value, style: int) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="{PLAIN}"><v>{value}</v></c>'
    text = xml_text(str(value))
    return f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_name(name: str) -> str:
    return xml_text(re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet1")


def _small_sheet(rows: Sequence[Sequence], widths: Sequence[float]) -> str:
    """A small sheet's XML: the first row bold, long text cells wrapped."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ]
    if widths:
        parts.append("<cols>")
        parts.extend(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        parts.append("</cols>")
    parts.append("<sheetData>")
    for number, values in enumerate(rows, start=1):
        style = BOLD if number == 1 else TEXT_WRAP
        cells = "".join(
            _cell(f"{column_letter(i)}{number}", value, style)
            for i, value in enumerate(values, start=1)
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def write(
    out,
    rows: Iterable[Sequence],
    *,
    header: Sequence[str],
    sheet: str = "Sheet1",
    widths: Sequence[float] = (),
    text: bool = True,
    wrap_column: int | None = None,
    freeze: str | None = None,
    autofilter: bool = False,
    extra_sheets: Sequence[tuple[str, Sequence[Sequence], Sequence[float]]] = (),
) -> None:
    """Write one sheet to the binary file ``out``: ``header`` in bold, then ``rows``.

    ``extra_sheets`` are small sheets after it, each ``(name, rows, widths)``: the first row
    in bold, the rest as given (a summary beside a big list).

    Numbers stay numbers; other values are text cells, formatted as Text ("@") with
    ``text``; the column at index ``wrap_column`` (0-based) wraps. ``freeze`` is the first
    cell that scrolls (e.g. "B2"); ``autofilter`` puts a filter on the header row.
    """
    sheet_name = _sheet_name(sheet)
    last = column_letter(max(len(header), 1))
    numbers = range(1, len(extra_sheets) + 2)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="\n".join(_SHEET_TYPE.format(n=n) for n in numbers)),
        )
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="\n".join(_SHEET_REL.format(n=n) for n in numbers)),
        )
        archive.writestr("xl/styles.xml", _STYLES)
        defined = ""
        if autofilter:
            defined = (
                '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
                f"hidden=\"1\">'{sheet_name}'!$A$1:${last}$1</definedName></definedNames>"
            )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/>'
            + "".join(
                f'<sheet name="{_sheet_name(name)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, (name, _rows, _widths) in enumerate(extra_sheets, start=2)
            )
            + f"</sheets>{defined}</workbook>",
        )
        for n, (_name, extra_rows, extra_widths) in enumerate(extra_sheets, start=2):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", _small_sheet(extra_rows, extra_widths))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            parts = [
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            ]
            if freeze:
                column, row = re.fullmatch(r"([A-Z]+)(\d+)", freeze).groups()
                x_split = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(column))) - 1
                y_split = int(row) - 1
                pane = (
                    f'<pane xSplit="{x_split}" ySplit="{y_split}" topLeftCell="{freeze}" '
                    'activePane="bottomRight" state="frozen"/>'
                )
                parts.append(
                    f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
                )
            if widths:
                parts.append("<cols>")
                parts.extend(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                )
                parts.append("</cols>")
            parts.append('<sheetData><row r="1">')
            letters = [column_letter(i) for i in range(1, len(header) + 1)]
            parts.extend(_cell(f"{letters[i]}1", value, BOLD) for i, value in enumerate(header))
            parts.append("</row>")
            plain = TEXT if text else PLAIN
            number = 1
            for row_values in rows:
                number += 1
                while len(letters) < len(row_values):
                    letters.append(column_letter(len(letters) + 1))
                cells = [
                    _cell(
                        f"{letters[index]}{number}",
                        value,
                        TEXT_WRAP if index == wrap_column and text else plain,
                    )
                    for index, value in enumerate(row_values)
                ]
                parts.append(f'<row r="{number}">{"".join(cells)}</row>')
                if len(parts) >= 2000:
                    raw.write("".join(parts).encode("utf-8"))
                    parts = []
            parts.append("</sheetData>")
            if autofilter:
                parts.append(f'<autoFilter ref="A1:{last}1"/>')
            parts.append("</worksheet>")
            raw.write("".join(parts).encode("utf-8"))
