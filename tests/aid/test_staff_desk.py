"""The staff desk in the admin: readable columns, filters that stay small, a confirmation
before many applications move, and a status history that reads as sentences."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aid import services
from aid.admin.applications import ProposalListFilter, applications_of_list_url
from aid.models import Application, PossibleDuplicate, ProposalList, Reason, Status
from registry.models import Region
from tests.aid.conftest import in_status, statuses

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/aid/application/"


def _list(program, name: str, received_on=datetime.date(2020, 8, 20)) -> ProposalList:
    return ProposalList.objects.create(
        program=program,
        proposer_name=name,
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        received_on=received_on,
        import_status="merged",
    )


def _shown(response) -> list[int]:
    return [a.pk for a in response.context["cl"].result_list]


def test_the_list_shows_name_nik_status_badge_program_list_and_date(client, program, verifier):
    application = in_status(program, Status.REJECTED)
    client.force_login(verifier)

    text = client.get(CHANGELIST).content.decode()

    headers = ["Pemilik", "NIK", "Status", "Program", "Daftar usulan", "Diusulkan"]
    positions = [text.index(f">{h}<") for h in headers]
    assert positions == sorted(positions), "columns in the order staff read them"
    assert '<span class="badge badge-rejected">Ditolak</span>' in text
    assert '<span class="reason">Alasan lain</span>' in text
    assert ">PK<" not in text
    assert application.owner.nik in text
    assert "nav-sidebar" not in text  # the side menu would take a quarter of the screen


def test_the_proposal_list_filter_offers_recent_lists_and_any_list_by_url(
    client, program, verifier
):
    oldest = _list(program, "Daftar tertua", datetime.date(2019, 1, 1))
    for day in range(ProposalListFilter.shown + 5):
        _list(program, f"Daftar {day}", datetime.date(2020, 8, 1) + datetime.timedelta(day))
    mine = in_status(program)
    Application.objects.filter(pk=mine.pk).update(proposal_list=oldest)
    in_status(program)
    client.force_login(verifier)

    unfiltered = client.get(CHANGELIST).content.decode()
    filtered = client.get(applications_of_list_url(oldest))

    assert "Daftar 24 (" in unfiltered and "Daftar 4 (" not in unfiltered
    assert "Daftar tertua (01-01-2019)" not in unfiltered
    assert _shown(filtered) == [mine.pk]
    assert "Daftar tertua (01-01-2019)" in filtered.content.decode()
    assert _shown(client.get(CHANGELIST, {"daftar": "x"})) == []


def test_proposal_list_names_open_their_review_page(client, program, verifier):
    proposal_list = _list(program, "Kelurahan Jatiwaringin")
    client.force_login(verifier)

    text = client.get("/admin/aid/proposallist/").content.decode()

    review = reverse("admin:aid_proposallist_import", args=[proposal_list.pk])
    assert f'<a href="{review}">Kelurahan Jatiwaringin</a>' in text
    assert applications_of_list_url(proposal_list).replace("&", "&amp;") in text


def test_kelurahan_filter_appears_with_its_kecamatan_and_filters(client, program, verifier):
    application = in_status(program)
    kelurahan = application.business.kelurahan
    client.force_login(verifier)

    without = client.get(CHANGELIST).content.decode()
    within = client.get(CHANGELIST, {"kecamatan": kelurahan.parent_id})
    chosen = client.get(CHANGELIST, {"kecamatan": kelurahan.parent_id, "kelurahan": kelurahan.pk})
    other = Region.objects.filter(parent=kelurahan.parent).exclude(pk=kelurahan.pk).first()

    assert "kelurahan usaha" not in without
    assert kelurahan.name in within.content.decode()
    assert _shown(chosen) == [application.pk]
    assert _shown(client.get(CHANGELIST, {"kelurahan": other.pk})) == []
    assert _shown(client.get(CHANGELIST, {"kelurahan": "x"})) == []


def test_date_range_filter_takes_both_ends_inclusive(client, program, verifier):
    early, late = in_status(program), in_status(program)
    jakarta = timezone.get_current_timezone()
    Application.objects.filter(pk=early.pk).update(
        proposed_at=datetime.datetime(2020, 8, 17, 23, 30, tzinfo=jakarta)
    )
    Application.objects.filter(pk=late.pk).update(
        proposed_at=datetime.datetime(2020, 8, 20, 8, 0, tzinfo=jakarta)
    )
    client.force_login(verifier)

    def shown(**dates):
        return _shown(client.get(CHANGELIST, dates))

    assert shown(diusulkan_dari="2020-08-17", diusulkan_sampai="2020-08-17") == [early.pk]
    assert shown(diusulkan_dari="2020-08-18") == [late.pk]
    assert shown(diusulkan_sampai="2020-08-20") == [late.pk, early.pk]
    assert shown(diusulkan_dari="kemarin") == [late.pk, early.pk]  # unreadable: ignored


def test_verifying_many_asks_first_with_the_count_and_the_held_back(client, program, verifier):
    plain = [in_status(program) for _ in range(3)]
    flagged, other = in_status(program), in_status(program, Status.VERIFIED)
    PossibleDuplicate.objects.create(application=flagged, other=other, rules="phone")
    client.force_login(verifier)
    chosen = {"action": "verify", "_selected_action": [a.pk for a in [*plain, flagged]]}

    asked = client.post(CHANGELIST, chosen)
    text = asked.content.decode()

    assert asked.status_code == 200
    # Issue 25.7: how many will be verified and how many held, apart (not "4 … 1 of them").
    assert "3 permohonan akan diverifikasi." in text
    assert "1 lainnya ditahan dan tidak diverifikasi" in text
    assert statuses(*plain) == [Status.PROPOSED] * 3

    done = client.post(CHANGELIST, {**chosen, "confirm": "1"}, follow=True)

    assert "3 permohonan diverifikasi" in done.content.decode()
    assert statuses(*plain, flagged) == [Status.VERIFIED] * 3 + [Status.PROPOSED]


def test_verify_confirmation_counts_with_thousands_separators(client, program, verifier):
    client.force_login(verifier)
    in_status(program)
    response = client.post(
        CHANGELIST, {"action": "verify", "select_across": "1", "_selected_action": ["0"]}
    )
    assert "1 permohonan akan diverifikasi." in response.content.decode()


def test_the_status_history_reads_as_sentences(client, program, verifier):
    application = in_status(program)
    services.applications_reject(
        applications=Application.objects.filter(pk=application.pk),
        by=verifier,
        reason_code=Reason.INCOMPLETE,
        note="KTP buram",
        source="admin: verifikasi",
    )
    change = application.status_changes.get()
    client.force_login(verifier)

    text = client.get(reverse("admin:aid_application_change", args=[application.pk])).content

    assert str(change) == "Diusulkan → Ditolak"
    sentence = (
        f"Diusulkan → Ditolak, oleh {verifier.username}, alasan: Data kurang lengkap "
        "(catatan: KTP buram), sumber: admin: verifikasi"
    )
    assert change.describe() == sentence
    assert sentence in text.decode()
    assert "∅" not in text.decode()


def test_disbursements_and_programs_show_rupiah(client, program, make_staff):
    from aid.models import Disbursement

    application = in_status(program, Status.TRANSFERRED)
    Disbursement.objects.create(
        application=application,
        amount=2_400_000,
        bank_code="002",
        account_number="1234567890",
        holder_name="X",
        transferred_at=timezone.now(),
        bank_reference="REF-1",
        outcome="success",
    )
    client.force_login(make_staff(None))

    assert "Rp2.400.000" in client.get("/admin/aid/disbursement/").content.decode()
    assert "Rp2.400.000" in client.get("/admin/aid/program/").content.decode()
