"""The decision-file and bank-report forms say which columns they read and offer a template
that imports cleanly (issue 15, item 5)."""

import io

import pytest
from django.urls import reverse

from aid.importing import returned_files
from aid.importing.guards import check_uploaded_file
from umkm_portal import roles

pytestmark = pytest.mark.django_db

FORMS = {
    "decision file": (
        roles.PIMPINAN,
        "aid_decisionfile",
        returned_files.DECISION_COLUMNS,
        returned_files.DECISION_REQUIRED,
        returned_files.decision_rows,
    ),
    "bank report": (
        roles.BENDAHARA,
        "aid_bankreport",
        returned_files.BANK_COLUMNS,
        returned_files.BANK_REQUIRED,
        returned_files.bank_rows,
    ),
}


@pytest.mark.parametrize("which", FORMS)
def test_the_upload_form_lists_the_columns_and_links_the_templates(which, make_staff, client):
    role, name, columns, required, _rows = FORMS[which]
    client.force_login(make_staff(role))

    page = client.get(reverse(f"admin:{name}_add")).content.decode()

    wajib = page.split("Kolom wajib:")[1].split(".")[0]
    assert [label.strip() for label in wajib.split(",")] == [
        returned_files.LABELS[key] for key in required
    ]
    for key in columns:
        assert returned_files.LABELS[key] in page
    assert reverse(f"admin:{name}_template", args=["xlsx"]) in page
    assert reverse(f"admin:{name}_template", args=["csv"]) in page


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("which", FORMS)
def test_the_template_downloads_and_reads_back_without_problems(which, fmt, make_staff, client):
    role, name, columns, required, rows = FORMS[which]
    client.force_login(make_staff(role))

    response = client.get(reverse(f"admin:{name}_template", args=[fmt]))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    upload = io.BytesIO(response.content)
    kind = check_uploaded_file(upload, filename=f"templat.{fmt}")
    upload.seek(0)
    table = returned_files.read_table(upload, kind, columns, required)
    parsed = rows(table)
    assert parsed.problems == []
    assert [row.nik for row in parsed.rows] == [returned_files.EXAMPLE["nik"]]


@pytest.mark.parametrize("which", FORMS)
def test_only_who_may_import_gets_the_template(which, make_staff, client):
    client.force_login(make_staff(roles.OPERATOR))
    name = FORMS[which][1]
    assert client.get(reverse(f"admin:{name}_template", args=["csv"])).status_code == 403
    assert client.get(reverse(f"admin:{name}_template", args=["pdf"])).status_code == 403
