"""Reads of the proposing organisations shared by the admin's list and its to-do item."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from proposers.models import Proposer

# An office without an address or a phone: an owner sent to it reads only its name on the
# status page, and the Dinas's messages about its lists cannot reach it.
MISSING_CONTACT = Q(address="") | Q(phone="")


def missing_contact() -> QuerySet[Proposer]:
    """The active proposers whose address or phone is still empty."""
    return Proposer.objects.filter(MISSING_CONTACT, is_active=True)
