"""Verification one by one and in bulk, and the queue of possible duplicates."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from aid import services, transitions
from aid.models import Application, PossibleDuplicate, Reason, Status, StatusChange
from privacy.models import AccessLog
from tests.aid.conftest import in_status, statuses
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_bulk_verify_moves_the_proposed_and_explains_each_refusal(program, verifier):
    proposed = [in_status(program) for _ in range(3)]
    rejected = in_status(program, Status.REJECTED)

    result = services.applications_verify(
        applications=Application.objects.all(), by=verifier, source="uji"
    )

    assert result.moved == 3
    assert statuses(*proposed) == [Status.VERIFIED] * 3
    assert result.refused == {
        rejected.pk: 'Status tidak dapat diubah dari "Ditolak" menjadi "Terverifikasi".'
    }
    assert StatusChange.objects.filter(to_status=Status.VERIFIED, by=verifier).count() == 3


def test_bulk_reject_records_the_reason_on_every_application(program, verifier):
    apps = [in_status(program) for _ in range(2)]
    services.applications_reject(
        applications=Application.objects.all(),
        by=verifier,
        reason_code=Reason.INCOMPLETE,
        note="alamat kosong",
    )
    for application in Application.objects.all():
        assert (application.status, application.reason_code) == (
            Status.REJECTED,
            Reason.INCOMPLETE,
        )
        assert application.status_changes.get().note == "alamat kosong"
    assert len(apps) == 2


def test_admin_bulk_action_reports_refused_rows_by_name(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    ok, done = in_status(program), in_status(program, Status.TRANSFERRED)
    response = client.post(
        reverse("admin:aid_application_changelist"),
        {"action": "verify", "_selected_action": [ok.pk, done.pk], "confirm": "1"},
        follow=True,
    )
    text = response.content.decode()
    assert "1 permohonan diverifikasi" in text
    assert f"#{done.pk} {done.owner.full_name}" in text
    assert statuses(ok, done) == [Status.VERIFIED, Status.TRANSFERRED]


def _pair(program, *, earlier_status=Status.PROPOSED, later_status=Status.PROPOSED):
    earlier = in_status(program, earlier_status)
    later = in_status(program, later_status)
    Application.objects.filter(pk=earlier.pk).update(
        proposed_at=timezone.now() - datetime.timedelta(days=3)
    )
    flag = PossibleDuplicate.objects.create(
        application=earlier, other=later, rules="name_birth_date,phone"
    )
    return earlier, later, flag


def test_same_person_rejects_the_later_application_as_duplicate(program, verifier):
    earlier, later, flag = _pair(program)

    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.SAME_PERSON, by=verifier, note="KK sama"
    )

    later.refresh_from_db()
    assert (later.status, later.reason_code) == (Status.REJECTED, Reason.DUPLICATE_EXISTING)
    assert statuses(earlier) == [Status.PROPOSED]
    record = later.status_changes.get()
    assert record.by == verifier
    assert record.note_text == f"Orang yang sama dengan permohonan #{earlier.pk}. KK sama"
    with translation.override("en"):
        assert record.note_text == f"Same person as application #{earlier.pk}. KK sama"
    assert record.source == f"kemungkinan data ganda #{flag.pk}"
    flag.refresh_from_db()
    assert flag.decision == PossibleDuplicate.Decision.SAME_PERSON
    assert (flag.decided_by, flag.note) == (verifier, "KK sama")


def test_different_people_clears_the_flag_and_both_go_on(program, verifier):
    earlier, later, flag = _pair(program)
    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.DIFFERENT_PEOPLE, by=verifier
    )
    flag.refresh_from_db()
    assert flag.decision == PossibleDuplicate.Decision.DIFFERENT_PEOPLE
    assert flag.decided_at is not None
    assert statuses(earlier, later) == [Status.PROPOSED, Status.PROPOSED]


def test_a_decided_flag_cannot_be_decided_again(program, verifier):
    _, later, flag = _pair(program)
    services.possible_duplicate_decide(
        flag=flag, decision=PossibleDuplicate.Decision.DIFFERENT_PEOPLE, by=verifier
    )
    with pytest.raises(transitions.TransitionRefused, match="sudah diputuskan"):
        services.possible_duplicate_decide(
            flag=flag, decision=PossibleDuplicate.Decision.SAME_PERSON, by=verifier
        )
    assert statuses(later) == [Status.PROPOSED]


def test_same_person_is_refused_when_the_later_one_was_already_paid(program, verifier):
    _, later, flag = _pair(program, later_status=Status.TRANSFERRED)
    with pytest.raises(transitions.TransitionRefused, match="Ditransfer"):
        services.possible_duplicate_decide(
            flag=flag, decision=PossibleDuplicate.Decision.SAME_PERSON, by=verifier
        )
    flag.refresh_from_db()
    assert flag.decision == ""
    assert statuses(later) == [Status.TRANSFERRED]


def test_the_queue_lists_open_flags_and_shows_both_records_side_by_side(
    program, make_staff, client
):
    client.force_login(make_staff(roles.VERIFIKATOR))
    earlier, later, flag = _pair(program)
    decided = _pair(program)[2]
    PossibleDuplicate.objects.filter(pk=decided.pk).update(decision="different_people")

    queue = client.get(reverse("admin:aid_possibleduplicate_changelist")).content.decode()
    assert later.owner.full_name in queue
    assert decided.application.owner.full_name not in queue

    page = client.get(reverse("admin:aid_possibleduplicate_change", args=[flag.pk]))
    text = page.content.decode()
    for application in (earlier, later):
        assert application.owner.full_name in text
        assert application.owner.nik in text  # the verifier may see full identities
        assert application.business.name in text
    assert "Orang yang sama" in text and "Orang berbeda" in text
    assert AccessLog.objects.filter(subject="aid.possibleduplicate", object_id=flag.pk).exists()

    response = client.post(
        reverse("admin:aid_possibleduplicate_change", args=[flag.pk]),
        {"decision": "same_person", "note": "dicek ke kelurahan"},
        follow=True,
    )
    assert "Keputusan dicatat" in response.content.decode()
    assert statuses(later) == [Status.REJECTED]


def test_pimpinan_sees_the_pair_masked_and_cannot_decide(program, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    _, later, flag = _pair(program)
    url = reverse("admin:aid_possibleduplicate_change", args=[flag.pk])
    text = client.get(url).content.decode()
    assert later.owner.nik not in text
    assert "Orang yang sama" not in text
    assert client.post(url, {"decision": "same_person"}).status_code == 403
    assert statuses(later) == [Status.PROPOSED]
