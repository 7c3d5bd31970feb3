"""The new admin pages open for the roles that use them."""

import pytest

from aid.models import Status
from payment_checks.models import Sample
from tests.public.conftest import owner_in  # noqa: F401  (fixture)
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_bendahara_draws_a_sample_and_records_a_call_in_the_admin(
    client,
    make_staff,
    program,
    owner_in,  # noqa: F811
):
    for _ in range(3):
        owner_in(Status.TRANSFERRED)
    bendahara = make_staff(roles.BENDAHARA)
    client.force_login(bendahara)

    assert client.get("/admin/payment_checks/sample/add/").status_code == 200
    response = client.post(
        "/admin/payment_checks/sample/add/",
        {
            "program": program.pk,
            "confidence": "0.95",
            "margin": "0.05",
            "fixed_size": "2",
            "checks-TOTAL_FORMS": "0",
            "checks-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    sample = Sample.objects.get()
    assert sample.size == 2
    assert client.get(f"/admin/payment_checks/sample/{sample.pk}/change/").status_code == 200

    check = sample.checks.first()
    assert client.get(f"/admin/payment_checks/paymentcheck/{check.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/payment_checks/paymentcheck/{check.pk}/change/",
        {"outcome": "not_received", "note": "Belum masuk"},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "not_received" and check.complaint_id is not None


@pytest.mark.parametrize(
    "url",
    [
        "/admin/complaints/complaint/",
        "/admin/notifications/outboxmessage/",
        "/admin/payment_checks/paymentcheck/",
    ],
)
def test_staff_lists_open(client, make_staff, url):
    client.force_login(make_staff(roles.BENDAHARA))
    assert client.get(url).status_code == 200


def test_templates_are_edited_by_a_superuser(client, make_staff):
    from notifications.models import MessageTemplate

    client.force_login(make_staff(None))
    template = MessageTemplate.objects.get(event="transferred")
    assert (
        client.get(f"/admin/notifications/messagetemplate/{template.pk}/change/").status_code == 200
    )
    refused = client.post(
        f"/admin/notifications/messagetemplate/{template.pk}/change/",
        {"text": "NIK {nik}", "is_active": "on"},
    )
    assert refused.status_code == 200  # the form shows the error
    template.refresh_from_db()
    assert "{nik}" not in template.text
