"""Helpers for the grant-lifecycle tests: applications in a status, files as bytes."""

import csv
import io

import openpyxl
import pytest

from aid.models import Application, Reason, Status
from tests.factories import ApplicationFactory, BankAccountFactory, BusinessFactory
from umkm_portal import roles


def in_status(program, status: str = Status.PROPOSED, *, account: bool = True) -> Application:
    """An application placed directly in ``status`` (test set-up only), its owner with an
    active account unless ``account=False``."""
    business = BusinessFactory()
    if account:
        BankAccountFactory(owner=business.owner)
    return ApplicationFactory(
        business=business,
        program=program,
        status=status,
        reason_code=Reason.OTHER if status == Status.REJECTED else "",
    )


def csv_bytes(rows: list[list], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    """An XLSX as Excel writes it: numbers typed into a cell stay numbers."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_rows(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def statuses(*applications) -> list[str]:
    return [Application.objects.get(pk=a.pk).status for a in applications]


@pytest.fixture
def bendahara(make_staff):
    return make_staff(roles.BENDAHARA)
