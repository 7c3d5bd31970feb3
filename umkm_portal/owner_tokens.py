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


def owner_token(nik_hash: str) -> str:
    return signing.dumps({"h": nik_hash}, salt=_SALT, compress=True)


def owner_from_token(token: str) -> str | None:
    """The NIK hash the token was issued for, or None when it is forged, altered or expired."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=settings.COMPLAINT_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    nik_hash = data.get("h") if isinstance(data, dict) else None
    return nik_hash if isinstance(nik_hash, str) and len(nik_hash) == 64 else None
