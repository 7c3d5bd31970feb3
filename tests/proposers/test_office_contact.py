"""An office added on the upload form can be given its address and mobile number at once, and
the offices still without them show in the proposer list and on the admin home: an owner
refused in a list is sent to that office, and the Dinas's messages about a list go to it."""

import html
import io
import re

import pytest
from django.urls import reverse

from proposers.models import Proposer
from tests.lists import as_csv
from umkm_portal import roles

pytestmark = pytest.mark.django_db

ROW = ["3275015708900001", "Siti Aminah", "Jl. Melati 5", "Bekasi Timur", "Warung", "Kuliner",
       "081211110000"]  # fmt: skip
TODO = "lembaga pengusul aktif tanpa alamat atau telepon kantor"


@pytest.fixture
def operator_client(client, make_staff):
    client.force_login(make_staff(roles.OPERATOR))
    return client


def _upload(client, program, **proposer):
    upload = io.BytesIO(as_csv(ROW))
    upload.name = "daftar.csv"
    return client.post(
        reverse("admin:aid_proposallist_add"),
        {"program": program.pk, "received_on": "2020-08-20", "upload": upload, **proposer},
    )


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


NEW_OFFICE = {"new_proposer_name": "Kelurahan Perwira", "new_proposer_kind": "kelurahan"}


def test_a_new_office_is_added_with_its_address_and_mobile_number(operator_client, program):
    response = _upload(
        operator_client,
        program,
        **NEW_OFFICE,
        new_proposer_address="Jl.  Perwira Raya 12",
        new_proposer_phone="0812-3456-7890",
    )
    assert response.status_code == 302
    office = Proposer.objects.get(name="Kelurahan Perwira")
    assert (office.address, office.phone) == ("Jl. Perwira Raya 12", "+6281234567890")
    assert office.kelurahan.name == "Perwira"  # its area, from its name, as before
    assert office.proposal_lists.count() == 1


def test_the_address_and_number_stay_optional(operator_client, program):
    assert _upload(operator_client, program, **NEW_OFFICE).status_code == 302
    office = Proposer.objects.get(name="Kelurahan Perwira")
    assert (office.address, office.phone) == ("", "")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {**NEW_OFFICE, "new_proposer_phone": "(021) 8899 7766"},
            "bukan nomor HP Indonesia",
        ),
        ({**NEW_OFFICE, "new_proposer_phone": "0812 34"}, "terlalu pendek atau terlalu panjang"),
        (
            {"proposer": "registered", "new_proposer_address": "Jl. Lain 1"},
            "hanya untuk lembaga baru",
        ),
    ],
    ids=["landline", "too short", "for a registered office"],
)
def test_a_number_that_is_no_mobile_is_refused_on_the_form(
    operator_client, program, fields, message
):
    registered = Proposer.objects.create(name="Kelurahan Margahayu", kind=Proposer.Kind.KELURAHAN)
    if fields.get("proposer") == "registered":
        fields = {**fields, "proposer": registered.pk}
    response = _upload(operator_client, program, **fields)
    assert response.status_code == 200 and message in _text(response)
    assert not Proposer.objects.filter(name="Kelurahan Perwira").exists()
    assert not registered.proposal_lists.exists()


def test_offices_without_a_contact_are_counted_and_listed_for_the_operator(
    operator_client, make_staff, client
):
    Proposer.objects.create(
        name="Kelurahan Aren Jaya",
        kind=Proposer.Kind.KELURAHAN,
        address="Jl. Aren 1",
        phone="+6281200000001",
    )
    Proposer.objects.create(name="Kelurahan Duren Jaya", kind=Proposer.Kind.KELURAHAN)
    Proposer.objects.create(
        name="Koperasi Mitra", kind=Proposer.Kind.KOPERASI, address="Jl. Mitra 2"
    )
    # An office no longer active sends nobody anywhere: not counted.
    Proposer.objects.create(name="Kelurahan Lama", kind=Proposer.Kind.KELURAHAN, is_active=False)

    home = _text(operator_client.get(reverse("admin:index")))
    item = re.search(rf'<a href="([^"]+)"><span class="todo-count">(\d+)</span> {TODO}</a>', home)
    assert item is not None and item.group(2) == "2"

    listed = _text(operator_client.get(item.group(1)))
    assert "Kelurahan Duren Jaya" in listed and "Koperasi Mitra" in listed
    assert "Kelurahan Aren Jaya" not in listed and "Kelurahan Lama" not in listed
    assert "belum ada alamat dan telepon" in listed and "belum ada telepon" in listed

    everyone = _text(operator_client.get(reverse("admin:proposers_proposer_changelist")))
    assert "Kelurahan Aren Jaya" in everyone and "lengkap" in everyone

    # Staff who cannot change a proposer are not asked to.
    client.force_login(make_staff(roles.BENDAHARA))
    assert TODO not in _text(client.get(reverse("admin:index")))
