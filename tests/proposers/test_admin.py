"""The Dinas's admin pages of proposers and their staff save through proposers.services:
what staff type is what is kept, with its history, and a refusal shows on the form."""

import pytest
from django.contrib.auth import get_user_model

from proposers.models import Proposer, ProposerMember
from umkm_portal import roles

FORM = {
    "name": "Koperasi  Sejahtera",
    "kind": Proposer.Kind.KOPERASI,
    "contact_name": "Bu Rina",
    "phone": "081234567890",
    "address": "Jl. Cut Mutia 1",
    "opening_hours": "Senin-Jumat 08.00-15.00",
    "is_active": "on",
    "members-TOTAL_FORMS": "0",
    "members-INITIAL_FORMS": "0",
}


@pytest.fixture
def operator_client(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))
    return client


def _members(proposer, **rows):
    members = list(proposer.members.order_by("pk"))
    data = {"members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": str(len(members))}
    for i, member in enumerate(members):
        data[f"members-{i}-id"] = str(member.pk)
        data[f"members-{i}-proposer"] = str(proposer.pk)
        data[f"members-{i}-position"] = member.position
    for key, value in rows.items():
        data[f"members-{key}"] = value
    return data


def test_a_proposer_added_and_changed_in_the_admin_is_kept_with_its_history(operator_client):
    response = operator_client.post("/admin/proposers/proposer/add/", FORM)
    assert response.status_code == 302
    proposer = Proposer.objects.get()
    assert proposer.name == "Koperasi Sejahtera"  # spacing tidied by the service
    assert proposer.history.get().history_user.username == "operator"

    data = {**FORM, "phone": "0219999999", **_members(proposer)}
    response = operator_client.post(f"/admin/proposers/proposer/{proposer.pk}/change/", data)
    assert response.status_code == 302
    proposer.refresh_from_db()
    assert proposer.phone == "0219999999"
    assert proposer.history.count() == 2


def test_a_taken_name_is_refused_on_the_form(operator_client):
    Proposer.objects.create(name="Koperasi Sejahtera", kind=Proposer.Kind.KOPERASI)
    response = operator_client.post("/admin/proposers/proposer/add/", FORM)
    assert response.status_code == 200
    assert Proposer.objects.count() == 1
    assert response.context["adminform"].form.errors


def test_members_are_changed_and_taken_off_from_the_proposer_page(operator_client, officer, aren):
    data = {
        **FORM,
        "name": aren.name,
        "kind": aren.kind,
        **_members(aren, **{"0-position": "Lurah"}),
    }
    response = operator_client.post(f"/admin/proposers/proposer/{aren.pk}/change/", data)
    assert response.status_code == 302
    assert ProposerMember.objects.get(user=officer).position == "Lurah"

    data = {**FORM, "name": aren.name, "kind": aren.kind, **_members(aren, **{"0-DELETE": "on"})}
    response = operator_client.post(f"/admin/proposers/proposer/{aren.pk}/change/", data)
    assert response.status_code == 302
    assert not ProposerMember.objects.filter(user=officer).exists()
    assert get_user_model().objects.filter(pk=officer.pk).exists()  # the login stays


def test_a_staff_account_is_created_and_its_position_changed(operator_client, aren):
    response = operator_client.post(
        "/admin/proposers/proposermember/add/",
        {
            "proposer": aren.pk,
            "username": "petugas-baru",
            "full_name": "Dewi Lestari",
            "position": "Staf",
            "password": "rahasia-panjang-3",
        },
    )
    assert response.status_code == 302
    member = ProposerMember.objects.get(user__username="petugas-baru")
    assert member.user.groups.filter(name=roles.PENGUSUL).exists()

    response = operator_client.post(
        f"/admin/proposers/proposermember/{member.pk}/change/", {"position": "Sekretaris"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "Sekretaris"
