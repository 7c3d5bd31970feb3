"""Two organisations with an officer each, and the upload through the workspace."""

import io

import pytest
from django.urls import reverse

from proposers.models import Proposer
from proposers.services import proposer_member_create


def upload_file(client, program, content: bytes, name="daftar.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("proposers:upload"), {"program": program.pk, "upload": file})


@pytest.fixture
def aren(db):
    return Proposer.objects.create(name="Kelurahan Arenjaya", kind=Proposer.Kind.KELURAHAN)


@pytest.fixture
def koperasi(db):
    return Proposer.objects.create(name="Koperasi Maju Bersama", kind=Proposer.Kind.KOPERASI)


@pytest.fixture
def officer(aren):
    return proposer_member_create(
        proposer=aren, username="petugas-aren", password="rahasia-panjang-1", position="Kasi"
    )


@pytest.fixture
def other_officer(koperasi):
    return proposer_member_create(
        proposer=koperasi, username="petugas-kop", password="rahasia-panjang-2"
    )


@pytest.fixture
def aren_client(client, officer):
    client.force_login(officer)
    return client
