"""Rules for the identifiers the portal handles: NIK, KK, NIB, mobile phone, bank account.

Every function takes a raw value as it arrives (a form field, a CSV cell, an XLSX cell that
may be a number) and returns a :class:`Checked`: the canonical value, or an Indonesian message
that tells the person what to fix. They are pure functions with no database access, so the
import can run them over 66,000 rows quickly and forms, the admin and the status page share
exactly the same rules.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import exceptions as stdnum_exceptions
from stdnum.id import nik as stdnum_nik

DATA_DIR = Path(__file__).resolve().parent / "data"

# Values people type to mean "nothing here".
PLACEHOLDERS = frozenset(
    {
        "",
        "-",
        "--",
        "0",
        ".",
        "n/a",
        "na",
        "nan",
        "null",
        "none",
        "tidak ada",
        "tdk ada",
        "belum ada",
    }
)

# A number Excel has turned into scientific notation: 3.27501E+15, 3,27501E+15, 3.275E15.
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
# Separators people use to keep a long number readable or to stop Excel converting it.
_SEPARATORS = re.compile(r"[\s.\-]")


@dataclass(frozen=True, slots=True)
class Checked:
    """Outcome of checking one raw value.

    ``value`` is the canonical form ("" when the input was empty or wrong); ``error`` is an
    Indonesian message when the value must be refused; ``warning`` is advice that does not
    stop the value being used.
    """

    value: str = ""
    error: str = ""
    warning: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def empty(self) -> bool:
        return not self.value and not self.error


EMPTY = Checked()


@dataclass(frozen=True, slots=True)
class NikFacts:
    """What a valid NIK says about its holder."""

    region_code: str  # first six digits: where the NIK was first issued
    birth_date: datetime.date
    sex: str  # "M" or "F"


def is_blank(raw: object) -> bool:
    """True for None and placeholders such as ``-``, ``0`` or ``n/a``."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip().lower() in PLACEHOLDERS
    if isinstance(raw, (int, float)):
        return raw == 0
    return False


def _excel_damage(raw: object, label: str) -> Checked | None:
    """Refuse numbers Excel has already rounded: they can never be turned back into digits."""
    if isinstance(raw, bool):
        return Checked(error=_("%(label)s tidak valid.") % {"label": label})
    if isinstance(raw, (int, float)):
        return Checked(
            error=_(
                "%(label)s tersimpan sebagai angka di Excel, sehingga digit terakhirnya hilang. "
                "Format kolom %(label)s sebagai Teks lalu ketik ulang dari KTP/KK."
            )
            % {"label": label}
        )
    text = str(raw).strip().lstrip("'").strip()
    if _SCIENTIFIC.match(text):
        return Checked(
            error=_(
                "%(label)s rusak oleh Excel (tertulis %(text)s). Format kolom %(label)s sebagai "
                "Teks lalu ketik ulang dari KTP/KK."
            )
            % {"label": label, "text": text}
        )
    return None


def _digits(raw: object) -> str:
    """Strip the apostrophe Excel users type first, spaces, dots and dashes."""
    return _SEPARATORS.sub("", str(raw).strip().lstrip("'"))


# Labels named only in error messages: translated when a message is written, not for every
# valid value (an import checks tens of thousands of account numbers).
_KK_LABEL = gettext_lazy("Nomor KK")
_ACCOUNT_LABEL = gettext_lazy("Nomor rekening")


def _typed_digits(raw: object, label: str) -> str | Checked:
    """The digits someone typed, or the Checked to return at once: empty for placeholders,
    an error for a value Excel has already damaged."""
    if is_blank(raw):
        return EMPTY
    return _excel_damage(raw, label) or _digits(raw)


