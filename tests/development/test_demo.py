import pytest
from django.core.management import call_command

from development import selectors
from development.models import (
    Activity,
    BusinessReport,
    Membership,
    Referral,
    ReferralChange,
    YearlyTarget,
)

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_pembinaan_data_in_date_order(tmp_path):
    call_command("seed_demo", owners=80, logins_file=tmp_path / "logins")
    assert Activity.objects.count() == 5 and Membership.objects.exists()
    assert BusinessReport.objects.filter(size_class="kecil").exists()
    assert Referral.objects.exclude(status="dirujuk").exists()
    for referral in Referral.objects.all():
        times = list(referral.changes.values_list("at", flat=True))
        assert times == sorted(times)
    assert ReferralChange.objects.filter(to_status="dirujuk").count() == Referral.objects.count()
    # Targets for the demo's years, against which the dashboard shows progress.
    assert list(YearlyTarget.objects.order_by("year").values_list("year", flat=True)) == [
        2021,
        2022,
        2023,
    ]
    assert selectors.yearly_figures(2021).coached > 0
    call_command("seed_demo", owners=80, logins_file=tmp_path / "logins")  # idempotent
    assert Activity.objects.count() == 5
    assert YearlyTarget.objects.count() == 3
