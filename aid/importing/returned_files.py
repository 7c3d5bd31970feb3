"""Reading the two files that come back from outside: the ministry's decision and the bank's
transfer report.

Pure file logic, no database: bytes → rows of checked values plus the problems of each row,
in Indonesian, by row number. :func:`aid.services.decision_file_import` and
:func:`aid.services.bank_report_import` look the rows up and apply them through services.

Both files are CSV (comma, semicolon or tab, UTF-8 or Windows-1252) or XLSX (first sheet),
checked and read like proposal lists (:mod:`aid.importing.guards`, :mod:`aid.importing.read`);
the first non-empty row holds the column names, matched loosely (case, spaces, dots and
underscores ignored) against the names below. The formats are described in
docs/grant-lifecycle.md, "Files".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.importing.read import NumericCell, open_records
from registry import identifiers

# Canonical column → the names people and banks write for it (already folded by _fold).
DECISION_COLUMNS = {
    "nik": {"nik", "nonik", "nomornik", "nomorindukkependudukan", "noktp"},
    "name": {"nama", "namalengkap", "namapenerima"},
}
BANK_COLUMNS = {
    "nik": DECISION_COLUMNS["nik"],
    "account_number": {"norekening", "nomorrekening", "rekening", "norek", "rekeningtujuan"},
    "bank_code": {"kodebank"},
    "amount": {"nominal", "jumlah", "nilai", "jumlahtransfer", "amount"},
    "date": {"tanggal", "tgl", "tanggaltransfer", "waktu", "tanggaltransaksi"},
    "reference": {"referensi", "noreferensi", "nomorreferensi", "ref", "reference"},
    "status": {"status", "statustransfer", "hasil"},
    "reason": {"keterangan", "ket", "alasan", "alasangagal", "catatan"},
}
DECISION_REQUIRED = ("nik",)
BANK_REQUIRED = ("nik", "account_number", "amount", "date", "reference", "status")

# The name the forms and the downloadable templates give each column (each is one of the
# names above), the templates' example row, and the columns a template formats as Text.
LABELS = {
    "nik": "NIK",
    "name": "Nama",
    "account_number": "No Rekening",
    "bank_code": "Kode Bank",
    "amount": "Nominal",
    "date": "Tanggal",
    "reference": "Referensi",
    "status": "Status",
    "reason": "Keterangan",
}
EXAMPLE = {
    "nik": "3275014708850003",
    "name": "Siti Aminah",
    "account_number": "012301000123456",
    "bank_code": "002",
    "amount": "2400000",
    "date": "10/09/2020",
    "reference": "TRX-000001",
    "status": "BERHASIL",
    "reason": "",
}
TEXT_COLUMNS = frozenset({"nik", "account_number", "bank_code", "reference"})

# What the bank writes in the status column → what the row means.
SUCCESS, FAILED, WITHDRAWN = "success", "failed", "withdrawn"
BANK_STATUS = {
    "berhasil": SUCCESS,
    "sukses": SUCCESS,
    "success": SUCCESS,
    "ok": SUCCESS,
    "ditransfer": SUCCESS,
    "gagal": FAILED,
    "failed": FAILED,
    "retur": FAILED,
    "ditolak": FAILED,
    "dicairkan": WITHDRAWN,
    "cair": WITHDRAWN,
    "sudahdicairkan": WITHDRAWN,
    "withdrawn": WITHDRAWN,
}

_FOLD = re.compile(r"[\s._\-/]+")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")
# "T%H:%M:%S": a date-time cell of a workbook, as the reader writes it.
_TIME_FORMATS = ("", " %H:%M", " %H:%M:%S", "T%H:%M:%S")


def _fold(text: object) -> str:
    return _FOLD.sub("", str(text or "").strip().lower())


def columns_help(columns: dict, required: tuple) -> str:
    """The columns a file must and may have, in Indonesian, for the upload form."""
    text = _("Baris pertama berisi nama kolom. Kolom wajib: %(required)s.") % {
        "required": ", ".join(LABELS[key] for key in required)
    }
    optional = [LABELS[key] for key in columns if key not in required]
    if optional:
        text += " " + _("Kolom tambahan: %(optional)s.") % {"optional": ", ".join(optional)}
    return text


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One refused row, as shown to the user and kept on the import record."""

    row: int
    nik: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "nik": self.nik, "message": self.message}


