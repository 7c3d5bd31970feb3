"""What the pengaduan app does when the core announces an event (umkm_portal/events.py)."""

from __future__ import annotations

from complaints.models import Complaint
from public.services import nik_digest


def owner_merging(*, survivor, merged, **kwargs) -> dict[str, int]:
    """Requests sent under the merged owner's NIK (kept by its keyed hash) become the
    survivor's: the status check with the survivor's NIK lists them."""
    moved = Complaint.objects.filter(nik_hash=nik_digest(merged.nik)).update(
        nik_hash=nik_digest(survivor.nik)
    )
    return {"complaints.complaint": moved}
