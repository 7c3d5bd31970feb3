"""Merging two owners who are the same person under two NIKs (issue 24.4).

A Verifikator (``registry.merge_owner``) picks the survivor and gives a reason;
:func:`owner_merge` then, in one transaction with both owners locked:

1. announces :data:`umkm_portal.events.owner_merging` (at once, inside the transaction):
   each app above the registry re-points its own rows keyed by owner to the survivor and
   says how many it moved, or vetoes the merge by raising (``aid``: both have a live
   application in the same program, which the one-grant rule forbids), undoing everything;
2. moves the registry's own rows: businesses (and with them what hangs on a business:
   applications' business, referrals, reports, cases, visits) and bank accounts (the
   survivor's active account stays the active one);
3. marks the merged owner ``merged_into`` the survivor (kept, never deleted: searching its
   NIK finds the survivor) and writes the :class:`OwnerMerge` record: who, why, when, the
   merged NIK and name, and the rows moved per table.

:func:`owner_pair_dismiss` records that a pair of the queue is not the same person, so it
stays out of the queue. Refusals are ``ValidationError`` (Indonesian) with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from registry import identifiers, selectors
from registry.models import NikCorrection, Owner, OwnerMerge, OwnerPairDismissal
from umkm_portal import events
from umkm_portal.states import TransitionRefused

MERGE_OWNER = "registry.merge_owner"


def _allowed(by) -> None:
    if not (by and by.is_authenticated and by.has_perm(MERGE_OWNER)):
        raise PermissionDenied(_("Anda tidak berwenang menggabungkan pemilik."))


def _locked_pair(survivor: Owner, merged: Owner) -> tuple[Owner, Owner]:
    if survivor.pk == merged.pk:
        raise ValidationError(_("Pemilik tidak dapat digabungkan dengan dirinya sendiri."))
    # Both rows locked, in id order, so two merges of the same pair cannot wait on each
    # other; the second one then sees the first's merged_into and is refused.
    pair = Owner.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
    locked = {owner.pk: owner for owner in pair.order_by("pk")}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    for owner in (survivor, merged):
        if owner.merged_into_id is not None:
            raise ValidationError(
                _("%(name)s (NIK %(nik)s) sudah digabungkan ke pemilik lain.")
                % {"name": owner.full_name, "nik": owner.nik}
            )
    if merged.nik_corrections.filter(state=NikCorrection.State.REQUESTED).exists():
        raise ValidationError(
            _(
                "%(name)s memiliki permintaan perbaikan NIK yang menunggu keputusan; "
                "putuskan dulu permintaan itu."
            )
            % {"name": merged.full_name}
        )
    return survivor, merged


def _move_registry_rows(survivor: Owner, merged: Owner, by) -> dict[str, int]:
    """Businesses and bank accounts, one save each (their history records the move)."""
    reason = f"penggabungan pemilik NIK {merged.nik} ke {survivor.nik}"[:100]
    moved = {"registry.business": 0, "registry.bankaccount": 0}
    for business in merged.businesses.all():
        business.owner = survivor
        business._history_user, business._change_reason = by, reason
        business.save(update_fields=["owner"])
        moved["registry.business"] += 1
    survivor_has_active = survivor.bank_accounts.filter(is_active=True).exists()
    for account in merged.bank_accounts.order_by("-is_active", "pk"):
        fields = ["owner"]
        if account.is_active and survivor_has_active:
            # One active account per owner: the survivor's stays the one paid into.
            account.is_active = False
            fields.append("is_active")
        account.owner = survivor
        account._history_user, account._change_reason = by, reason
        account.save(update_fields=fields)
        moved["registry.bankaccount"] += 1
    return moved


@dataclass
class MergeOutcome:
    """What a merge moves (``counts``: model label -> rows) or why it is refused."""

    counts: dict[str, int] = field(default_factory=dict)
    refusal: str = ""


class _DryRun(Exception):
    def __init__(self, counts):
        self.counts = counts


def _merge(survivor: Owner, merged: Owner, by) -> dict[str, int]:
    counts: dict[str, int] = {}
    try:
        for result in events.send(events.owner_merging, survivor=survivor, merged=merged, by=by):
            counts.update(result or {})
    except TransitionRefused as exc:
        raise ValidationError(exc.message) from exc
    counts.update(_move_registry_rows(survivor, merged, by))
    merged.merged_into = survivor
    merged._history_user = by
    merged._change_reason = f"digabungkan ke NIK {survivor.nik}"[:100]
    merged.save(update_fields=["merged_into", "updated_at"])
    return counts


def owner_merge_preview(*, survivor: Owner, merged: Owner, by) -> MergeOutcome:
    """What :func:`owner_merge` would move, or why it would refuse: the merge itself, run and
    rolled back (nothing is kept, nothing is announced after commit)."""
    try:
        with transaction.atomic():
            survivor, merged = _locked_pair(survivor, merged)
            raise _DryRun(_merge(survivor, merged, by))
    except _DryRun as done:
        return MergeOutcome(counts=done.counts)
    except ValidationError as exc:
        return MergeOutcome(refusal=" ".join(exc.messages))


@transaction.atomic
def owner_merge(*, survivor: Owner, merged: Owner, reason: str, by) -> OwnerMerge:
    """Merge ``merged`` into ``survivor`` (the same person), all or nothing (see module).

    Refuses (nothing written) a user without ``registry.merge_owner`` (PermissionDenied), a
    missing reason, an owner merged already, an open NIK correction of the merged owner, and
    whatever an app above vetoes (ValidationError naming the applications that clash).
    """
    _allowed(by)
    reason = (reason or "").strip()
    if identifiers.is_blank(reason):
        raise ValidationError({"reason": _("Wajib diisi.")})
    survivor, merged = _locked_pair(survivor, merged)
    rules = selectors.owner_merge_candidate(survivor, merged).rules
    merged_nik, merged_name = merged.nik, merged.full_name
    counts = _merge(survivor, merged, by)
    record = OwnerMerge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_nik=merged_nik,
        merged_name=merged_name,
        rules=",".join(rules),
        reason=reason,
        counts=counts,
        by=by,
    )
    return record


@transaction.atomic
def owner_pair_dismiss(*, first: Owner, second: Owner, by, note: str = "") -> OwnerPairDismissal:
    """Record that ``first`` and ``second`` are not the same person: the pair leaves the
    duplicate queue for good. Dismissing a pair twice keeps the first decision."""
    _allowed(by)
    if first.pk == second.pk:
        raise ValidationError(_("Pilih dua pemilik yang berbeda."))
    low, high = sorted((first, second), key=lambda owner: owner.pk)
    existing = OwnerPairDismissal.objects.filter(first=low, second=high).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return OwnerPairDismissal.objects.create(
                first=low, second=high, by=by, note=(note or "").strip()
            )
    except IntegrityError:
        return OwnerPairDismissal.objects.get(first=low, second=high)
