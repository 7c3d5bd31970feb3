"""Business size by PP 7/2021 and KBLI codes: pure functions, no database.

PP 7/2021 article 35 sorts a business by its capital (excluding land and buildings) or by its
annual sales. A business over either limit of a class no longer belongs to it, so the class
is the larger of the two; over the menengah limits it is a large business (usaha besar).
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.identifiers import Checked

MILLION = 1_000_000
BILLION = 1_000 * MILLION


class SizeClass(models.TextChoices):
    # The registry's three classes, in order, then the one beyond UMKM.
    MIKRO = "mikro", gettext_lazy("Mikro")
    KECIL = "kecil", gettext_lazy("Kecil")
    MENENGAH = "menengah", gettext_lazy("Menengah")
    BESAR = "besar", gettext_lazy("Besar")


ORDER = {size: rank for rank, size in enumerate(SizeClass.values)}

# (class, capital up to, annual sales up to), rupiah, inclusive.
LIMITS = (
    (SizeClass.MIKRO, 1 * BILLION, 2 * BILLION),
    (SizeClass.KECIL, 5 * BILLION, 15 * BILLION),
    (SizeClass.MENENGAH, 10 * BILLION, 50 * BILLION),
)


def _class_by(amount: int, index: int) -> str:
    for size, *limits in LIMITS:
        if amount <= limits[index]:
            return size
    return SizeClass.BESAR


def size_class(*, capital: int, annual_sales: int) -> str:
    """The PP 7/2021 class of a business with this capital and these annual sales."""
    by_capital, by_sales = _class_by(capital, 0), _class_by(annual_sales, 1)
    return max(by_capital, by_sales, key=ORDER.__getitem__)


def moved_up(before: str | None, after: str) -> bool:
    """True when ``after`` is a larger class than ``before`` ("naik kelas")."""
    return before is not None and ORDER[after] > ORDER[before]


def registry_class(size: str) -> str:
    """The registry keeps UMKM only: a large business stays at its largest class there."""
    return SizeClass.MENENGAH if size == SizeClass.BESAR else size


KBLI_PATTERN = r"^([0-9]{5}(,[0-9]{5})*)?$"
_KBLI_CODE = re.compile(r"^[0-9]{5}$")


def kbli_codes(raw: str) -> Checked:
    """KBLI 2020 codes (5 digits each) separated by commas, spaces or semicolons.

    Returns them joined by commas, without repeats, in the order given.
    """
    parts = [p for p in re.split(r"[\s,;]+", str(raw or "").strip()) if p]
    wrong = [p for p in parts if not _KBLI_CODE.match(p)]
    if wrong:
        return Checked(
            error=_("Kode KBLI terdiri dari 5 angka (tertulis %(codes)s).")
            % {"codes": ", ".join(wrong)}
        )
    return Checked(value=",".join(dict.fromkeys(parts)))
