"""The pembinaan section's "paid recipients who were coached" figure, read from the summary:
each owner once over the city and once in each kecamatan where a business of theirs was paid.
"""

import datetime

import pytest
from django.utils import timezone

from aid import demo_rows
from aid.models import Program, Status
from dashboard.selectors import Filters
from dashboard.services import summary_refresh
from dashboard.tables import dashboard_tables
from development import services
from development.models import Activity, Attendance, Participant
from registry.models import Region
from tests.factories import BankAccountFactory, BusinessFactory

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2021, 3, day, 10))


def apply(business, program, *, final: str):
    application = demo_rows.propose(
        business=business, program=program, proposal_list=None, at=at(1), source="t"
    )
    path = demo_rows.status_path(final)
    return demo_rows.walk(
        application,
        {status: at(1 + i) for i, status in enumerate(path)},
        reference=f"REF-{application.pk}",
    )


@pytest.fixture
def places(db):
    return list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code")[:3])


@pytest.fixture
def figures(program, places):
    """Four owners, with their businesses in kecamatan A, B and C:
    - paid in A and (another program) in B, attended training: counted in A, B and the city;
    - paid in A, absent from the training: a recipient, not coached;
    - rejected in A, attended: neither;
    - paid in C, unpaid business in B, attended: counted in C, not in B."""
    a, b, c = places
    training = services.activity_create(
        kind=Activity.Kind.TRAINING, topic="Pembukuan", starts_on=at(20).date(), kecamatan=a
    )
    other = Program.objects.create(
        code="bpum-2021", name="BPUM 2021", amount=1_200_000, one_time=True,
        withdrawal_days=90, starts_on=datetime.date(2021, 1, 1),
    )  # fmt: skip

    def owner_with(kecamatan, program, final, attendance=None):
        business = BusinessFactory(kecamatan=kecamatan, kelurahan=None)
        BankAccountFactory(owner=business.owner)
        apply(business, program, final=final)
        if attendance:
            services.attendance_take(
                activity=training, owner=business.owner, attendance=attendance, by=None, at=at(20)
            )
        return business.owner

    twice = owner_with(a, program, Status.TRANSFERRED, Attendance.PRESENT)
    apply(BusinessFactory(owner=twice, kecamatan=b, kelurahan=None), other, final=Status.WITHDRAWN)
    owner_with(a, program, Status.TRANSFERRED, Attendance.ABSENT)
    owner_with(a, program, Status.REJECTED, Attendance.PRESENT)
    elsewhere = owner_with(c, program, Status.TRANSFERRED, Attendance.PRESENT)
    apply(
        BusinessFactory(owner=elsewhere, kecamatan=b, kelurahan=None), other, final=Status.PROPOSED
    )
    summary_refresh()
    return lambda kecamatan=None: (
        dashboard_tables(Filters(kecamatan=kecamatan))["pembinaan_penerima"].rows
    )


def test_the_city_counts_each_paid_owner_once(figures):
    assert figures() == [["Semua program", 3, 2, "67%"]]


def test_a_kecamatan_counts_owners_paid_for_a_business_there(figures, places):
    a, b, c = places
    assert figures(a) == [["Semua program", 2, 1, "50%"]]
    assert figures(b) == [["Semua program", 1, 1, "100%"]]
    assert figures(c) == [["Semua program", 1, 1, "100%"]]


def test_attendance_taken_later_counts_from_the_next_refresh(figures):
    absent = Participant.objects.get(attendance=Attendance.ABSENT)
    services.attendance_take(
        activity=absent.activity, owner=absent.owner, attendance=Attendance.PRESENT, by=None
    )
    assert figures() == [["Semua program", 3, 2, "67%"]]
    summary_refresh()
    assert figures() == [["Semua program", 3, 3, "100%"]]
