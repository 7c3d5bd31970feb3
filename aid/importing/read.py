"""Bytes -> rows of strings, as lists really arrive.

CSV: UTF-8 with or without BOM, or Windows-1252; ``;``, ``,`` or tab, detected from the
header line. XLSX: the first sheet, streamed with openpyxl's read-only mode. Headers are
matched loosely (:mod:`.columns`), a title row above the header is skipped, blank and
whitespace-only rows are skipped (their row numbers still count, so the numbers we report are
the ones the proposer sees in Excel). The closing block a kelurahan workbook ends with (a
"JUMLAH" row, then place and date, "Mengetahui,", "Lurah …", the name, "NIP …") is recognised
and skipped, and its rows are counted (:attr:`Sheet.closing`), never refused as people. A cell that Excel stored as a number comes out as a
:class:`NumericCell`: a string that remembers it was a number, so the NIK check can refuse it
as damaged instead of turning it back into digits.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.core.files import File
from django.utils.translation import gettext as _

from aid.importing.columns import LABELS, REQUIRED_IN_HEADER, map_header
from aid.importing.guards import CSV, ListRefused

HEADER_SEARCH_ROWS = 10
_CHUNK = 1024 * 1024


class NumericCell(str):
    """A spreadsheet cell that held a number; ``number`` is the value openpyxl read."""

    number: int | float

    def __new__(cls, number: int | float) -> NumericCell:
        if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
            text = f"{number:.0f}"
        elif isinstance(number, float):
            text = f"{number:.15g}"
        else:
            text = str(number)
        cell = super().__new__(cls, text)
        cell.number = number
        return cell


@dataclass
class Sheet:
    """An opened list: its header and an iterator over ``(row_number, cells)``."""

    headers: list[str]
    mapping: dict[str, int]  # canonical column -> cell index
    rows_estimate: int
    rows: Iterator[tuple[int, list[str]]]
    # Row numbers of the closing block (total row, signature block) skipped so far.
    closing: list[int] = field(default_factory=list)


_MONTHS = (
    "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
    "|jan|feb|mar|apr|jun|jul|agu|agt|ags|sep|okt|nov|des"
)
# A cell that opens a workbook's closing block: a total row, place and date, the signatory.
_CLOSING = re.compile(
    r"^\s*(?:"
    r"(?:jumlah|total|sub\s*total|grand\s*total)\b"
    r"|(?:mengetahui|menyetujui|disetujui|diketahui)\b"
    r"|(?:lurah|camat|kepala|ketua|sekretaris|bendahara|pj\.|plt\.?|a\.\s?n\.?|a/n|an\.)\s"
    r"|nip\b"
    rf"|[a-z .'-]{{2,40}},\s*\d{{1,2}}[\s/.-]+(?:{_MONTHS}|\d{{1,2}})[\s/.-]+\d{{2,4}}\s*$"
    r")",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d")


def row_ranges(numbers: list[int]) -> str:
    """Row numbers as ranges a reader can find in the file: ``[13, 15, 16, 17]`` → "13, 15–17"."""
    spans: list[list[int]] = []
    for number in sorted(numbers):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _closing_row(cells: list[str], mapping: dict[str, int]) -> bool:
    """Whether a data row opens the closing block: no NIK-like number in the NIK column, and
    a cell reading like a total, a place and date, or a signatory ("Mengetahui,", "Lurah …",
    "NIP …")."""
    if not _after_closing(cells, mapping):
        return False
    return any(_CLOSING.match(str(cell)) for cell in cells if cell and str(cell).strip())


def _after_closing(cells: list[str], mapping: dict[str, int]) -> bool:
    """Whether a row after the closing block started is part of it: it has no NIK-like
    number (a person listed below the signatures is still read, and checked)."""
    nik_at = mapping.get("nik")
    nik = str(cells[nik_at] or "") if nik_at is not None and nik_at < len(cells) else ""
    return len(_DIGITS.findall(nik)) < 10


def _is_blank(cells: list) -> bool:
    return all(cell is None or not str(cell).strip() for cell in cells)


def _sniff_encoding(f: IO[bytes]) -> tuple[str, int]:
    """UTF-8 (BOM or not) when the whole file decodes as UTF-8, else Windows-1252.

    Reads the file once in chunks (memory stays flat) and counts its lines for the progress
    bar. Refuses a file that is neither.
    """
    f.seek(0)
    head = f.read(4)
    f.seek(0)
    lines = 0
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    while chunk := f.read(_CHUNK):
        lines += chunk.count(b"\n")
        if is_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
    f.seek(0)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
            return ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"), lines
        except UnicodeDecodeError:
            pass
    try:
        # Windows-1252 is one byte per character, so chunks decode independently.
        while chunk := f.read(_CHUNK):
            chunk.decode("cp1252")
        f.seek(0)
        return "cp1252", lines
    except UnicodeDecodeError:
        pass
    raise ListRefused(
        _(
            "Berkas tidak dapat dibaca sebagai teks. Simpan ulang dari Excel sebagai "
            '"CSV UTF-8 (Comma delimited)".'
        )
    )


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _find_header(records: Iterator[tuple[int, list[str]]]) -> tuple[list[str], dict[str, int]]:
    """The first of the first non-blank rows that names both NIK and name; refuse otherwise."""
    first: list[str] | None = None
    for seen, (_number, cells) in enumerate(records):
        mapping = map_header(cells)
        if first is None:
            first = cells
        if all(column in mapping for column in REQUIRED_IN_HEADER):
            return [str(c or "").strip() for c in cells], mapping
        if seen + 1 >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ListRefused(_("Berkas tidak berisi data. Isi daftar di bawah baris judul kolom."))
    mapping = map_header(first)
    missing = [str(LABELS[c]) for c in REQUIRED_IN_HEADER if c not in mapping]
    found = ", ".join(str(c).strip() for c in first if c and str(c).strip())[:200]
    raise ListRefused(
        _(
            "Judul kolom %(missing)s tidak ditemukan (yang ada: %(found)s). Baris pertama harus "
            "berisi judul kolom, misalnya NIK, Nama Lengkap, Alamat KTP, No HP, Nama Usaha; "
            "pakai templat yang disediakan."
        )
        % {"missing": _(" dan ").join(missing), "found": found or "-"}
    )


def _non_blank(records: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    for number, cells in records:
        if not _is_blank(cells):
            yield number, cells


def _binary(f):
    """The plain binary file under Django's File wrappers (TextIOWrapper needs one)."""
    while isinstance(f, File):
        f = f.file
    return f


