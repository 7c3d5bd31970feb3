"""The round benchmark runs end to end at a small size, so it cannot rot."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import modify_settings

from aid.models import Application, Disbursement, ImportStatus, ProposalList, Status

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

STEPS = [
    "check",
    "merge",
    "outcome_workbook",
    "bulk_verify",
    "submission",
    "decision",
    "bank_report",
    "summary",
]


# devtools is installed in development only (DEBUG); the suite runs as production does.
@modify_settings(INSTALLED_APPS={"append": "devtools"})
def test_bench_round_runs_the_whole_round_and_prints_each_step():
    out = io.StringIO()
    call_command("bench_round", rows=300, seed=5, as_json=True, stdout=out)

    result = json.loads(out.getvalue())
    assert list(result["steps"]) == STEPS
    assert result["total_seconds"] == pytest.approx(sum(result["steps"].values()), abs=0.01)
    facts = result["facts"]
    # The round really happened: the list merged, submitted, decided and paid.
    proposal_list = ProposalList.objects.get()
    assert proposal_list.import_status == ImportStatus.MERGED
    merged = Application.objects.filter(proposal_list=proposal_list)
    assert facts["merged"] == merged.count() > 250
    assert facts["submitted"] == facts["verified"] == facts["merged"]
    assert facts["approved"] + facts["not_approved"] == facts["submitted"]
    assert facts["bank_applied"] == facts["approved"] and facts["bank_refused"] == 0
    assert merged.filter(status=Status.TRANSFER_FAILED).count() == 50
    assert merged.filter(status=Status.TRANSFERRED).count() == facts["approved"] - 50
    assert Disbursement.objects.count() == facts["approved"]
    assert merged.filter(status=Status.REJECTED).count() == facts["not_approved"]


@modify_settings(INSTALLED_APPS={"append": "devtools"})
def test_bench_round_prints_a_table_with_the_ratio_to_the_check():
    out = io.StringIO()
    call_command("bench_round", rows=120, seed=6, stdout=out)
    report = out.getvalue()
    for step in STEPS:
        assert f"\n{step} " in report or f"\n  {step} " in report
    assert "× check" in report and "targets:" in report
