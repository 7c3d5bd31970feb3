"""Payment verification by sampling: the sample size, the draw, the calls, the dashboard."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aid.models import Status
from complaints.models import Category, Complaint
from payment_checks import services
from payment_checks.models import PaymentCheck, Sample
from payment_checks.selectors import verification_rate
from public.services import nik_digest
from tests.public.conftest import owner_in  # noqa: F401  (fixture)
from umkm_portal import roles


@pytest.mark.parametrize(
    ("population", "confidence", "margin", "size"),
    [
        (3000, 0.95, 0.05, 341),  # n0 = 384.15; 384.15 / (1 + 383.15/3000)
        (66000, 0.95, 0.05, 382),
        (100, 0.95, 0.05, 80),
        (3000, 0.99, 0.05, 544),
        (10, 0.95, 0.05, 10),
        (0, 0.95, 0.05, 0),
    ],
)
def test_cochran_with_finite_population_correction(population, confidence, margin, size):
    assert services.sample_size(population, confidence=confidence, margin=margin) == size


@pytest.fixture
def paid(owner_in):  # noqa: F811
    return [owner_in(Status.TRANSFERRED) for _ in range(6)] + [owner_in(Status.WITHDRAWN)]


@pytest.mark.django_db
def test_a_draw_takes_paid_applications_only_and_can_be_repeated(
    paid,
    program,
    make_staff,
    owner_in,  # noqa: F811
):
    owner_in(Status.APPROVED)  # not paid: never sampled
    bendahara = make_staff(roles.BENDAHARA)

    sample = services.sample_draw(program=program, by=bendahara, size=3, seed=42)
    again = services.sample_draw(program=program, by=bendahara, size=3, seed=42)

    assert (sample.population, sample.size) == (7, 3)
    drawn = set(sample.checks.values_list("application__owner_id", flat=True))
    assert drawn <= {owner.pk for owner in paid}
    assert drawn == set(again.checks.values_list("application__owner_id", flat=True))


@pytest.mark.django_db
def test_a_draw_by_confidence_and_margin(paid, program, make_staff):
    sample = services.sample_draw(
        program=program, by=make_staff(roles.PIMPINAN), confidence=0.95, margin=0.05
    )
    assert sample.size == services.sample_size(7) == 7


@pytest.mark.django_db
def test_a_draw_filtered_to_a_kecamatan_with_no_payments_is_refused(paid, program, make_staff):
    from registry.models import Region

    used = {owner.businesses.get().kecamatan_id for owner in paid}
    empty = Region.objects.filter(level=Region.Level.KECAMATAN).exclude(pk__in=used).first()
    with pytest.raises(ValidationError):
        services.sample_draw(program=program, by=make_staff(roles.BENDAHARA), kecamatan=empty)


@pytest.mark.django_db
def test_not_received_opens_a_pengaduan_and_the_rate_counts_calls(paid, program, make_staff):
    bendahara = make_staff(roles.BENDAHARA)
    sample = services.sample_draw(program=program, by=bendahara, size=4, seed=1)
    first, second, third, _ = sample.checks.order_by("pk")

    services.payment_check_record(check=first, outcome=PaymentCheck.Outcome.RECEIVED, by=bendahara)
    services.payment_check_record(
        check=second, outcome=PaymentCheck.Outcome.PROBLEM, note="Potongan", by=bendahara
    )
    recorded = services.payment_check_record(
        check=third, outcome=PaymentCheck.Outcome.NOT_RECEIVED, note="Belum masuk", by=bendahara
    )

    complaint = Complaint.objects.get()
    assert recorded.complaint == complaint
    assert complaint.category == Category.NOT_RECEIVED
    assert complaint.source == Complaint.Source.PAYMENT_CHECK
    assert complaint.application_id == third.application_id
    assert complaint.nik_hash == nik_digest(third.application.owner.nik)
    rate = verification_rate(program)
    assert (rate.sampled, rate.checked, rate.received, rate.not_received, rate.problem) == (
        4,
        3,
        1,
        1,
        1,
    )


@pytest.mark.django_db
def test_the_dashboard_shows_the_verification_rate(client, paid, program, make_staff):
    bendahara = make_staff(roles.BENDAHARA)
    sample = services.sample_draw(program=program, by=bendahara, size=2, seed=3)
    services.payment_check_record(check=sample.checks.first(), outcome="received", by=bendahara)
    client.force_login(bendahara)

    text = client.get("/dashboard/").content.decode()

    assert "Verifikasi pembayaran (sampel)" in text
    assert "50%" in text


@pytest.mark.django_db
def test_the_database_keeps_samples_honest(paid, program, make_staff):
    sample = services.sample_draw(program=program, by=make_staff(roles.BENDAHARA), size=2, seed=5)
    check = sample.checks.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentCheck.objects.create(sample=sample, application=check.application)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentCheck.objects.filter(pk=check.pk).update(outcome="received")  # no time
    with pytest.raises(IntegrityError), transaction.atomic():
        Sample.objects.filter(pk=sample.pk).update(size=100)
