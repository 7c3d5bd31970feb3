"""The yearly pembinaan plan: one row of targets per year (:class:`YearlyTarget`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from development.models import YearlyTarget

FIGURES = ("coached", "naik_kelas", "kur_referred", "kur_disbursed", "kur_disbursed_amount")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _check(year, figures: dict, target: YearlyTarget | None) -> dict:
    errors = {}
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("Tahun harus antara %(first)s dan %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    elif YearlyTarget.objects.filter(year=year).exclude(pk=target.pk if target else None).exists():
        errors["year"] = _(
            "Target tahun %(year)s sudah ada. Ubah target itu, jangan membuat yang kedua."
        ) % {"year": year}
    for name, value in figures.items():
        if value is None and name != "kur_disbursed_amount":
            errors[name] = _("Wajib diisi (0 bila tidak ada target).")
        elif value is not None and value < 0:
            errors[name] = _("Target tidak boleh kurang dari nol.")
    return errors


@transaction.atomic
def yearly_target_save(
    *,
    year: int,
    coached: int,
    naik_kelas: int,
    kur_referred: int,
    kur_disbursed: int,
    kur_disbursed_amount: int | None = None,
    note: str = "",
    target: YearlyTarget | None = None,
    by=None,
) -> YearlyTarget:
    """Record the targets of ``year`` (a new row), or change ``target``'s. A second row for
    the same year is refused, here with a message and by the database's unique constraint."""
    figures = {
        "coached": coached,
        "naik_kelas": naik_kelas,
        "kur_referred": kur_referred,
        "kur_disbursed": kur_disbursed,
        "kur_disbursed_amount": kur_disbursed_amount,
    }
    errors = _check(year, figures, target)
    if errors:
        raise ValidationError(errors)
    row = target or YearlyTarget()
    row.year = year
    for name, value in figures.items():
        setattr(row, name, value)
    row.note = (note or "").strip()
    row.updated_by = by
    row._history_user = by
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # the same year saved by someone else meanwhile
        raise ValidationError(
            {"year": _("Target tahun %(year)s sudah ada.") % {"year": year}}
        ) from error
    return row
