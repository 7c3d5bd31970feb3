"""The kelurahan hears back: when the Dinas merges or returns its list, the workspace shows
it and a message goes to the proposer's contact number through the outbox."""

import io
import re

import pytest
from django.urls import reverse

from aid import services
from aid.importing import review
from aid.models import ProposalList
from notifications import services as notifications_services
from notifications.models import Event, OutboxMessage
from privacy.models import AccessLog
from tests.aid.conftest import xlsx_rows
from tests.lists import as_csv
from tests.proposers.conftest import upload_file
from tests.proposers.test_workspace import BAD_PHONE, GOOD, NO_ADDRESS
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(aren, aren_client, program):
    aren.phone = "0812-3456-7890"
    aren.save()
    upload_file(aren_client, program, as_csv(*GOOD))
    proposal_list = ProposalList.objects.get()
    services.proposal_list_submit(
        proposal_list=proposal_list,
        by=None,
        sptjm_name="Sri",
        sptjm_position="Lurah",
        sptjm_agreed=True,
    )
    return proposal_list


def test_a_merged_list_is_shown_and_told_to_the_proposers_contact(
    sent, aren_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_list_confirm(proposal_list=sent, by=None)

    message = OutboxMessage.objects.get(event=Event.LIST_MERGED)
    assert (message.object_id, message.phone) == (sent.pk, "+6281234567890")
    assert f"#{sent.pk}" in message.text and "2 usulan baru" in message.text
    assert "digabungkan" in message.text
    assert message.status == OutboxMessage.Status.SENT  # a staff-kept number: no new-number cap
    assert not re.search(r"\d{6,}", message.text)
    home = aren_client.get(reverse("proposers:home")).content.decode()
    assert "Digabungkan oleh Dinas pada" in home and "2 usulan baru" in home


def test_a_returned_list_is_told_without_the_note(
    sent, aren_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_list_return(
            proposal_list=sent, by=None, note="Nama usaha Budi 3275091203800022 keliru."
        )

    message = OutboxMessage.objects.get(event=Event.LIST_RETURNED)
    assert message.phone == "+6281234567890" and "dikembalikan" in message.text
    assert "Budi" not in message.text
    home = aren_client.get(reverse("proposers:home")).content.decode()
    assert "Dikembalikan oleh Dinas pada" in home


def test_a_list_returned_again_after_it_was_sent_again_is_told_again(
    sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_list_return(proposal_list=sent, by=None, note="Lengkapi alamat.")
    services.proposal_list_submit(
        proposal_list=sent, by=None, sptjm_name="Sri", sptjm_position="Lurah", sptjm_agreed=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_list_return(proposal_list=sent, by=None, note="Masih kurang.")
    # The task of the second return run twice (a retry): still one message for it.
    notifications_services.notifications_queue_for_proposal_list(
        event=Event.LIST_RETURNED, proposal_list_id=sent.pk
    )

    first, second = OutboxMessage.objects.filter(event=Event.LIST_RETURNED).order_by("pk")
    assert first.object_id == second.object_id == sent.pk
    assert first.occurrence != second.occurrence
    assert second.status == OutboxMessage.Status.SENT


def test_a_proposer_without_a_mobile_number_gets_no_message_and_the_merge_stands(
    sent, aren, django_capture_on_commit_callbacks
):
    aren.phone = "(021) 884 1234"
    aren.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.proposal_list_confirm(proposal_list=sent, by=None) == 2

    assert not OutboxMessage.objects.exists()


def test_staff_download_only_the_refused_rows_of_a_list_they_uploaded_for_a_proposer(
    aren, program, make_staff, client
):
    operator = make_staff(roles.OPERATOR)
    services.proposal_list_upload(
        program=program,
        proposer=aren,
        file=io.BytesIO(as_csv(*GOOD, NO_ADDRESS, BAD_PHONE)),
        filename="arenjaya-dari-dinas.csv",
        by=operator,
    )
    proposal_list = ProposalList.objects.get()
    assert not proposal_list.sent_by_proposer
    client.force_login(operator)
    listing = client.get(reverse("admin:aid_proposallist_changelist")).content.decode()
    url = reverse("admin:aid_proposallist_refused", args=[proposal_list.pk])
    assert url in listing and "2 baris ditolak (Excel)" in listing

    response = client.get(url)

    assert 'filename="baris-ditolak-kelurahan-arenjaya-daftar-' in response["Content-Disposition"]
    rows = xlsx_rows(b"".join(response.streaming_content))
    full = xlsx_rows(review.outcome_xlsx(proposal_list).read())
    assert rows[0] == full[0]  # the outcome file's columns
    assert [row[:2] for row in rows[1:]] == [[4, NO_ADDRESS[0]], [5, BAD_PHONE[0]]]
    assert all(row[-2] for row in rows[1:])  # each with its reason
    assert AccessLog.objects.filter(subject="aid.importrow", rows=2).exists()


def test_a_list_the_proposer_sent_itself_has_no_separate_refused_file(sent, make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    listing = client.get(reverse("admin:aid_proposallist_changelist")).content.decode()
    assert reverse("admin:aid_proposallist_refused", args=[sent.pk]) not in listing
