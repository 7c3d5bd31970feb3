"""Indonesian number and money formats: ``Rp7.200.000.000``, ``3.000``.

Written out rather than left to the active locale so that exports, e-mails and pages read
the same whatever language a user picked: whole rupiah, dots between thousands.
"""

from __future__ import annotations


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
