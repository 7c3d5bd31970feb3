"""Rate limits: per client address and per NIK, a friendly 429, and they wear off."""

import time
from unittest import mock

import pytest
from django.core.cache import cache

from aid.models import Status
from privacy.masking import mask_name
from public.models import StatusLookup
from tests.public.conftest import check

pytestmark = pytest.mark.django_db

LIMITED = "Terlalu banyak percobaan"


def _wrong(owner) -> str:
    return f"{(int(owner.phone[-4:]) + 1) % 10000:04d}"


def test_eleventh_check_in_a_minute_from_one_address_gets_a_friendly_429(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for _ in range(10):
        assert check(client, owner.nik, owner.phone[-4:]).status_code == 200

    response = check(client, owner.nik, owner.phone[-4:])

    assert response.status_code == 429
    text = response.content.decode()
    assert LIMITED in text
    assert "coba lagi" in text
    assert mask_name(owner.full_name) not in text


def test_address_limit_resets_when_the_counters_expire(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for _ in range(11):
        check(client, owner.nik, owner.phone[-4:])

    cache.clear()  # what the expiry of the minute's counters does

    assert check(client, owner.nik, owner.phone[-4:]).status_code == 200


def test_address_limit_wears_off_after_a_minute(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for _ in range(11):
        check(client, owner.nik, owner.phone[-4:])
    assert check(client, owner.nik, owner.phone[-4:]).status_code == 429

    later = time.time() + 61
    with mock.patch("django_ratelimit.core.time.time", return_value=later):
        assert check(client, owner.nik, owner.phone[-4:]).status_code == 200


@pytest.mark.parametrize("known", [True, False], ids=["known-nik", "unknown-nik"])
def test_five_failed_checks_block_a_nik_whether_or_not_it_exists(client, owner_in, known):
    owner = owner_in(Status.TRANSFERRED)
    nik = owner.nik if known else owner.nik[:12] + f"{(int(owner.nik[12:]) % 9000) + 1:04d}"
    for n in range(5):
        # A fresh address each time: only the NIK's budget is being spent.
        response = check(client, nik, _wrong(owner), REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 200

    blocked = check(client, nik, owner.phone[-4:], REMOTE_ADDR="10.0.1.1")

    assert blocked.status_code == 429
    assert LIMITED in blocked.content.decode()
    assert mask_name(owner.full_name) not in blocked.content.decode()


def test_nik_block_lifts_after_an_hour(client, owner_in):
    owner = owner_in(Status.TRANSFERRED)
    for n in range(5):
        check(client, owner.nik, _wrong(owner), REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="10.0.2.1").status_code == 429

    later = time.time() + 3601
    with mock.patch("django_ratelimit.core.time.time", return_value=later):
        response = check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="10.0.2.2")

    assert response.status_code == 200
    assert mask_name(owner.full_name) in response.content.decode()


def test_successful_checks_do_not_spend_the_nik_budget(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for n in range(8):
        response = check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 200


def test_forwarded_header_is_ignored_unless_configured(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for n in range(10):
        check(client, owner.nik, owner.phone[-4:], HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = check(client, owner.nik, owner.phone[-4:], HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert response.status_code == 429


def test_behind_a_configured_proxy_each_client_has_its_own_budget(client, owner_in, settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    owner = owner_in(Status.APPROVED)
    for _ in range(10):
        # The client may send its own X-Forwarded-For; the proxy appends the real address.
        check(client, owner.nik, owner.phone[-4:], HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert (
        check(
            client, owner.nik, owner.phone[-4:], HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5"
        ).status_code
        == 429
    )

    other = check(client, owner.nik, owner.phone[-4:], HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert other.status_code == 200


def test_behind_x_real_ip_each_client_has_its_own_budget_and_log_rows(client, owner_in, settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Real-IP"
    owner = owner_in(Status.APPROVED)
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(10):
        check(client, owner.nik, owner.phone[-4:], HTTP_X_REAL_IP="203.0.113.5", **via_proxy)
    spent = check(client, owner.nik, owner.phone[-4:], HTTP_X_REAL_IP="203.0.113.5", **via_proxy)
    assert spent.status_code == 429

    other = check(client, owner.nik, owner.phone[-4:], HTTP_X_REAL_IP="198.51.100.7", **via_proxy)

    assert other.status_code == 200
    logged = set(StatusLookup.objects.values_list("client_ip", flat=True))
    assert logged == {"203.0.113.5", "198.51.100.7"}  # never the proxy


def test_ipv4_clients_of_a_dual_stack_socket_do_not_share_one_budget(client, owner_in):
    owner = owner_in(Status.APPROVED)
    for _ in range(10):
        check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="::ffff:203.0.113.5")
    assert (
        check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="::ffff:203.0.113.5").status_code
        == 429
    )

    neighbour = check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="::ffff:203.0.113.6")

    assert neighbour.status_code == 200
    assert StatusLookup.objects.filter(client_ip="203.0.113.6").exists()


def test_limits_can_be_lifted_by_setting(client, owner_in, settings):
    settings.STATUS_RATE_LIMITS_ENABLED = False
    owner = owner_in(Status.APPROVED)

    statuses = {check(client, owner.nik, _wrong(owner)).status_code for _ in range(15)}

    assert statuses == {200}


def test_status_check_fails_closed_with_a_polite_page(redis_down, owner_in, client):
    owner = owner_in(Status.APPROVED)

    response = check(client, owner.nik, owner.phone[-4:])

    # Without its counters the check would be open to NIK and phone guessing: it refuses.
    assert response.status_code == 503
    assert "sedang terganggu" in response.content.decode()
    assert owner.full_name not in response.content.decode()
    assert StatusLookup.objects.get().outcome == StatusLookup.Outcome.RATE_LIMITED


def test_an_ipv6_site_rotating_its_64s_meets_the_budget_of_its_48(client, owner_in, settings):
    # Each /64 keeps its own budget (10 a minute), but one /48 holds 65,536 of them: the
    # /48 as a whole gets IPV6_SITE_BUDGET_FACTOR (here 2) times it.
    settings.IPV6_SITE_BUDGET_FACTOR = 2
    owner = owner_in(Status.APPROVED)
    for n in range(20):
        address = f"2001:db8:1:{n:x}::1"  # a fresh /64 of the same /48 each time
        assert check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR=address).status_code == 200

    rotated = check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="2001:db8:1:ff::1")
    elsewhere = check(client, owner.nik, owner.phone[-4:], REMOTE_ADDR="2001:db8:2::1")

    assert rotated.status_code == 429
    assert LIMITED in rotated.content.decode()
    assert elsewhere.status_code == 200  # another /48 keeps its budget
