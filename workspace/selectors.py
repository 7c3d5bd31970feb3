"""Who sees what in a proposer's workspace: one place that scopes every query.

A Pengusul sees only their organisation's lists, the rows of those lists and the
applications those lists produced; everything else is out of scope and answers 404 (the
views look objects up through these querysets, never through the models directly).
"""

from __future__ import annotations

from django.db.models import QuerySet

from aid.models import Application, ImportRow, ProposalList
from proposers.models import Proposer, ProposerMember


def proposer_of(user) -> Proposer | None:
    """The organisation the account works for, or None (not a proposer's staff, or the
    organisation is no longer active)."""
    if not getattr(user, "is_authenticated", False):
        return None
    member = (
        ProposerMember.objects.select_related("proposer")
        .filter(user=user, proposer__is_active=True)
        .first()
    )
    return member.proposer if member else None


def lists_for(proposer: Proposer) -> QuerySet[ProposalList]:
    return ProposalList.objects.filter(proposer=proposer).select_related("program")


def rows_for(proposer: Proposer) -> QuerySet[ImportRow]:
    return ImportRow.objects.filter(proposal_list__proposer=proposer)


def applications_for(proposer: Proposer) -> QuerySet[Application]:
    return Application.objects.filter(proposal_list__proposer=proposer)
