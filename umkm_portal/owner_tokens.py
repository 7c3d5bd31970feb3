"""The signed, expiring token that carries a successful status check to what follows it: the
pengaduan form and the opt-out from messages.

The forms never trust a NIK (or its hash) from the browser: it trusts only what this token,
signed with the server's key when the NIK and phone digits matched, says. It expires after
``COMPLAINT_TOKEN_MAX_AGE`` seconds.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

_SALT = "public.owner-token"


def owner_token(nik_hash: str, owner_id: int | None = None, *, by_list_phone: bool = False) -> str:
    """The token of a successful check; ``owner_id`` when the check found a registered owner
    (whose phone the portal has, so a form that follows need not ask for it);
    ``by_list_phone`` when the digits were those a list proposed the NIK with, not the
    registry's (issue 24.3): that person may not act for the registered owner."""
    data = {"h": nik_hash}
    if owner_id is not None:
        data["o"] = owner_id
    if by_list_phone:
        data["l"] = 1
    return signing.dumps(data, salt=_SALT, compress=True)


def _data(token: str) -> dict:
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=settings.COMPLAINT_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) else {}


def registered_owner_from_token(token: str) -> int | None:
    """The registered owner (id) the token's check found, or None (a refused proposal, or a
    token forged, altered or expired)."""
    owner_id = _data(token).get("o")
    return owner_id if isinstance(owner_id, int) else None


def found_by_list_phone(token: str) -> bool:
    """The token's check matched a list's proposed phone, not the registered owner's: it
    may send a pengaduan of its own, but neither reads the owner's pengaduan nor stops the
    owner's messages."""
    return _data(token).get("l") == 1


def owner_from_token(token: str) -> str | None:
    """The NIK hash the token was issued for, or None when it is forged, altered or expired."""
    data = _data(token)
    nik_hash = data.get("h") if isinstance(data, dict) else None
    return nik_hash if isinstance(nik_hash, str) and len(nik_hash) == 64 else None
