"""The seeders' shared rows: paths read from the transitions table, dates in time order
inside the program, and the same order in what each seeder writes."""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import call_command

from aid import demo_rows, transitions
from aid.models import Application, Status
from aid.transitions import ALLOWED, STEP_FIELD
from devtools.status_page import seed as bench_seed

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
BPUM_2020 = demo_rows.Period(
    proposals_from=datetime.date(2020, 8, 17),
    transfers_from=datetime.date(2020, 9, 10),
    ends_on=datetime.date(2020, 12, 31),
    withdrawal_days=90,
)


@pytest.mark.parametrize("final", Status.values)
def test_each_path_starts_proposed_ends_in_its_status_and_takes_allowed_moves(final):
    path = demo_rows.status_path(final)

    assert path[0] == Status.PROPOSED and path[-1] == final
    assert all(b in ALLOWED[a] for a, b in zip(path, path[1:], strict=False))


def test_paths_follow_the_normal_order_and_branch_off_it():
    assert demo_rows.status_path(Status.WITHDRAWN) == transitions.PATH
    assert demo_rows.status_path(Status.RETURNED)[-2] == Status.TRANSFERRED
    assert demo_rows.status_path(Status.TRANSFER_FAILED)[-2] == Status.APPROVED
    assert demo_rows.status_path(Status.REJECTED) == (Status.PROPOSED, Status.REJECTED)


@pytest.mark.parametrize("final", Status.values)
def test_step_dates_rise_and_stay_inside_the_period(final):
    for seed in range(300):
        dates = demo_rows.step_dates(final, random.Random(seed), BPUM_2020)

        assert list(dates) == list(demo_rows.status_path(final))
        times = list(dates.values())
        assert all(a < b for a, b in zip(times, times[1:], strict=False)), dates
        assert times[0].date() >= BPUM_2020.proposals_from
        assert times[-1].date() <= BPUM_2020.ends_on, dates
        for paid in demo_rows.PAYING:
            assert paid not in dates or dates[paid].date() >= BPUM_2020.transfers_from
        if Status.RETURNED in dates:
            deadline = dates[Status.TRANSFERRED] + datetime.timedelta(days=90)
            assert dates[Status.RETURNED] > deadline


def assert_stamps_in_path_order(application: Application) -> None:
    stamped = [
        getattr(application, STEP_FIELD[s]) for s in demo_rows.status_path(application.status)
    ]
    assert None not in stamped, application.pk
    assert stamped == sorted(stamped), (application.pk, stamped)
    assert application.proposed_at >= datetime.datetime(2020, 8, 17, tzinfo=JAKARTA)


@pytest.mark.benchmark
@pytest.mark.django_db
def test_status_page_benchmark_data_is_dated_in_order():
    bench_seed.ensure_applications(120)

    applications = Application.objects.prefetch_related("status_changes")
    assert {a.status for a in applications} >= {Status.PROPOSED, Status.TRANSFERRED}
    for application in applications:
        assert_stamps_in_path_order(application)
        changes = sorted(application.status_changes.all(), key=lambda c: c.pk)
        assert [c.to_status for c in changes] == list(demo_rows.status_path(application.status))
        assert [c.at for c in changes] == sorted(c.at for c in changes)


@pytest.mark.benchmark
@pytest.mark.django_db
def test_seed_scale_stamps_steps_in_order():
    call_command("seed_scale", applications=80, chunk=40, stdout=StringIO())

    for application in Application.objects.all():
        assert_stamps_in_path_order(application)
        latest = application.status_changes.get()
        assert latest.at == getattr(application, STEP_FIELD[application.status])
