"""seed_scale and bench_dashboard at a tiny size, so that neither can rot (both databases)."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F

from aid.models import Application, Disbursement, Status, StatusChange
from aid.transitions import RECEIVED_STATUSES
from dashboard.models import ApplicationSummary
from registry import identifiers
from registry.models import Business, Owner

pytestmark = pytest.mark.benchmark


def seed(n: int) -> str:
    out = io.StringIO()
    call_command("seed_scale", applications=n, chunk=25, stdout=out)
    return out.getvalue()


def test_seed_scale_adds_valid_consistent_data_and_can_run_again(db):
    assert "60 permohonan ditambahkan" in seed(60)
    seed(40)
    assert Application.objects.count() == Owner.objects.count() == Business.objects.count() == 100
    niks = list(Owner.objects.values_list("nik", flat=True))
    assert len(set(niks)) == 100
    assert all(identifiers.nik(nik).value == nik for nik in niks)
    paid = Application.objects.filter(status__in=RECEIVED_STATUSES)
    success = Disbursement.objects.filter(outcome=Disbursement.Outcome.SUCCESS)
    assert success.count() == paid.count() > 0
    assert not success.exclude(amount=F("application__program__amount")).exists()
    failed = Application.objects.filter(status=Status.TRANSFER_FAILED).count()
    assert Disbursement.objects.filter(outcome=Disbursement.Outcome.FAILED).count() == failed
    assert not Application.objects.filter(status=Status.REJECTED, reason_code="").exists()
    assert StatusChange.objects.count() == 100
    # The dashboard summary was rebuilt and counts every application.
    assert sum(ApplicationSummary.objects.values_list("applications", flat=True)) == 100


def test_bench_dashboard_prints_every_page(db):
    seed(30)
    out = io.StringIO()
    call_command("bench_dashboard", repeat=1, stdout=out)
    report = out.getvalue()
    assert "30 permohonan" in report
    for label in [
        "Daftar permohonan",
        "Daftar pemilik",
        "Cari NIK (pemilik)",
        "Cari NIK awal (pemilik)",
        "Cari nomor HP (pemilik)",
        "Cari nama (pemilik)",
        "Dasbor",
    ]:
        assert f"\n{label} " in report
