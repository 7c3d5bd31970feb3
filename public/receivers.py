"""What the status page does when the core announces an event (umkm_portal/events.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from complaints.services import complaints_carry
from public import services


def proposal_list_merged(*, proposal_list, **kwargs) -> None:
    """Keep the status page's record of the rows the merged list refused, in the merge's
    transaction (sent with ``events.send``): no merge without its record, nor the reverse."""
    services.refused_proposals_record(proposal_list=proposal_list)


def retention_due(*, dry_run: bool, **kwargs) -> str:
    """Delete refused-proposal records past REFUSED_PROPOSAL_RETENTION_DAYS; one line for
    the operator."""
    cutoff = timezone.now() - timedelta(days=settings.REFUSED_PROPOSAL_RETENTION_DAYS)
    count = services.refused_proposals_purge(older_than=cutoff, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    return f"{verb} {count} refused-proposal record(s) written before {cutoff:%Y-%m-%d}"


def owner_merging(*, survivor, merged, **kwargs) -> dict[str, int]:
    """Two owners merged as one person: the pengaduan sent under the merged owner's NIK
    (kept by its keyed hash, which this app computes) are listed under the survivor's NIK.
    The lookup log and refused-proposal records stay as they were (what was typed then)."""
    moved = complaints_carry(
        from_hash=services.nik_digest(merged.nik), to_hash=services.nik_digest(survivor.nik)
    )
    return {"complaints.complaint": moved}
