"""Case follow-up (issue 26.8): a pendamping per business, visits with the next action and its
date, the overdue follow-ups and the referrals left waiting at the lender, on the admin home's
panel and in the admin's filters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from development import cases, services
from development.models import Referral
from registry.models import Business
from tests.factories import BusinessFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def test_one_pendamping_per_business_and_the_change_is_kept(make_staff):
    business = BusinessFactory()
    first, second = make_staff(roles.PEMBINAAN, "rina"), make_staff(roles.PEMBINAAN, "budi")
    services.case_assign(business=business, pendamping=first, by=first)
    assignment = services.case_assign(business=business, pendamping=second, by=first)
    business.refresh_from_db()
    assert Business.objects.get(pk=business.pk).case.pendamping == second
    assert [h.pendamping_id for h in assignment.history.order_by("history_date")] == [
        first.pk,
        second.pk,
    ]


def test_a_visit_is_refused_with_what_to_fix(make_staff):
    business, officer = BusinessFactory(), make_staff(roles.PEMBINAAN)
    cases_refused = {
        "visited_on": {"visited_on": _days(1), "done": "Cek pembukuan"},
        "next_action_on": {
            "visited_on": _days(-3),
            "done": "Cek",
            "next_action": "Foto produk",
            "next_action_on": _days(-5),
        },
        "next_action": {"visited_on": _days(-3), "done": "Cek", "next_action_on": _days(2)},
        "done": {"visited_on": _days(-3), "done": "  "},
    }
    for field, values in cases_refused.items():
        with pytest.raises(ValidationError) as refused:
            services.visit_record(business=business, by=officer, **values)
        assert field in refused.value.error_dict, field
    assert not business.visits.exists()


def test_overdue_followups_are_the_latest_visits_whose_date_passed(make_staff):
    officer = make_staff(roles.PEMBINAAN)
    owed, visited_again, not_yet = BusinessFactory(), BusinessFactory(), BusinessFactory()
    services.visit_record(
        business=owed,
        visited_on=_days(-10),
        done="Pendampingan pembukuan",
        next_action="Cek buku kas",
        next_action_on=_days(-2),
        by=officer,
    )
    services.visit_record(
        business=visited_again,
        visited_on=_days(-10),
        done="Pendampingan",
        next_action="Cek",
        next_action_on=_days(-2),
        by=officer,
    )
    services.visit_record(business=visited_again, visited_on=_days(-1), done="Sudah dicek")
    services.visit_record(
        business=not_yet,
        visited_on=_days(-1),
        done="Foto produk",
        next_action="Unggah ke marketplace",
        next_action_on=_days(3),
        by=officer,
    )
    assert [v.business for v in cases.overdue_followups()] == [owed]


def test_the_panel_and_filters_list_what_is_overdue_and_waiting(make_staff, client, settings):
    settings.REFERRAL_STALE_DAYS = 14
    officer = make_staff(roles.PEMBINAAN)
    owed = BusinessFactory(name="Warung Bu Rahmi")
    services.visit_record(
        business=owed,
        visited_on=_days(-10),
        done="Pendampingan",
        next_action="Cek buku kas",
        next_action_on=_days(-2),
        by=officer,
    )
    waiting = services.referral_create(
        business=BusinessFactory(name="Kripik Pak Darto"),
        channel=Referral.Channel.REVOLVING,
        amount_asked=10_000_000,
        referred_on=_days(-20),
        by=officer,
    )
    services.referral_create(
        business=BusinessFactory(name="Jahit Bu Ani"),
        channel=Referral.Channel.REVOLVING,
        amount_asked=5_000_000,
        referred_on=_days(-3),
        by=officer,
    )
    client.force_login(officer)
    home = client.get(reverse("admin:index")).content.decode()
    assert "tindak lanjut pendampingan lewat tanggal" in home
    assert "rujukan permodalan masih menunggu jawaban penyalur" in home
    visits = client.get(reverse("admin:development_visit_changelist") + "?tindak_lanjut=lewat")
    assert "Warung Bu Rahmi" in visits.content.decode()
    referrals = client.get(reverse("admin:development_referral_changelist") + "?menunggu=lama")
    text = referrals.content.decode()
    assert "Kripik Pak Darto" in text and "Jahit Bu Ani" not in text
    assert list(cases.stale_referrals()) == [waiting]
