"""The database holds the development app's invariants even when the services are bypassed."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from development import services
from development.models import (
    Activity,
    BusinessReport,
    Cooperative,
    Membership,
    Participant,
    Referral,
)
from registry.models import Bank

pytestmark = pytest.mark.django_db
DAY = datetime.date(2022, 1, 10)


def _refused(model, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**values)


def test_an_activity_cannot_end_before_it_starts_nor_hold_zero_seats():
    base = {"kind": "pelatihan", "topic": "x", "starts_on": DAY}
    _refused(Activity, {**base, "ends_on": DAY - datetime.timedelta(days=1)})
    _refused(Activity, {**base, "ends_on": DAY, "capacity": 0})


def test_one_participation_per_owner_and_activity(owner):
    activity = Activity.objects.create(kind="pelatihan", topic="x", starts_on=DAY, ends_on=DAY)
    Participant.objects.create(activity=activity, owner=owner, channel="petugas")
    _refused(Participant, {"activity": activity, "owner": owner, "channel": "petugas"})
    other = Activity.objects.create(kind="pelatihan", topic="y", starts_on=DAY, ends_on=DAY)
    _refused(Participant, {"activity": other, "owner": owner, "channel": "x", "attendance": "?"})


def test_one_open_membership_and_it_ends_after_it_starts(owner):
    coop = Cooperative.objects.create(name="K", legal_number="AHU-1")
    Membership.objects.create(cooperative=coop, owner=owner, since=DAY)
    _refused(Membership, {"cooperative": coop, "owner": owner, "since": DAY})
    Membership.objects.filter(owner=owner).update(ended_on=DAY)
    Membership.objects.create(cooperative=coop, owner=owner, since=DAY)  # joined again
    ended_early = {"ended_on": DAY.replace(year=2021)}
    _refused(Membership, {"cooperative": coop, "owner": owner, "since": DAY, **ended_early})


def test_a_cooperative_has_a_legal_number_unique_to_it():
    Cooperative.objects.create(name="A", legal_number="AHU-1")
    _refused(Cooperative, {"name": "B", "legal_number": "AHU-1"})
    _refused(Cooperative, {"name": "C", "legal_number": ""})


def test_referral_amounts_and_lenders(business):
    bank = Bank.objects.get(code="002")
    base = {"business": business, "referred_on": DAY, "amount_asked": 1_000_000}
    _refused(Referral, {**base, "channel": "kur"})  # KUR without a bank
    _refused(Referral, {**base, "channel": "koperasi"})  # loan without a cooperative
    _refused(Referral, {**base, "channel": "kur", "bank": bank, "amount_asked": 0})
    _refused(Referral, {**base, "channel": "dana_bergulir", "status": "lunas"})
    Referral.objects.create(**base, channel="dana_bergulir")


def test_reports_check_nib_kbli_and_are_never_changed(business):
    base = {
        "business": business,
        "reported_on": DAY,
        "capital": 1,
        "annual_sales": 1,
        "workers": 1,
        "size_class": "mikro",
    }
    _refused(BusinessReport, {**base, "nib": "123"})
    _refused(BusinessReport, {**base, "kbli": "5610"})
    _refused(BusinessReport, {**base, "size_class": "raksasa"})
    report = BusinessReport.objects.create(**base, kbli="56102,47241", nib="1234567890123")
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessReport.objects.filter(pk=report.pk).update(capital=2)


def test_the_service_refuses_what_the_database_would(business):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.business_report_add(
            business=business,
            reported_on=DAY,
            capital=1,
            annual_sales=1,
            workers=1,
            nib="12345",
            kbli="561",
        )
    assert set(refused.value.error_dict) == {"nib", "kbli"}
    assert not BusinessReport.objects.exists()
