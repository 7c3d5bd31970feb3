"""Reads of payment verification, for the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from payment_checks.models import PaymentCheck


@dataclass(frozen=True, slots=True)
class VerificationRate:
    sampled: int
    checked: int
    received: int
    not_received: int
    problem: int

    @property
    def checked_share(self) -> float:
        return self.checked / self.sampled if self.sampled else 0.0

    @property
    def received_share(self) -> float:
        return self.received / self.checked if self.checked else 0.0


def verification_rate(program=None) -> VerificationRate:
    """How many sampled payments were called, and what the owners said (one query)."""
    checks = PaymentCheck.objects.all()
    if program is not None:
        checks = checks.filter(sample__program=program)
    o = PaymentCheck.Outcome
    totals = checks.aggregate(
        sampled=Count("pk"),
        checked=Count("pk", filter=~Q(outcome="")),
        received=Count("pk", filter=Q(outcome=o.RECEIVED)),
        not_received=Count("pk", filter=Q(outcome=o.NOT_RECEIVED)),
        problem=Count("pk", filter=Q(outcome=o.PROBLEM)),
    )
    return VerificationRate(**totals)
