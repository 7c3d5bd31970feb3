import datetime

import pytest

from development import services, transitions
from development.models import ReferralChange, ReferralStatus
from registry.models import Bank

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def referral(business, make_staff):
    return services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=25_000_000,
        referred_on=datetime.date(2022, 2, 1),
        by=make_staff("Operator"),
    )


def test_a_referral_moves_along_the_table_and_each_move_is_recorded(referral, make_staff):
    operator = referral.created_by
    for status in (S.PROCESSING, S.APPROVED, S.DISBURSED):
        referral = transitions.move(referral, status, by=operator, note=f"ke {status}")
    assert referral.status == S.DISBURSED and referral.amount_approved == 25_000_000
    moves = list(
        ReferralChange.objects.filter(referral=referral).values_list("from_status", "to_status")
    )
    assert moves == [
        ("", S.REFERRED),
        (S.REFERRED, S.PROCESSING),
        (S.PROCESSING, S.APPROVED),
        (S.APPROVED, S.DISBURSED),
    ]
    assert set(ReferralChange.objects.values_list("by__username", flat=True)) == {"operator"}


@pytest.mark.parametrize("status", [S.APPROVED, S.DISBURSED, S.REJECTED, S.REFERRED])
def test_moves_outside_the_table_are_refused_and_change_nothing(referral, status):
    with pytest.raises(transitions.TransitionRefused):
        transitions.move(referral, status, by=None)
    referral.refresh_from_db()
    assert referral.status == S.REFERRED and referral.changes.count() == 1


def test_a_rejection_needs_the_reason(referral):
    transitions.move(referral, S.PROCESSING, by=None)
    with pytest.raises(transitions.TransitionRefused):
        transitions.move(referral, S.REJECTED, by=None, note="  ")
    referral = transitions.move(referral, S.REJECTED, by=None, note="Usaha belum 6 bulan")
    assert referral.changes.last().note == "Usaha belum 6 bulan"
    assert transitions.targets(referral) == []


def test_the_admin_moves_a_referral_with_a_reason_for_an_operator_only(
    referral, make_staff, client
):
    url = f"/admin/development/referral/{referral.pk}/status/"
    client.force_login(make_staff("Pimpinan"))
    assert client.get(url).status_code == 403
    client.force_login(referral.created_by)
    page = client.get(f"/admin/development/referral/{referral.pk}/change/")
    assert url in page.content.decode()
    client.post(url, {"to_status": S.PROCESSING, "note": "Berkas lengkap"})
    referral.refresh_from_db()
    assert referral.status == S.PROCESSING


@pytest.mark.django_db
def test_a_referral_dated_in_the_future_is_refused():
    """Issue 26.5: its first record would come after the lender's answers."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from development.models import Referral
    from tests.factories import BusinessFactory

    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            business=BusinessFactory(),
            channel=Referral.Channel.REVOLVING,
            amount_asked=5_000_000,
            referred_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "masa depan" in str(refused.value.error_dict["referred_on"])
    assert not Referral.objects.exists()
