"""Issue 11, finding 3: a paid owner's NIK cannot be changed to free the NIK for a second
grant. The owner form refuses it; a correction needs a second person's approval."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from aid import services as aid_services
from aid.models import Application, Status
from registry import services
from registry.models import NikCorrection, Owner
from tests.factories import ApplicationFactory, BusinessFactory, OwnerFactory
from umkm_portal import roles

NEW_NIK = "3275015505910002"


@pytest.fixture
def paid(program):
    return ApplicationFactory(program=program, status=Status.TRANSFERRED)


@pytest.fixture
def operator(make_staff):
    return make_staff(roles.OPERATOR)


def _owner_form(owner, **changes):
    data = {
        "nik": owner.nik,
        "full_name": owner.full_name,
        "phone": owner.phone,
        "ktp_address": owner.ktp_address,
        "kk_number": "",
        "rt": "",
        "rw": "",
        "lives_in_bekasi": "on",
        "businesses-TOTAL_FORMS": "1",
        "businesses-INITIAL_FORMS": "1",
        "businesses-0-id": owner.businesses.get().pk,
        "businesses-0-owner": owner.pk,
        **changes,
    }
    return data


@pytest.mark.django_db
def test_operator_cannot_change_the_nik_of_a_paid_owner_in_the_owner_form(paid, operator, client):
    owner = paid.owner
    original = owner.nik
    client.force_login(operator)
    url = reverse("admin:registry_owner_change", args=[owner.pk])
    response = client.post(url, _owner_form(owner, nik=NEW_NIK, full_name="Nama Diperbaiki"))
    assert response.status_code == 302
    owner.refresh_from_db()
    # The rest of the form is saved; the NIK is not.
    assert (owner.nik, owner.full_name) == (original, "Nama Diperbaiki")


@pytest.mark.django_db
def test_owner_update_service_refuses_a_new_nik_once_the_owner_has_an_application(paid):
    owner = paid.owner
    with pytest.raises(ValidationError) as refused:
        services.owner_update(
            owner=owner, nik=NEW_NIK, full_name=owner.full_name, ktp_address=owner.ktp_address
        )
    assert "perbaikan NIK" in refused.value.message_dict["nik"][0]
    assert Owner.objects.get(pk=owner.pk).nik == owner.nik


@pytest.mark.django_db
def test_owner_without_applications_can_still_have_a_mistyped_nik_fixed(db):
    owner = OwnerFactory()
    services.owner_update(
        owner=owner, nik=NEW_NIK, full_name=owner.full_name, ktp_address=owner.ktp_address
    )
    assert Owner.objects.get(pk=owner.pk).nik == NEW_NIK


@pytest.mark.django_db
def test_nik_correction_needs_another_persons_approval_and_keeps_history(paid, operator, verifier):
    owner = paid.owner
    old = owner.nik
    correction = services.nik_correction_request(
        owner=owner, new_nik=NEW_NIK, reason="Salah ketik, sesuai KTP asli", by=operator
    )
    assert Owner.objects.get(pk=owner.pk).nik == old
    # The requester cannot approve (even with the permission); a role without it cannot.
    with pytest.raises(PermissionDenied):
        services.nik_correction_approve(correction=correction, by=operator)
    operator.user_permissions.add(Permission.objects.get(codename="approve_nikcorrection"))
    operator = type(operator).objects.get(pk=operator.pk)
    with pytest.raises(ValidationError, match="petugas lain"):
        services.nik_correction_approve(correction=correction, by=operator)

    services.nik_correction_approve(correction=correction, by=verifier)
    owner.refresh_from_db()
    correction.refresh_from_db()
    assert owner.nik == NEW_NIK and owner.birth_date.isoformat() == "1991-05-15"
    assert (correction.state, correction.old_nik, correction.new_nik) == ("approved", old, NEW_NIK)
    assert (correction.requested_by, correction.decided_by) == (operator, verifier)
    assert correction.decided_at is not None
    latest = owner.history.first()
    assert latest.history_user == verifier and "perbaikan NIK" in latest.history_change_reason


@pytest.mark.django_db
def test_nik_correction_to_another_owners_nik_is_refused(paid, operator, verifier):
    other = OwnerFactory()
    with pytest.raises(ValidationError):
        services.nik_correction_request(
            owner=paid.owner, new_nik=other.nik, reason="x", by=operator
        )
    correction = services.nik_correction_request(
        owner=paid.owner, new_nik=NEW_NIK, reason="x", by=operator
    )
    OwnerFactory(nik=NEW_NIK)  # registered meanwhile
    with pytest.raises(ValidationError, match="pemilik lain"):
        services.nik_correction_approve(correction=correction, by=verifier)
    assert NikCorrection.objects.get().state == "requested"


@pytest.mark.django_db
def test_the_old_nik_of_a_paid_owner_cannot_be_proposed_again_in_a_one_time_program(
    paid, program, operator, verifier
):
    """The probe: change a paid owner's NIK, then propose the original NIK again."""
    original = paid.owner.nik
    correction = services.nik_correction_request(
        owner=paid.owner, new_nik=NEW_NIK, reason="KTP baru", by=operator
    )
    services.nik_correction_approve(correction=correction, by=verifier)
    again = BusinessFactory(owner=OwnerFactory(nik=original))
    with pytest.raises(ValidationError, match="hanya diberikan sekali"):
        aid_services.application_create(business=again, program=program, by=operator)
    assert Application.objects.filter(program=program).count() == 1


