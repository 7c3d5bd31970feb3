"""A proposal list's import status moves only as aid.transitions.IMPORT_ALLOWED says."""

import pytest
from django.core.exceptions import ValidationError

from aid import services, transitions
from aid.models import ImportStatus, ProposalList


@pytest.fixture
def proposal_list(program):
    return ProposalList.objects.create(
        program=program, proposer_name="Kelurahan Aren Jaya", import_status=ImportStatus.UPLOADED
    )


def test_only_one_of_two_workers_claims_an_uploaded_list(proposal_list):
    first = ProposalList.objects.get(pk=proposal_list.pk)
    second = ProposalList.objects.get(pk=proposal_list.pk)

    assert transitions.import_move(first, ImportStatus.PROCESSING) is True
    assert transitions.import_move(second, ImportStatus.PROCESSING) is False
    assert second.import_status == ImportStatus.UPLOADED  # the loser's copy is left alone
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == ImportStatus.PROCESSING


@pytest.mark.parametrize(
    "final", [ImportStatus.MERGED, ImportStatus.CANCELLED, ImportStatus.REFUSED]
)
def test_a_finished_list_does_not_move_again(proposal_list, final):
    ProposalList.objects.filter(pk=proposal_list.pk).update(import_status=final)
    proposal_list.refresh_from_db()

    for target in ImportStatus.values:
        assert transitions.import_move(proposal_list, target) is False
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == final


def test_a_cancelled_list_cannot_be_merged_and_says_why(proposal_list, verifier):
    services.proposal_list_cancel(proposal_list=proposal_list)

    with pytest.raises(ValidationError, match="Dibatalkan"):
        services.proposal_list_confirm(proposal_list=proposal_list, by=verifier)
