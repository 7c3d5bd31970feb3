"""Case follow-up (issue 26.8): the owner is told through the outbox when the bank decides on
a KUR referral: approved with the amount in rupiah, refused with the bank's reason. Sent on
the referral's move (an event the outbox hears), once, never with a NIK."""

import pytest
from django.utils import timezone

from development import services, transitions
from development.models import Referral, ReferralStatus
from notifications.models import Event, OutboxMessage
from registry.models import Bank
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


def _referral(channel=Referral.Channel.KUR):
    business = BusinessFactory()
    return (
        services.referral_create(
            business=business,
            channel=channel,
            bank=Bank.objects.first(),
            cooperative=None,
            amount_asked=50_000_000,
            referred_on=timezone.localdate(),
        )
        if channel == Referral.Channel.KUR
        else services.referral_create(
            business=business,
            channel=channel,
            amount_asked=5_000_000,
            referred_on=timezone.localdate(),
        )
    )


def _move(referral, *steps, capture, **kwargs):
    with capture(execute=True):
        for status in steps:
            referral = transitions.move(referral, status, by=None, **kwargs)
    return referral


def test_an_approved_kur_referral_tells_the_owner_the_amount(
    django_capture_on_commit_callbacks,
):
    referral = _referral()

    _move(referral, S.PROCESSING, capture=django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.exists()  # not a decision
    _move(
        referral,
        S.APPROVED,
        capture=django_capture_on_commit_callbacks,
        amount_approved=40_000_000,
    )

    message = OutboxMessage.objects.get()
    assert (message.event, message.object_id) == (Event.REFERRAL_APPROVED, referral.pk)
    assert message.phone == referral.business.owner.phone
    assert "disetujui sebesar Rp40.000.000" in message.text
    assert referral.bank.short_name in message.text
    assert referral.business.owner.nik not in message.text


def test_a_refused_kur_referral_tells_the_owner_the_reason_with_numbers_masked(
    django_capture_on_commit_callbacks,
):
    referral = _referral()
    nik = referral.business.owner.nik

    _move(
        referral,
        S.PROCESSING,
        S.REJECTED,
        capture=django_capture_on_commit_callbacks,
        note=f"Masih ada kredit berjalan atas NIK {nik}.",
    )

    message = OutboxMessage.objects.get()
    assert message.event == Event.REFERRAL_REFUSED
    assert "belum disetujui" in message.text and "Masih ada kredit berjalan" in message.text
    assert nik not in message.text


def test_no_message_for_other_channels(django_capture_on_commit_callbacks):
    referral = _referral(Referral.Channel.REVOLVING)

    _move(referral, S.PROCESSING, S.APPROVED, capture=django_capture_on_commit_callbacks)

    assert not OutboxMessage.objects.exists()
