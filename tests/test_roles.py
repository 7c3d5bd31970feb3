"""Each role reaches and changes exactly its part of the admin."""

import pytest
from django.urls import reverse

from aid.models import Application, Status
from tests.factories import ApplicationFactory
from umkm_portal import roles

CHANGELISTS = {
    "owner": "admin:registry_owner_changelist",
    "owner_add": "admin:registry_owner_add",
    "account_add": "admin:registry_bankaccount_add",
    "application": "admin:aid_application_changelist",
    "proposallist_add": "admin:aid_proposallist_add",
    "disbursement": "admin:aid_disbursement_changelist",
    "disbursement_add": "admin:aid_disbursement_add",
    "duplicates": "admin:aid_possibleduplicate_changelist",
    "program_add": "admin:aid_program_add",
    "submissions": "admin:aid_submissionbatch_changelist",
    "submit": "admin:aid_submissionbatch_submit",
    "decisions": "admin:aid_decisionfile_changelist",
    "decision_import": "admin:aid_decisionfile_add",
    "bank_reports": "admin:aid_bankreport_changelist",
    "bank_report_import": "admin:aid_bankreport_add",
}

# Which pages each role may open (everything else must be refused).
REACHABLE = {
    roles.OPERATOR: {"owner", "owner_add", "account_add", "application", "proposallist_add"},
    roles.VERIFIKATOR: {
        "owner",
        "application",
        "duplicates",
        "submissions",
        "submit",
        "decisions",
    },
    roles.BENDAHARA: {
        "owner",
        "application",
        "disbursement",
        "disbursement_add",
        "bank_reports",
        "bank_report_import",
    },
    roles.PIMPINAN: {
        "owner",
        "application",
        "disbursement",
        "duplicates",
        "submissions",
        "decisions",
        "decision_import",
        "bank_reports",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(REACHABLE))
def test_each_role_reaches_exactly_its_pages(role, make_staff, client):
    client.force_login(make_staff(role))
    codes = {name: client.get(reverse(url)).status_code for name, url in CHANGELISTS.items()}
    assert {name for name, code in codes.items() if code == 200} == REACHABLE[role]
    assert {name for name, code in codes.items() if code != 200} == {
        name for name, code in codes.items() if code == 403
    }


def _post_action(client, action, applications, **extra):
    return client.post(
        reverse("admin:aid_application_changelist"),
        {"action": action, "_selected_action": [a.pk for a in applications], **extra},
        follow=True,
    )


@pytest.mark.django_db
def test_verifier_can_verify_and_reject_with_a_reason(make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    a, b = ApplicationFactory(), ApplicationFactory()

    asked = _post_action(client, "verify", [a])
    assert "1 permohonan akan diverifikasi." in asked.content.decode()
    response = _post_action(client, "verify", [a], confirm="1")
    assert "1 permohonan diverifikasi" in response.content.decode()

    form_page = _post_action(client, "reject", [b])
    assert "Alasan penolakan" in form_page.content.decode()
    _post_action(client, "reject", [b], confirm="1", reason_code="incomplete", note="KTP buram")

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Status.VERIFIED
    assert (b.status, b.reason_code) == (Status.REJECTED, "incomplete")
    assert b.status_changes.get().note == "KTP buram"


@pytest.mark.django_db
def test_refused_action_is_reported_and_changes_nothing(make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    done = ApplicationFactory(status=Status.TRANSFERRED)
    response = _post_action(client, "verify", [done], confirm="1")
    assert "tidak dapat diubah" in response.content.decode()
    done.refresh_from_db()
    assert done.status == Status.TRANSFERRED


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.OPERATOR, roles.BENDAHARA, roles.PIMPINAN])
def test_other_roles_cannot_verify(role, make_staff, client):
    client.force_login(make_staff(role))
    application = ApplicationFactory()
    _post_action(client, "verify", [application], confirm="1")
    assert Application.objects.get(pk=application.pk).status == Status.PROPOSED


@pytest.mark.django_db
def test_operator_adds_an_owner_through_the_admin_with_normalised_identifiers(make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    response = client.post(
        reverse("admin:registry_owner_add"),
        {
            "nik": "3275 0117 0890 0001",
            "full_name": "Budi",
            "phone": "+62 812 3456 7890",
            "ktp_address": "Jl. Melati",
            "kk_number": "",
            "rt": "",
            "rw": "",
            "lives_in_bekasi": "on",
            "businesses-TOTAL_FORMS": "0",
            "businesses-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    from registry.models import Owner

    owner = Owner.objects.get()
    assert (owner.nik, owner.phone, owner.sex) == ("3275011708900001", "+6281234567890", "M")
    assert owner.history.first().history_user.username == "operator"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(roles.ROLE_PERMISSIONS))
def test_after_all_migrations_each_group_holds_exactly_its_listed_permissions(role):
    from django.contrib.auth.models import Group

    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == set(roles.ROLE_PERMISSIONS[role])
