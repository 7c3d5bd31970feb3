"""The long steps report their progress batch by batch, so a job's page shows numbers moving
while it runs (issue 23.1; the walkthrough found the submission's and the decision file's
pages with a sliding bar only)."""

import io

import pytest

from aid import services
from aid.models import Status
from tests.aid.conftest import csv_bytes, in_status

pytestmark = pytest.mark.django_db


def test_a_submission_reports_each_batch(program, verifier, monkeypatch):
    monkeypatch.setattr("aid.services.submissions.SUBMIT_BATCH", 2)
    monkeypatch.setattr("aid.services.submissions.write_batch", lambda n: n)
    for _ in range(5):
        in_status(program, Status.VERIFIED)
    seen = []
    batch = services.submission_create(
        program=program,
        file_format="csv",
        by=verifier,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert batch.rows == 5
    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_a_decision_file_reports_its_approvals_then_its_rejections(
    program, verifier, make_staff, monkeypatch
):
    from umkm_portal import roles

    monkeypatch.setattr("aid.services.reconciliation.DECISION_BATCH", 2)
    monkeypatch.setattr("aid.services.reconciliation.write_batch", lambda n: n)
    listed = [in_status(program, Status.SUBMITTED) for _ in range(3)]
    for _ in range(2):
        in_status(program, Status.SUBMITTED)
    record = services.decision_file_import(
        program=program,
        filename="sk.csv",
        file=io.BytesIO(csv_bytes([["NIK"], *[[a.owner.nik] for a in listed]])),
        by=make_staff(roles.PIMPINAN),
        reject_missing=True,
    )
    assert (record.applied, record.not_approved) == (3, 2)

    from aid.services import reconciliation

    seen = []
    original = reconciliation.decision_file_apply

    def watched(**kwargs):
        kwargs["on_progress"] = lambda done, total: seen.append((done, total))
        return original(**kwargs)

    more = [in_status(program, Status.SUBMITTED) for _ in range(3)]
    in_status(program, Status.SUBMITTED)
    monkeypatch.setattr(reconciliation, "decision_file_apply", watched)
    reconciliation.decision_file_import(
        program=program,
        filename="sk2.csv",
        file=io.BytesIO(csv_bytes([["NIK"], *[[a.owner.nik] for a in more]])),
        by=make_staff(roles.PIMPINAN, "pimpinan-2"),
        reject_missing=True,
    )
    assert seen == [(2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_an_outcome_file_counts_its_rows_while_it_is_written(
    upload, make_staff, client, settings, monkeypatch, fmt
):
    """The walkthrough found the 69,300-row workbook's page at "0 dari 69.300" for 18 s (the
    ZIP per kelurahan for 44 s), then done."""
    from django.urls import reverse

    from jobs.services import Progress
    from umkm_portal import roles

    settings.JOBS_OUTCOME_MIN_ROWS = 10
    proposal_list = upload("outcomes.csv")  # 15 rows
    seen = []
    original = Progress.update

    def watched(self, done, total=None, **kwargs):
        seen.append((done, self.job.total if total is None else total))
        return original(self, done, total, **kwargs)

    monkeypatch.setattr(Progress, "update", watched)
    client.force_login(make_staff(roles.OPERATOR))
    client.get(reverse("admin:aid_proposallist_outcome", args=[proposal_list.pk, fmt]))

    assert seen[:3] == [(1, 15), (2, 15), (3, 15)]
    assert seen[-1] == (15, 15)
