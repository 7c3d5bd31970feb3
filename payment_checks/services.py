"""Writes of payment verification: draw a sample, record each call's outcome."""

from __future__ import annotations

import math
import random
import secrets
from decimal import Decimal
from statistics import NormalDist

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.models import Application, Status
from payment_checks.models import PaymentCheck, Sample

# Money that reached the owner's account (withdrawn or not yet).
PAID_STATUSES = (Status.TRANSFERRED, Status.WITHDRAWN)


def sample_size(population: int, *, confidence: float = 0.95, margin: float = 0.05) -> int:
    """Cochran's sample size for a proportion (p = 0.5, the most cautious) with the finite
    population correction: n0 = z²·p(1−p)/e², n = n0 / (1 + (n0 − 1)/N), rounded up."""
    if population <= 0:
        return 0
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * 0.25 / (margin * margin)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population)))


def paid_applications(*, program, kecamatan=None, proposer=None):
    applications = Application.objects.filter(program=program, status__in=PAID_STATUSES)
    if kecamatan is not None:
        applications = applications.filter(business__kecamatan=kecamatan)
    if proposer is not None:
        applications = applications.filter(proposal_list__proposer=proposer)
    return applications


@transaction.atomic
def sample_draw(
    *,
    program,
    by,
    confidence: float | None = 0.95,
    margin: float | None = 0.05,
    size: int | None = None,
    kecamatan=None,
    proposer=None,
    seed: int | None = None,
) -> Sample:
    """Draw a simple random sample of paid applications (optionally of one kecamatan or one
    proposer): ``size`` of them, or as many as Cochran's formula asks for ``confidence`` and
    ``margin``. The seed is kept, so the draw can be shown to be random and repeated."""
    ids = sorted(
        paid_applications(program=program, kecamatan=kecamatan, proposer=proposer).values_list(
            "pk", flat=True
        )
    )
    if not ids:
        raise ValidationError(_("Tidak ada permohonan yang sudah ditransfer untuk pilihan ini."))
    if size is None:
        if not (confidence and margin and 0 < confidence < 1 and 0 < margin < 1):
            raise ValidationError(
                _("Isi tingkat kepercayaan dan batas kesalahan, atau jumlah sampel.")
            )
        size = sample_size(len(ids), confidence=confidence, margin=margin)
        confidence_value, margin_value = Decimal(str(confidence)), Decimal(str(margin))
    else:
        size = max(1, min(size, len(ids)))
        confidence_value = margin_value = None
    seed = seed if seed is not None else secrets.randbits(48)
    chosen = random.Random(seed).sample(ids, size)
    sample = Sample.objects.create(
        program=program,
        kecamatan=kecamatan,
        proposer=proposer,
        confidence=confidence_value,
        margin=margin_value,
        population=len(ids),
        size=size,
        seed=seed,
        drawn_by=by,
    )
    PaymentCheck.objects.bulk_create(
        (PaymentCheck(sample=sample, application_id=pk) for pk in sorted(chosen)), batch_size=5000
    )
    return sample


@transaction.atomic
def payment_check_record(*, check: PaymentCheck, outcome: str, note: str = "", by) -> PaymentCheck:
    """Record a call's outcome. "Not received" opens a pengaduan (category "belum menerima
    dana", linked to the application) once; staff follow it up in the pengaduan queue."""
    from complaints.models import Category, Complaint
    from complaints.services import complaint_create
    from public.services import nik_digest

    if outcome not in PaymentCheck.Outcome.values:
        raise ValidationError(_("Pilih hasil panggilan."))
    locked = (
        PaymentCheck.objects.select_for_update()
        .select_related("application__owner")
        .get(pk=check.pk)
    )
    locked.outcome, locked.note = outcome, note.strip()
    locked.checked_by, locked.checked_at = by, timezone.now()
    if outcome == PaymentCheck.Outcome.NOT_RECEIVED and locked.complaint_id is None:
        owner = locked.application.owner
        locked.complaint = complaint_create(
            nik_hash=nik_digest(owner.nik),
            category=Category.NOT_RECEIVED,
            message=_(
                "Verifikasi pembayaran (sampel #%(sample)s): pemilik usaha menyatakan dana belum diterima. %(note)s"
            )
            % {"sample": locked.sample_id, "note": locked.note},
            contact_phone=owner.phone,
            source=Complaint.Source.PAYMENT_CHECK,
            application=locked.application,
            by=by,
        )
    locked.save(update_fields=["outcome", "note", "checked_by", "checked_at", "complaint"])
    return locked
