"""Case follow-up: the pendamping assigned to a business, and the visits they record."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from development.models import CaseAssignment, Visit
from registry.models import Business


@transaction.atomic
def case_assign(
    *,
    business: Business,
    pendamping,
    assigned_on: datetime.date | None = None,
    note: str = "",
    by=None,
) -> CaseAssignment:
    """Make ``pendamping`` the one who follows ``business`` (replacing any other; the
    assignment's history keeps who it was before)."""
    if pendamping is None or not pendamping.is_active or not pendamping.is_staff:
        raise ValidationError({"pendamping": _("Pilih petugas Dinas yang masih aktif.")})
    assigned_on = assigned_on or timezone.localdate()
    if assigned_on > timezone.localdate():
        raise ValidationError({"assigned_on": _("Tanggal penugasan tidak boleh di masa depan.")})
    assignment = CaseAssignment.objects.select_for_update().filter(business=business).first()
    if assignment is None:
        assignment = CaseAssignment(business=business)
    assignment.pendamping = pendamping
    assignment.assigned_on = assigned_on
    assignment.note = (note or "").strip()
    assignment._history_user = by
    assignment.save()
    return assignment


@transaction.atomic
def visit_record(
    *,
    business: Business,
    visited_on: datetime.date,
    done: str,
    next_action: str = "",
    next_action_on: datetime.date | None = None,
    by=None,
) -> Visit:
    """Record a visit; refuses a visit dated in the future, a next action dated before the
    visit, and a next-action date with nothing to do."""
    errors = {}
    today = timezone.localdate()
    done, next_action = (done or "").strip(), (next_action or "").strip()
    if not done:
        errors["done"] = _("Tuliskan apa yang dilakukan saat kunjungan.")
    if visited_on and visited_on > today:
        errors["visited_on"] = _("Tanggal kunjungan tidak boleh di masa depan.")
    if next_action_on and visited_on and next_action_on < visited_on:
        errors["next_action_on"] = _("Tanggal tindak lanjut tidak boleh sebelum kunjungan.")
    if next_action_on and not next_action:
        errors["next_action"] = _("Tuliskan tindak lanjutnya, atau kosongkan tanggalnya.")
    if errors:
        raise ValidationError(errors)
    return Visit.objects.create(
        business=business,
        visited_on=visited_on,
        done=done,
        next_action=next_action,
        next_action_on=next_action_on,
        by=by,
    )