@dataclass(frozen=True, slots=True)
class DecisionRow:
    row: int
    nik: str


@dataclass(frozen=True, slots=True)
class BankRow:
    row: int
    nik: str
    account_number: str
    bank_code: str
    amount: int
    at: datetime.datetime
    reference: str
    kind: str  # SUCCESS, FAILED or WITHDRAWN
    reason: str


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    damaged_niks: int = 0  # rows whose NIK could not be read at all
    # Rows of a note at the bottom of a decision file (not a recipient): skipped, said so.
    note_rows: list[int] = field(default_factory=list)


def read_table(
    f: IO[bytes], kind: str, columns: dict, required: tuple, *, header_only: bool = False
) -> list[dict]:
    """Rows of the file as ``{"_row": n, canonical column: raw value}``; blank rows dropped.

    ``f`` has passed :func:`aid.importing.guards.check_uploaded_file` (which gave ``kind``);
    it is read by the same streaming reader as proposal lists. The first non-blank row holds
    the column names; ``_row`` is the row number as the user sees it in Excel. A cell Excel
    stored as a number comes back as that number, so the NIK rules can refuse it as damaged.
    Raises ValidationError with an Indonesian message when the file cannot be read or a
    required column is missing. With ``header_only`` only the column names are checked.
    """
    with open_records(f, kind) as (_estimate, records):
        _number, header = next(records, (0, []))
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            folded = _fold(title)
            for key, names in columns.items():
                if folded in names and key not in positions:
                    positions[key] = index
        missing = [key for key in required if key not in positions]
        if missing:
            raise ValidationError(
                _("Kolom wajib tidak ditemukan: %(cols)s. Baris pertama harus berisi nama kolom.")
                % {"cols": ", ".join(k.upper() for k in missing)}
            )
        rows = []
        if header_only:
            return rows
        for number, values in records:
            row = {"_row": number}
            for key, index in positions.items():
                value = values[index] if index < len(values) else None
                row[key] = value.number if isinstance(value, NumericCell) else value
            if not _nik_like(row.get("nik")):
                # Whatever the row says in words, in any column: a note row at the bottom
                # of a ministry file is recognised by it (decision_rows).
                row["_words"] = " ".join(
                    str(v).strip() for v in values if v is not None and _WORDS.search(str(v))
                )
            rows.append(row)
    return rows


_WORDS = re.compile(r"[^\W\d_]{3}")
_DIGIT = re.compile(r"\d")


