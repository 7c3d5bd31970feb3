"""Staff login: lockout after repeated failures, unlock in the admin, sessions, passwords."""

import time
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from umkm_portal import roles

pytestmark = pytest.mark.django_db

PASSWORD = "Bekasi-Patriot-2020!"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # the per-username ceiling counts in the cache
    yield
    cache.clear()


@pytest.fixture
def staff(make_staff):
    user = make_staff(roles.VERIFIKATOR)
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, username, password, ip="10.0.0.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_five_failures_lock_the_account_for_that_address(staff, client):
    for _ in range(4):
        response = _login(client, staff.username, "salah")
        assert response.status_code == 200  # the form again, with its error
    locked = _login(client, staff.username, "salah")
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()

    # The sixth attempt, with the right password, is refused too.
    sixth = _login(client, staff.username, PASSWORD)
    assert sixth.status_code == 429
    assert "Coba lagi dalam 30 menit" in sixth.content.decode()
    assert not _logged_in(client)

    # The lock is on this username from this address, not on the person everywhere.
    other_office = Client()
    assert _login(other_office, staff.username, PASSWORD, ip="10.0.0.9").status_code == 302
    assert _logged_in(other_office)


def test_behind_a_proxy_the_lock_is_on_the_client_not_on_the_proxy(staff, settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Real-IP"
    attacker, colleague = Client(), Client()
    for _ in range(5):
        attacker.post(
            LOGIN,
            {"username": staff.username, "password": "salah"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP="203.0.113.66",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}

    response = colleague.post(
        LOGIN,
        {"username": staff.username, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="10.0.0.9",
    )

    assert response.status_code == 302


def test_an_administrator_unlocks_the_account_in_the_admin(staff, make_staff, client):
    for _ in range(5):
        _login(client, staff.username, "salah")
    assert _login(client, staff.username, PASSWORD).status_code == 429

    admin_client = Client()
    admin_client.force_login(make_staff(None, username="admin"))
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert staff.username in admin_client.get(changelist).content.decode()
    admin_client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert not AccessAttempt.objects.exists()

    assert _login(client, staff.username, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_changing_the_password_logs_out_other_sessions(staff, client):
    laptop, phone = Client(), Client()
    assert _login(laptop, staff.username, PASSWORD).status_code == 302
    assert _login(phone, staff.username, PASSWORD).status_code == 302

    new_password = "Kota-Patriot-Baru-2021!"
    response = phone.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert _logged_in(phone)  # the session that changed it stays in
    assert not _logged_in(laptop)  # every other session is out


def test_a_weak_password_is_refused_with_a_reason_in_indonesian(staff, client):
    assert _login(client, staff.username, PASSWORD).status_code == 302
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "terlalu umum" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_many_addresses_guessing_one_username_meet_a_ceiling_that_wears_off(
    staff, make_staff, client
):
    # Four failures from each of five addresses: axes (5 per username and address) never
    # trips, but the username has now failed 20 times.
    for n in range(20):
        assert _login(Client(), staff.username, "salah", ip=f"10.1.0.{n // 4}").status_code == 200

    # The 21st try is refused before the password is checked, from anywhere...
    refused = _login(client, staff.username, PASSWORD, ip="10.2.0.1")
    assert refused.status_code == 429
    assert "Coba lagi dalam" in refused.content.decode()
    assert not _logged_in(client)
    # ...for this username only: a colleague at the same office logs in.
    colleague = make_staff(roles.OPERATOR, username="rekan")
    colleague.set_password(PASSWORD)
    colleague.save()
    assert _login(Client(), "rekan", PASSWORD, ip="10.1.0.0").status_code == 302

    later = time.time() + 15 * 60 + 1
    with mock.patch("django_ratelimit.core.time.time", return_value=later):
        assert _login(client, staff.username, PASSWORD, ip="10.2.0.1").status_code == 302


def test_staff_log_in_while_the_cache_is_down(staff, redis_down, client):
    # The ceiling's counters are in the cache; without them it lets logins through (axes,
    # in the database, still counts per username and address).
    assert _login(client, staff.username, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_compatible_spellings_of_a_username_share_its_ceiling(staff, settings):
    # Django normalises usernames with NFKC: "ｖｅｒｉｆｉｋａｔｏｒ" (full-width) and
    # "VERIFIKATOR" name the same account, so they spend the same budget.
    settings.LOGIN_FAILURES_PER_USERNAME = "4/15m"
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in staff.username)
    for n, spelling in enumerate([full_width, staff.username.upper(), full_width, staff.username]):
        assert _login(Client(), spelling, "salah", ip=f"10.3.0.{n}").status_code == 200

    refused = _login(Client(), staff.username, PASSWORD, ip="10.3.1.1")

    assert refused.status_code == 429
    assert "Coba lagi dalam" in refused.content.decode()


def test_axes_counts_compatible_spellings_as_one_username(staff):
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in staff.username)
    client = Client()
    for spelling in [full_width, staff.username.upper(), full_width, staff.username.title()]:
        assert _login(client, spelling, "salah").status_code == 200

    locked = _login(client, staff.username, "salah")

    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()


def test_an_unsafe_next_after_login_lands_on_the_admin_home(staff, client):
    response = client.post(
        f"{LOGIN}?next=https://contoh-jahat.example/",
        {"username": staff.username, "password": PASSWORD, "next": "https://contoh-jahat.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