@pytest.mark.django_db
def test_correction_onto_a_nik_that_a_paid_owner_held_before_is_refused(
    paid, program, operator, verifier
):
    """Both NIKs count: moving an applicant onto a NIK already paid under another owner
    would give that NIK two grants in a one-time program."""
    held = paid.owner.nik
    services.nik_correction_approve(
        correction=services.nik_correction_request(
            owner=paid.owner, new_nik=NEW_NIK, reason="KTP baru", by=operator
        ),
        by=verifier,
    )
    applicant = ApplicationFactory(program=program).owner
    correction = services.nik_correction_request(
        owner=applicant, new_nik=held, reason="?", by=operator
    )
    with pytest.raises(ValidationError, match="hanya sekali per NIK"):
        services.nik_correction_approve(correction=correction, by=verifier)
    assert Owner.objects.get(pk=applicant.pk).nik != held


@pytest.mark.django_db
def test_database_refuses_a_decision_by_the_requester_and_two_open_requests(paid, operator):
    correction = services.nik_correction_request(
        owner=paid.owner, new_nik=NEW_NIK, reason="x", by=operator
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        NikCorrection.objects.filter(pk=correction.pk).update(
            state="approved", decided_by=operator, decided_at=correction.requested_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        NikCorrection.objects.create(
            owner=paid.owner,
            old_nik=paid.owner.nik,
            new_nik="3275015505910003",
            reason="x",
            requested_by=operator,
        )


@pytest.mark.django_db
def test_admin_request_and_approval_pages(paid, operator, verifier, client):
    client.force_login(operator)
    response = client.post(
        reverse("admin:registry_nikcorrection_add"),
        {"owner": paid.owner.pk, "new_nik": "3275 0155 0591 0002", "reason": "Salah ketik"},
    )
    assert response.status_code == 302, response.context["errors"]
    correction = NikCorrection.objects.get()
    assert correction.requested_by == operator
    client.force_login(verifier)
    client.post(
        reverse("admin:registry_nikcorrection_changelist"),
        {"action": "approve", "_selected_action": [correction.pk]},
    )
    assert Owner.objects.get(pk=paid.owner.pk).nik == NEW_NIK


@pytest.mark.django_db
def test_a_list_proposing_the_old_nik_of_a_paid_owner_is_refused_at_import(
    paid, program, operator, verifier
):
    """The probe through the import: after an approved correction, a proposal list with the
    owner's original NIK is refused for that row instead of creating a second owner."""
    import io

    from tests.lists import as_csv

    original = paid.owner.nik
    services.nik_correction_approve(
        correction=services.nik_correction_request(
            owner=paid.owner, new_nik=NEW_NIK, reason="KTP baru", by=operator
        ),
        by=verifier,
    )
    content = as_csv(
        [
            original,
            "Nama Lama",
            "Jl. Melati 1",
            "Bekasi Timur",
            "Warung",
            "Kuliner",
            "081299990000",
        ],
        [
            "3275091203800042",
            "Budi",
            "Jl. Kenari 2",
            "Jatiasih",
            "Bengkel",
            "Otomotif",
            "081299990001",
        ],
        [
            "3275085506900043",
            "Cici",
            "Jl. Mawar 3",
            "Pondokgede",
            "Jahit",
            "Konveksi",
            "081299990002",
        ],
    )
    proposal_list = aid_services.proposal_list_upload(
        program=program,
        proposer_name="Kelurahan Arenjaya",
        proposer_kind="kelurahan",
        file=io.BytesIO(content),
        filename="ulang.csv",
        by=operator,
    )
    proposal_list.refresh_from_db()
    assert proposal_list.import_status == "staged", proposal_list.import_error
    assert proposal_list.counts["rejected"] == {"already_received": 1}
    assert aid_services.proposal_list_confirm(proposal_list=proposal_list, by=operator) == 2
    assert Owner.objects.filter(nik=original).count() == 0
    assert Application.objects.filter(program=program, owner__nik=NEW_NIK).count() == 1