def _nik_like(value: object) -> bool:
    """Whether a NIK cell holds a number that could be a NIK (damaged or not): ten digits or
    more, or a number Excel stored."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    return len(_DIGIT.findall(str(value or ""))) >= 10


def _note_rows(table: list[dict]) -> set[int]:
    """The rows at the bottom of a decision file that are a note, not a recipient (the
    ministry's files end with "Keterangan: …" or "Catatan: …"): after the last row with a
    NIK-like number, each row with none, with words in it and no name, or a name that reads
    like a note."""
    notes: set[int] = set()
    for index in range(len(table) - 1, -1, -1):
        row = table[index]
        words = row.get("_words")
        if words is None:  # a NIK-like number: the list of people ends here
            break
        name = _text(row.get("name"))
        if words and (not name or _NOTE.match(name)):
            notes.add(index)
    return notes


_NOTE = re.compile(
    r"^\s*(?:\*|catatan|keterangan|ket\.|note|sumber|ditetapkan|jumlah|total|mengetahui)",
    re.IGNORECASE,
)


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _nik(row: dict, parsed: Parsed) -> str:
    checked = identifiers.nik(row.get("nik"))
    if checked.ok and checked.value:
        return checked.value
    parsed.damaged_niks += 1
    parsed.problems.append(
        RowProblem(row["_row"], _text(row.get("nik")), checked.error or _("NIK kosong."))
    )
    return ""


def decision_rows(table: list[dict]) -> Parsed:
    """Check each NIK of a decision file; a NIK listed again is reported, not applied twice.
    A note at the bottom of the file (:func:`_note_rows`) is skipped, its rows named."""
    parsed = Parsed()
    first_row: dict[str, int] = {}
    notes = _note_rows(table)
    for index, row in enumerate(table):
        if index in notes:
            parsed.note_rows.append(row["_row"])
            continue
        nik = _nik(row, parsed)
        if not nik:
            continue
        if nik in first_row:
            parsed.problems.append(
                RowProblem(
                    row["_row"],
                    nik,
                    _("NIK ini sudah tercantum di baris %(n)s; baris ini diabaikan.")
                    % {"n": first_row[nik]},
                )
            )
            continue
        first_row[nik] = row["_row"]
        parsed.rows.append(DecisionRow(row["_row"], nik))
    return parsed


def parse_amount(value: object) -> int | None:
    """Rupiah amount as an integer: ``2400000``, ``2.400.000``, ``Rp 2.400.000,00``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = re.sub(r"(?i)^rp\.?", "", str(value).strip()).strip()
    text = re.sub(r"[.,]00$", "", text)
    if not re.fullmatch(r"\d{1,3}([.,]?\d{3})*", text):
        return None
    return int(re.sub(r"\D", "", text))


def parse_when(value: object) -> datetime.datetime | None:
    """A date or date-time as written by banks, or as an Excel date cell; Jakarta time."""
    if isinstance(value, datetime.datetime):
        when = value
    elif isinstance(value, datetime.date):
        when = datetime.datetime.combine(value, datetime.time())
    else:
        text, when = _text(value), None
        for date_format in _DATE_FORMATS:
            for time_format in _TIME_FORMATS:
                try:
                    when = datetime.datetime.strptime(text, date_format + time_format)
                    break
                except ValueError:
                    continue
            if when:
                break
        if when is None:
            return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def bank_rows(table: list[dict]) -> Parsed:
    """Check each row of a bank report for what can be known without the database.

    Refused here: unreadable NIK, account number, amount, date or status; a missing
    reference; a reference repeated within the file.
    """
    parsed = Parsed()
    first_row: dict[str, int] = {}
    for row in table:
        number = row["_row"]
        nik = _nik(row, parsed)
        if not nik:
            continue
        errors = []
        account = identifiers.account_number(row.get("account_number"))
        if not account.ok or not account.value:
            errors.append(account.error or _("Nomor rekening kosong."))
        amount = parse_amount(row.get("amount"))
        if amount is None or amount <= 0:
            errors.append(_("Nominal %(v)s tidak dapat dibaca.") % {"v": _text(row.get("amount"))})
        at = parse_when(row.get("date"))
        if at is None:
            errors.append(
                _("Tanggal %(v)s tidak dapat dibaca; tulis seperti 10/09/2020.")
                % {"v": _text(row.get("date"))}
            )
        kind = BANK_STATUS.get(_fold(row.get("status")))
        if kind is None:
            errors.append(
                _('Status "%(v)s" tidak dikenal; tulis BERHASIL, GAGAL atau DICAIRKAN.')
                % {"v": _text(row.get("status"))}
            )
        reference = _text(row.get("reference"))
        if identifiers.is_blank(reference):
            errors.append(_("Referensi bank kosong."))
        elif reference in first_row:
            errors.append(
                _("Referensi %(ref)s sudah tercantum di baris %(n)s.")
                % {"ref": reference, "n": first_row[reference]}
            )
        if errors:
            parsed.problems.append(RowProblem(number, nik, " ".join(errors)))
            continue
        first_row[reference] = number
        bank_code = re.sub(r"\D", "", _text(row.get("bank_code")))
        parsed.rows.append(
            BankRow(
                row=number,
                nik=nik,
                account_number=account.value,
                bank_code=bank_code.zfill(3) if bank_code else "",
                amount=amount,
                at=at,
                reference=reference,
                kind=kind,
                reason=_text(row.get("reason")),
            )
        )
    return parsed
