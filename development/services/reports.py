"""A business's reports over time (turnover, assets, workers) and its size class."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from development import profiles, selectors
from development.models import (
    BusinessReport,
)
from registry import identifiers
from registry import services as registry_services
from registry.models import Business

# --- business profile over time -----------------------------------------------------------


@transaction.atomic
def business_report_add(
    *,
    business: Business,
    reported_on: datetime.date,
    capital: int,
    annual_sales: int,
    workers: int,
    nib: str = "",
    kbli: str = "",
    note: str = "",
    by=None,
) -> BusinessReport:
    """Keep what the owner reported on ``reported_on`` and the PP 7/2021 class it gives.

    The class the registry holds for the business is kept with the report as its baseline:
    a first report that puts a registered mikro business at kecil is a move up (naik kelas).

    Reports are never changed: a correction is a new report. When this is the business's
    latest report, the registry's business follows it (size class, workers, NIB when given)
    through :func:`registry.services.business_update`, so its history says who changed it.
    """
    errors = {}
    nib_checked = identifiers.nib(nib)
    if nib_checked.error:
        errors["nib"] = nib_checked.error
    kbli_checked = profiles.kbli_codes(kbli)
    if kbli_checked.error:
        errors["kbli"] = kbli_checked.error
    for name, value in (("capital", capital), ("annual_sales", annual_sales), ("workers", workers)):
        if value is None or value < 0:
            errors[name] = _("Isi dengan angka nol atau lebih.")
    if errors:
        raise ValidationError(errors)
    locked = Business.objects.select_for_update().get(pk=business.pk)
    size = profiles.size_class(capital=capital, annual_sales=annual_sales)
    try:
        with transaction.atomic():
            report = BusinessReport.objects.create(
                business=locked,
                reported_on=reported_on,
                capital=capital,
                annual_sales=annual_sales,
                workers=workers,
                nib=nib_checked.value,
                kbli=kbli_checked.value,
                size_class=size,
                registry_class=locked.size_class,
                note=(note or "").strip(),
                by=by,
            )
    except IntegrityError as exc:  # the database's own checks, should the above miss one
        raise ValidationError(_("Laporan usaha tidak dapat disimpan.")) from exc
    latest = selectors.latest_report(locked)
    if latest is not None and latest.pk == report.pk:
        changes = {"size_class": profiles.registry_class(size), "workers": workers}
        if nib_checked.value:
            changes["nib"] = nib_checked.value
        registry_services.business_update(business=locked, by=by, **changes)
    return report
