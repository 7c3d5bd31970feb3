"""The Pembinaan role (issue 26.2): the pembinaan officer opens the dashboard, the pembinaan
admin and the door pages, and none of the grant desks."""

import datetime

import pytest
from django.urls import reverse

from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_the_pembinaan_officer_reaches_coaching_and_not_the_grant_desks(
    make_staff, make_activity, client
):
    activity = make_activity(starts_on=datetime.date.today())
    client.force_login(make_staff(roles.PEMBINAAN))
    opens = [
        reverse("dashboard:index"),
        reverse("admin:development_activity_changelist"),
        reverse("admin:development_activity_change", args=[activity.pk]),
        reverse("admin:development_referral_changelist"),
        reverse("admin:development_cooperative_changelist"),
        reverse("admin:development_businessreport_changelist"),
        reverse("development:door", args=[activity.pk]),
    ]
    for url in opens:
        assert client.get(url).status_code == 200, url
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert "Pembinaan" in dashboard
    refused = [
        reverse("admin:aid_application_changelist"),
        reverse("admin:aid_proposallist_add"),
        reverse("admin:aid_disbursement_changelist"),
        reverse("admin:aid_submissionbatch_changelist"),
    ]
    for url in refused:
        assert client.get(url).status_code == 403, url