def _sixteen_digit_number(raw: object) -> str | None:
    """The digits of a spreadsheet number that still holds all 16 digits of a NIK, else None.

    Excel keeps 15 significant digits, so a 16-digit number it stored always ends in 0: only
    such a number (or one with fewer digits, or a fraction) has lost digits. A number with 16
    digits not ending in 0 (written by another program, or typed before Excel rounded) is
    intact.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if isinstance(raw, float):
        if not raw.is_integer() or not 0 < raw < 2**53:  # beyond 2**53 a float skips integers
            return None
        raw = int(raw)
    text = str(raw)
    if len(text) != 16 or text.endswith("0"):
        return None
    return text


def _year_from_two_digits(yy: int, today: datetime.date) -> int:
    # stdnum maps every year to 19xx; a NIK holder born in 2005 must come out as 2005.
    year = 2000 + yy
    return year if year <= today.year else 1900 + yy


@cache
def known_region_prefixes() -> frozenset[str]:
    """Province and regency codes (``32``, ``3275``) from the vendored Kemendagri list."""
    with open(DATA_DIR / "indonesia_regencies.csv", newline="", encoding="utf-8") as f:
        return frozenset(row["code"].replace(".", "") for row in csv.DictReader(f))


# --- The city's NIKs -------------------------------------------------------------------------
# The regency code that starts every NIK issued by the city (Kota Bekasi: 32 75): such an
# owner is taken to live in the city unless staff say otherwise. Its one home, for Python and
# for the set-based SQL of the import.
CITY_NIK_PREFIX = "3275"


def issued_in_city(nik_value: str) -> bool:
    """Whether the NIK was issued by the city (:data:`CITY_NIK_PREFIX`)."""
    return nik_value.startswith(CITY_NIK_PREFIX)


def issued_in_city_sql(column: str) -> tuple[str, list[str]]:
    """SQL condition and its parameters: :func:`issued_in_city` for the NIK ``column``
    (PostgreSQL and SQLite)."""
    return f"SUBSTR({column}, 1, {len(CITY_NIK_PREFIX)}) = %s", [CITY_NIK_PREFIX]


# --- The phone digits an owner types on the status page ---------------------------------------
# An owner proves who they are with their NIK and the last digits of the mobile number in
# their application; the page, its log's outcome and the record of refused proposals all
# match by this rule.
PHONE_MATCH_DIGITS = 4


def phone_match_digits(phone_value: str) -> str:
    """The digits an owner types for this phone: its last :data:`PHONE_MATCH_DIGITS`, or ''
    when it has fewer digits than that (such a phone can never be matched)."""
    last = (phone_value or "")[-PHONE_MATCH_DIGITS:]
    return last if len(last) == PHONE_MATCH_DIGITS and last.isdigit() else ""


def phone_match_sql(column: str) -> str:
    """SQL for :func:`phone_match_digits` of the phone ``column`` (PostgreSQL), for statements
    written by hand; the ORM uses ``Right(field, PHONE_MATCH_DIGITS)``."""
    return f"RIGHT({column}, {PHONE_MATCH_DIGITS})"


def nik(raw: object, *, today: datetime.date | None = None) -> Checked:
    """Check a NIK (16 digits ``PPKKCC DDMMYY SSSS``).

    Refuses Excel damage (a numeric cell whose 16th digit may be lost, that is one ending in
    0 or shorter than 16 digits; scientific notation; serial ``0000``), wrong length,
    letters, impossible birth dates and repeated digits. An unknown region prefix is only a
    warning: NIKs keep the code of where they were first issued, including codes since
    reorganised.
    """
    value = _sixteen_digit_number(raw) or _typed_digits(raw, "NIK")
    if isinstance(value, Checked):
        return value
    if not value.isdigit():
        return Checked(error=_("NIK hanya boleh berisi angka (tertulis %(raw)s).") % {"raw": raw})
    if len(value) != 16:
        return Checked(
            error=_("NIK harus 16 digit, yang tertulis %(n)s digit. Periksa kembali dari KTP.")
            % {"n": len(value)}
        )
    if len(set(value)) == 1:
        return Checked(error=_("NIK %(v)s tidak mungkin: semua digitnya sama.") % {"v": value})
    if value[12:] == "0000":
        return Checked(
            error=_(
                "Empat digit terakhir NIK adalah 0000, yang tidak pernah diterbitkan. Biasanya "
                "ini karena Excel membulatkan NIK. Format kolom NIK sebagai Teks lalu ketik ulang."
            )
        )
    if not value.isascii():
        # str.isdigit() also accepts other scripts' digits; python-stdnum's format rule does
        # not. For 16 ASCII digits its validate() only adds the province and the date, and
        # raises the same InvalidComponent for both: the date is asked of stdnum directly
        # (nik_facts, remembered per date) and the province is judged against the vendored
        # Kemendagri list (new provinces are legitimate), so validate() is called only here;
        # per NIK it cost a third of the time spent checking a 66,000-row list.
        try:
            stdnum_nik.validate(value)
        except stdnum_exceptions.InvalidComponent:
            pass
        except stdnum_exceptions.ValidationError:
            return Checked(error=_("NIK tidak valid."))
    facts = nik_facts(value, today=today)
    if facts is None:
        return Checked(
            error=_(
                "Tanggal lahir di dalam NIK (digit 7-12: %(d)s) tidak mungkin. Periksa kembali "
                "dari KTP."
            )
            % {"d": value[6:12]}
        )
    if value[:2] not in known_region_prefixes() or value[:4] not in known_region_prefixes():
        return Checked(
            value=value,
            warning=_(
                "Kode wilayah %(p)s.%(k)s pada NIK tidak ada dalam daftar Kemendagri terbaru. "
                "NIK lama bisa memakai kode lama; pastikan sesuai KTP."
            )
            % {"p": value[:2], "k": value[2:4]},
        )
    return Checked(value=value)


def nik_facts(value: str, *, today: datetime.date | None = None) -> NikFacts | None:
    """Region, birth date and sex encoded in a 16-digit NIK; None when the date is impossible."""
    born = _birth_date_and_sex(value[6:12], today or datetime.date.today())
    if born is None:
        return None
    return NikFacts(region_code=value[:6], birth_date=born[0], sex=born[1])


@lru_cache(maxsize=65536)
def _birth_date_and_sex(ddmmyy: str, today: datetime.date) -> tuple[datetime.date, str] | None:
    # Remembered: a list has far fewer birth dates than rows, and the import reads each
    # NIK's date twice (to check it, then to store it). At most 2 x 31 x 12 x 100 keys a day.
    try:
        # python-stdnum judges whether DDMMYY (40 added to the day for women) is a date...
        stdnum_date = stdnum_nik.get_birth_date(f"000000{ddmmyy}0000")
    except stdnum_exceptions.ValidationError:
        return None
    # ...but puts every year in the 1900s (trying 2000 only for 29 February): a holder born
    # in 2005 must come out as 2005.
    try:
        birth_date = stdnum_date.replace(year=_year_from_two_digits(int(ddmmyy[4:6]), today))
    except ValueError:
        return None
    if birth_date > today:
        return None
    return birth_date, "F" if int(ddmmyy[0:2]) > 40 else "M"


def kk(raw: object, *, today: datetime.date | None = None) -> Checked:
    """Check a Kartu Keluarga number (16 digits ``PPKKCC DDMMYY SSSS``).

    Built like a NIK: the 6-digit region code where the card was issued, then the issue date
    as DDMMYY (never with 40 added: a card has no sex), then a 4-digit serial. The same rules
    as :func:`nik` (Excel damage, length, repeated digits, serial ``0000``, a date python-stdnum
    accepts and not in the future, a known province; an unknown regency is only a warning).
    """
    value = _sixteen_digit_number(raw) or _typed_digits(raw, _KK_LABEL)
    if isinstance(value, Checked):
        return value
    if not value.isdigit() or not value.isascii() or len(value) != 16:
        return Checked(
            error=_("Nomor KK harus 16 digit angka. Periksa kembali dari Kartu Keluarga.")
        )
    if len(set(value)) == 1 or value[12:] == "0000":
        return Checked(
            error=_(
                "Nomor KK %(v)s tidak mungkin; biasanya dirusak Excel. Ketik ulang sebagai Teks."
            )
            % {"v": value}
        )
    if kk_issue_date(value, today=today) is None:
        return Checked(
            error=_(
                "Tanggal terbit di dalam Nomor KK (digit 7-12: %(d)s) tidak mungkin. Periksa "
                "kembali dari Kartu Keluarga."
            )
            % {"d": value[6:12]}
        )
    if value[:2] not in known_region_prefixes():
        return Checked(error=_("Nomor KK harus diawali kode provinsi yang benar."))
    if value[:4] not in known_region_prefixes():
        return Checked(
            value=value,
            warning=_(
                "Kode wilayah %(p)s.%(k)s pada Nomor KK tidak ada dalam daftar Kemendagri "
                "terbaru; pastikan sesuai Kartu Keluarga."
            )
            % {"p": value[:2], "k": value[2:4]},
        )
    return Checked(value=value)


def kk_issue_date(value: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """The issue date in a 16-digit KK number (digits 7-12, DDMMYY, no 40 added); None when
    it is impossible or in the future."""
    if int(value[6:8]) > 31:  # a NIK's women's days (41-71) are not a card's
        return None
    born = _birth_date_and_sex(value[6:12], today or datetime.date.today())
    return born[0] if born else None


def nib(raw: object) -> Checked:
    """Check a Nomor Induk Berusaha from OSS: 13 digits, no public checksum."""
    value = _typed_digits(raw, "NIB")
    if isinstance(value, Checked):
        return value
    if not value.isdigit() or len(value) != 13:
        return Checked(error=_("NIB harus 13 digit angka sesuai dokumen OSS."))
    return Checked(value=value)


def phone(raw: object) -> Checked:
    """Check an Indonesian mobile number and return it as ``+628…``.

    Accepts ``0812…``, ``+62 812…``, ``62812…`` and ``812-…``; refuses landlines and numbers
    of the wrong length.
    """
    if is_blank(raw):
        return EMPTY
    if isinstance(raw, float):
        raw = f"{raw:.0f}"
    text = str(raw).strip().lstrip("'")
    if re.search(r"[A-Za-z]", text):
        return Checked(
            error=_("Nomor HP hanya boleh berisi angka (tertulis %(raw)s).") % {"raw": text}
        )
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return Checked(
            error=_("Nomor HP %(raw)s tidak dapat dibaca. Tulis seperti 081234567890.")
            % {"raw": text}
        )
    national = str(number.national_number)
    if number.country_code != 62 or not national.startswith("8"):
        return Checked(
            error=_("Nomor %(raw)s bukan nomor HP Indonesia. Tulis nomor HP yang diawali 08.")
            % {"raw": text}
        )
    # 08xx numbers have 10 to 13 digits including the leading 0.
    if not 9 <= len(national) <= 12 or not phonenumbers.is_valid_number(number):
        return Checked(
            error=_(
                "Nomor HP %(raw)s terlalu pendek atau terlalu panjang (harus 10-13 digit, diawali 08)."
            )
            % {"raw": text}
        )
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return Checked(
            error=_("Nomor %(raw)s bukan nomor HP. Tulis nomor HP yang diawali 08.") % {"raw": text}
        )
    return Checked(value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def account_number(raw: object) -> Checked:
    """Check a bank account number: 6 to 20 digits, separators removed."""
    value = _typed_digits(raw, _ACCOUNT_LABEL)
    if isinstance(value, Checked):
        return value
    if not value.isdigit():
        return Checked(error=_("Nomor rekening hanya boleh berisi angka."))
    if not 6 <= len(value) <= 20:
        return Checked(
            error=_("Nomor rekening harus 6-20 digit, yang tertulis %(n)s digit.")
            % {"n": len(value)}
        )
    if len(set(value)) == 1:
        return Checked(
            error=_("Nomor rekening %(v)s tidak mungkin: semua digitnya sama.") % {"v": value}
        )
    return Checked(value=value)


# Words of an address that say where in a neighbourhood, not which street or kampung.
_ADDRESS_MARKERS = frozenset(
    {"rt", "rw", "blok", "blk", "no", "nomor", "nmr", "jl", "jln", "jalan", "gg", "gang", "kav"}
)
_LETTER_WORD = re.compile(r"[^\W\d_]+")


def address_complete(raw: object) -> bool:
    """Whether a KTP address names a place: at least one word of three or more letters
    besides RT, RW, Blok, No (and Jl., Gg., Kav.). "Jl. Melati 5 RT 01" is complete;
    "-- Blok C", "RT 01 RW 02" and "Jl. 5" are not."""
    if is_blank(raw):
        return False
    return any(
        len(word) >= 3 and word.casefold() not in _ADDRESS_MARKERS
        for word in _LETTER_WORD.findall(str(raw))
    )


def as_validator(check):
    """Turn a check function into a Django validator for model and form fields."""

    def validate(value: object) -> None:
        result = check(value)
        if result.error:
            raise ValidationError(result.error, code="invalid")
        if result.value and result.value != value:
            raise ValidationError(
                _("Tulis dalam bentuk baku: %(v)s.") % {"v": result.value}, code="not_normalised"
            )

    validate.__name__ = f"validate_{check.__name__}"
    validate.__qualname__ = validate.__name__
    validate.__module__ = __name__
    return validate


validate_nik = as_validator(nik)
validate_kk = as_validator(kk)
validate_nib = as_validator(nib)
validate_phone = as_validator(phone)
validate_account_number = as_validator(account_number)
