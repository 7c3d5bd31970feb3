"""A name typed as a spreadsheet formula comes out inert in every file the portal writes
(issue 11, finding 5): outcome files, staff exports, the ministry's file, dashboard tables."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from aid import services
from aid.importing import review
from aid.models import ProposalList, Status
from aid.resources import ApplicationResource
from dashboard.services import summary_refresh
from registry.resources import OwnerResource
from tests.aid.conftest import in_status
from tests.aid.importing.conftest import upload  # noqa: F401 (fixture)
from tests.factories import ApplicationFactory, OwnerFactory
from umkm_portal import roles
from umkm_portal.spreadsheets import safe_cell

FORMULA = '=HYPERLINK("http://x",A1)'


@pytest.mark.parametrize(
    "value",
    [FORMULA, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+1", "\r=1"],
)
def test_formula_like_text_is_escaped(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", [2_400_000, 3.5, None, "Siti Aminah", "+6281234567890", "-", "-1.5", "0812 3456"]
)
def test_numbers_phones_and_plain_text_are_left_alone(value):
    assert safe_cell(value) == value


def _inert_in_csv(text: str) -> None:
    text = text.lstrip("\ufeff")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
    assert not any(cell.startswith(("=", "@")) for cell in cells)
    assert "'" + FORMULA in cells


def _inert_in_xlsx(content: bytes) -> None:
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells
    assert not any(cell.data_type == "f" for cell in cells)
    assert "'" + FORMULA in [cell.value for cell in cells]


@pytest.mark.django_db
def test_outcome_files_of_a_proposal_list(upload):  # noqa: F811 (the imported fixture)
    data = (
        "NIK,Nama Lengkap,Alamat KTP,No HP\n"
        f'3275014708850003,"{FORMULA.replace(chr(34), chr(34) * 2)}",Jl. Melati 5,081234567890\n'
    ).encode()
    proposal_list = upload("rumus.csv", data=data)
    _inert_in_csv("".join(review.outcome_csv(proposal_list)))
    _inert_in_xlsx(review.outcome_xlsx(proposal_list).read())


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_staff_exports_of_owners_and_applications(fmt, verifier):
    owner = OwnerFactory(full_name=FORMULA)
    ApplicationFactory(business__owner=owner)
    for resource in (OwnerResource, ApplicationResource):
        dataset = resource(user=verifier).export()
        body = fmt().export_data(dataset)
        if fmt is CSV:
            _inert_in_csv(body)
        else:
            _inert_in_xlsx(body)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_ministry_file(file_format, program, verifier):
    application = in_status(program, Status.VERIFIED)
    application.owner.full_name = FORMULA
    application.owner.save(update_fields=["full_name"])
    batch = services.submission_create(program=program, file_format=file_format, by=verifier)
    content = batch.file.read()
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        _inert_in_csv(text)
        assert "0" + application.owner.phone[3:] in text  # the phone stays readable
    else:
        _inert_in_xlsx(content)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dashboard_downloads(fmt, program, client, make_staff):
    proposal_list = ProposalList.objects.create(
        program=program, proposer_name=FORMULA, proposer_kind=ProposalList.ProposerKind.OTHER
    )
    ApplicationFactory(program=program, proposal_list=proposal_list)
    summary_refresh()
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("dashboard:download", args=["pengusul", fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        _inert_in_csv(response.content.decode("utf-8-sig"))
    else:
        _inert_in_xlsx(response.content)
        # Figures stay numbers, so a spreadsheet can add them up.
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert isinstance(sheet.cell(row=2, column=3).value, int)
