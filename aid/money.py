"""Indonesian number and money formats: ``Rp7.200.000.000``, ``3.000``.

Written out rather than left to the active locale so that exports, e-mails and pages read
the same whatever language a user picked: whole rupiah, dots between thousands. Amounts typed
by staff are read back by :func:`parse_rupiah`, the inverse.
"""

from __future__ import annotations

import re

# What people type around and between the digits of an amount: "Rp", "IDR", spaces, dots or
# commas between thousands, a trailing ",-" or ",00".
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_CENTS = re.compile(r",(?:-|00?)$")
_GROUPED = re.compile(r"^(?:\d+|\d{1,3}([.,\s])\d{3}(?:\1\d{3})*)$")


def thousands(value: int | None) -> str:
    """``66000`` → ``66.000``; ``None`` → ``0``."""
    number = int(value or 0)
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")


def rupiah(value: int | None) -> str:
    """``7200000000`` → ``Rp7.200.000.000`` (whole rupiah, no decimals)."""
    number = int(value or 0)
    sign = "-" if number < 0 else ""
    return f"{sign}Rp{thousands(abs(number))}"


def rupiah_or_dash(value: int | None) -> str:
    """``Rp2.400.000``; "–" where there is no amount (nothing approved yet), never "Rp0"."""
    return rupiah(value) if value else "–"


def parse_rupiah(text: str) -> int | None:
    """``"Rp2.400.000"``, ``"2.400.000"``, ``"2400000"``, ``"Rp 2.400.000,-"`` → ``2400000``.

    Whole rupiah only. Returns None for anything else, including "2.4" or "2.400.00" (the
    separators must group thousands, all alike), so a typo is refused rather than read as
    another sum.
    """
    value = _CURRENCY.sub("", str(text).strip()).strip()
    value = _CENTS.sub("", value)
    if not value or not _GROUPED.match(value):
        return None
    return int(re.sub(r"[.,\s]", "", value))
