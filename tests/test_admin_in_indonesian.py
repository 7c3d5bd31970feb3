"""Staff read the admin in Indonesian, including the parts the packages bring in English."""

import io

import openpyxl
import pytest
from django.urls import reverse

from aid import services
from aid.models import Status
from tests.aid.conftest import in_status
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_the_list_offers_ekspor_and_jalankan_not_export_and_go(client, verifier, program):
    in_status(program)
    client.force_login(verifier)

    text = _text(client.get("/admin/aid/application/"))

    assert 'class="export_link">Ekspor</a>' in text
    assert ">Export<" not in text
    assert ">Jalankan</button>" in text and ">Buka</button>" not in text
    assert "Ekspor permohonan terpilih" in text
    assert "Export selected" not in text


def test_the_export_page_speaks_indonesian(client, make_staff):
    client.force_login(make_staff(None))

    text = _text(client.get(reverse("admin:aid_application_export")))

    assert "<h1>Ekspor</h1>" in text
    assert "Kolom yang diekspor:" in text
    assert 'value="Ekspor"' in text
    assert "This exporter" not in text and 'value="Submit"' not in text


def test_history_pages_show_no_none_and_name_the_changes_column(client, make_staff, owner):
    client.force_login(make_staff(roles.OPERATOR))

    text = _text(client.get(reverse("admin:registry_owner_history", args=[owner.pk])))

    assert ">Perubahan</th>" in text
    assert ">None<" not in text and "None\n" not in text


def test_spreadsheets_name_their_sheet(client, program, verifier, make_staff):
    in_status(program, Status.VERIFIED)
    batch = services.submission_create(program=program, file_format="xlsx", by=verifier)
    assert openpyxl.load_workbook(batch.file).sheetnames == ["Pengajuan"]

    client.force_login(make_staff(None))
    export = client.post(
        reverse("admin:aid_application_export"),
        {"format": "1", "resource": "0", "applicationresource_nik": "on"},
    )
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Permohonan"]


def test_a_change_page_of_a_missing_object_is_not_a_server_error(client, make_staff):
    # axe-core's stylesheet loader asks for ".../change/widgets.css/change/"; that used to
    # answer 500 on the pages of records with personal data.
    client.force_login(make_staff(None))

    response = client.get("/admin/aid/application/999999/change/")

    assert response.status_code == 302