def _csv_records(text: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    first_line = ""
    while line := text.readline():
        if line.strip():
            first_line = line
            break
    text.seek(0)
    reader = csv.reader(text, delimiter=_delimiter(first_line))

    def records():
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as exc:
            raise ListRefused(
                _("Baris %(row)d tidak dapat dibaca sebagai CSV (%(error)s).")
                % {"row": reader.line_num, "error": exc}
            ) from exc

    return records()


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return NumericCell(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_records(workbook) -> tuple[Iterator[tuple[int, list[str]]], int]:
    sheet = workbook.worksheets[0]
    estimate = sheet.max_row or 0

    def records():
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_cell(v) for v in values]
        except SyntaxError as exc:  # ElementTree's ParseError (and lxml's) derive from it
            # XML cannot carry a NUL or most control characters: a cell holding one makes the
            # rest of the sheet unreadable, so the list is refused here, with the row, rather
            # than failing as a system error.
            raise ListRefused(
                _(
                    "Berkas Excel rusak setelah baris %(row)d: ada karakter tak terlihat yang "
                    "tidak sah (misalnya NUL) di baris berikutnya. Hapus atau ketik ulang isi "
                    "baris itu, simpan ulang dari Excel, lalu unggah lagi."
                )
                % {"row": number}
            ) from exc

    return records(), estimate


@contextmanager
def open_records(f: IO[bytes], kind: str):
    """Open a checked upload (see :func:`guards.check_uploaded_file`) and yield
    ``(rows_estimate, records)``: the non-blank rows as ``(row_number, cells)``, streamed.

    The reader every uploaded file goes through: proposal lists (:func:`open_list`), the
    ministry's decision files and the bank's reports (:func:`aid.importing.returned_files.read_table`).
    """
    workbook = text = None
    f = _binary(f)
    try:
        if kind == CSV:
            encoding, estimate = _sniff_encoding(f)
            text = io.TextIOWrapper(f, encoding=encoding, newline="")
            records = _csv_records(text)
        else:
            import openpyxl

            f.seek(0)
            try:
                workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many kinds for a broken workbook
                raise ListRefused(
                    _("Berkas Excel tidak dapat dibuka (%(error)s). Simpan ulang dari Excel.")
                    % {"error": exc.__class__.__name__}
                ) from exc
            records, estimate = _xlsx_records(workbook)
        yield estimate, _non_blank(records)
    finally:
        if workbook is not None:
            workbook.close()
        if text is not None:
            # Hand the file back open: closing it is the caller's business.
            text.detach()


@contextmanager
def open_list(f: IO[bytes], kind: str):
    """Open a checked upload (see :func:`guards.check_upload`) and yield a :class:`Sheet`.

    Raises :class:`ListRefused` when no header row names NIK and name, or the file holds no
    data rows.
    """
    with open_records(f, kind) as (estimate, rows):
        headers, mapping = _find_header(rows)
        first = next(rows, None)
        if first is None:
            raise ListRefused(
                _("Berkas hanya berisi judul kolom. Isi daftar di bawah baris judul kolom.")
            )

        closing: list[int] = []

        def data_rows():
            for number, cells in itertools.chain([first], rows):
                opens_or_continues = (
                    _after_closing(cells, mapping) if closing else _closing_row(cells, mapping)
                )
                if opens_or_continues:
                    closing.append(number)
                else:
                    yield number, cells

        yield Sheet(
            headers=headers,
            mapping=mapping,
            rows_estimate=max(estimate - 1, 1),
            rows=data_rows(),
            closing=closing,
        )


_XLSX_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def measure(f: IO[bytes], kind: str) -> tuple[int, int]:
    """``(rows, bytes)`` a checked upload holds, without parsing it: lines of a CSV, row
    elements of every worksheet of an XLSX, and the bytes to parse (unpacked for XLSX).

    An upper bound, cheap enough to run in a request, to decide whether reading and applying
    the file belongs in the background.
    """
    f = _binary(f)
    f.seek(0)
    rows = size = 0
    try:
        if kind == CSV:
            while chunk := f.read(_CHUNK):
                rows += chunk.count(b"\n")
                size += len(chunk)
            return rows + 1, size
        with zipfile.ZipFile(f) as archive:
            for info in archive.infolist():
                size += info.file_size
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                tail = b""
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        # Matches within the carried tail were counted with the last chunk.
                        found = _XLSX_ROW.findall(tail + chunk)
                        rows += len(found) - len(_XLSX_ROW.findall(tail))
                        tail = chunk[-16:]
        return rows, size
    finally:
        f.seek(0)


def values_of(cells: list[str], mapping: dict[str, int]) -> dict[str, str]:
    """The canonical columns of one row (missing cells are empty strings)."""
    width = len(cells)
    return {column: cells[i] if i < width else "" for column, i in mapping.items()}
