"""The command line: import_proposals (with --json) and the benchmark at a tiny size."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from aid.models import Application
from proposers.models import Proposer
from registry.models import Owner
from tests.aid.importing.conftest import FILES

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("import_proposals", *args, stdout=out)
    return out.getvalue()


def test_json_summary_without_commit_merges_nothing(program):
    summary = json.loads(
        _run(
            str(FILES / "outcomes.csv"), "--program", program.code, "--proposer", "Kel. X", "--json"
        )
    )
    assert set(summary) == {
        "rows",
        "accepted",
        "rejected",
        "flagged",
        "previous",
        "closing",
        "merged",
        "seconds",
    }
    assert summary["rows"] == 15
    assert summary["accepted"] == 8  # nobody is registered or proposed yet
    assert summary["rejected"] == {
        "duplicate_in_list": 1,
        "invalid_nik": 2,
        "incomplete": 1,
        "invalid_field": 3,
    }
    assert summary["flagged"] == 4
    assert summary["merged"] == 0
    assert not Owner.objects.exists()


def test_commit_merges_and_a_resend_by_the_same_proposer_creates_nothing(program):
    args = [str(FILES / "outcomes.csv"), "--program", program.code]
    first = json.loads(_run(*args, "--proposer", "Kel. X", "--commit", "--json"))
    assert first["merged"] == 8
    assert Application.objects.count() == 8

    again = json.loads(_run(*args, "--proposer", "kel.  x", "--commit", "--json"))

    # 8 accepted before, plus the row that repeated one of them in the file.
    assert (again["merged"], again["previous"], again["accepted"]) == (0, 9, 0)
    assert Application.objects.count() == 8
    assert Proposer.objects.count() == 1  # the same organisation, any case and spacing


def test_the_same_list_from_another_proposer_is_refused(program):
    args = [str(FILES / "outcomes.csv"), "--program", program.code]
    _run(*args, "--proposer", "Kel. X", "--commit", "--json")

    with pytest.raises(CommandError, match="lebih dari separuh"):
        _run(*args, "--proposer", "Koperasi Y", "--commit", "--json")
    assert Application.objects.count() == 8


def test_plain_summary_is_readable(program):
    text = _run(str(FILES / "outcomes.csv"), "--program", program.code, "--proposer", "Kel. X")
    assert "15 baris" in text and "invalid_nik: 2" in text and "--commit" in text


def test_unknown_program_is_refused():
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _run(str(FILES / "outcomes.csv"), "--program", "nope", "--proposer", "X")


@pytest.mark.benchmark
def test_benchmark_runs_at_a_tiny_size_and_leaves_nothing(program):
    out = StringIO()
    call_command("bench_import", "--rows", "300", "--baseline-rows", "30", stdout=out)
    text = out.getvalue()
    for step in ("read", "check", "stage", "dedupe", "merge"):
        assert f"  {step}" in text
    assert "rows/s" in text and "Baseline ModelResource" in text and "Peak memory" in text
    assert not Owner.objects.exists()


@pytest.mark.benchmark
def test_benchmark_realistic_mode_imports_into_a_program_with_earlier_lists(program):
    out = StringIO()
    call_command(
        "bench_import",
        *("--rows", "300", "--earlier-lists", "2", "--earlier-rows", "120", "--skip-baseline"),
        *("--corrections", "2"),
        stdout=out,
    )
    text = out.getvalue()
    assert "Earlier lists: 2 merged into the program" in text
    # Two workspace changes before the merge, each accepting the copy of its NIK again.
    assert "Workspace: 2 rows removed from the staged list, 2 copies accepted again" in text
    for step in ("read", "check", "stage", "dedupe", "merge"):
        assert f"  {step}" in text
    assert "merged" in text and "Peak memory" in text
    assert not Owner.objects.exists()
