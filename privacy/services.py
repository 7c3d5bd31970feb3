"""Writes of the personal-data access record."""

from privacy.models import AccessLog


def access_log_record(
    *,
    user,
    action: str,
    subject: str,
    object_id: str | int = "",
    rows: int = 0,
    full_identity: bool = False,
    detail: str = "",
) -> AccessLog:
    """Record that ``user`` viewed, exported or downloaded personal data."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        subject=subject,
        object_id=str(object_id),
        rows=rows,
        full_identity=full_identity,
        detail=detail[:255],
    )
