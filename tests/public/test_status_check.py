"""The owners' status check: what a match shows, and what nothing ever shows."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from aid.models import Reason, Status
from privacy.masking import mask_name
from public.selectors import status_lookup
from public.templatetags.tanggal import tanggal
from tests.public.conftest import check, headers_but_the_clock
from umkm_portal import roles

pytestmark = pytest.mark.django_db

# What the owner reads for each status: the status itself and what happens or to do next.
EXPECTED = {
    Status.PROPOSED: ["Diusulkan", "menunggu pemeriksaan data"],
    Status.VERIFIED: ["Terverifikasi", "Dinas mengajukan usulan Anda ke Kementerian"],
    Status.SUBMITTED: ["Diajukan ke Kementerian", "Kementerian memeriksa dan menetapkan"],
    Status.APPROVED: ["Ditetapkan sebagai penerima", "bank penyalur mentransfer dana"],
    Status.TRANSFERRED: [
        "Dana Rp2.400.000 sudah ditransfer pada 10 September 2020",
        "Cairkan dana paling lambat 9 Desember 2020",
    ],
    Status.WITHDRAWN: ["Dana sudah Anda cairkan pada 15 September 2020"],
    Status.RETURNED: [
        "Dana dikembalikan ke kas negara pada 10 Desember 2020",
        "tidak dicairkan sampai 9 Desember 2020",
    ],
    Status.TRANSFER_FAILED: ["Transfer ke rekening Anda gagal", "pastikan rekening Anda aktif"],
    Status.REJECTED: ["Sudah diusulkan dalam daftar lain", "Hubungi kelurahan Anda"],
}


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _secrets(owner) -> list[str]:
    account = owner.bank_accounts.get().account_number
    national = owner.phone.removeprefix("+62")
    return [owner.nik, owner.full_name, owner.phone, "0" + national, national, account]


@pytest.mark.parametrize("status", list(EXPECTED))
def test_each_status_shows_masked_name_program_status_and_next_step(client, owner_in, status):
    owner = owner_in(status)

    response = check(client, owner.nik, owner.phone[-4:])

    assert response.status_code == 200
    text = _text(response)
    assert mask_name(owner.full_name) in text
    assert "BPUM 2020" in text
    for expected in EXPECTED[status]:
        assert expected in text
    for secret in _secrets(owner):
        assert secret not in text
    assert "catatan internal" not in text  # staff notes stay internal


def test_transfer_shows_bank_and_last_four_digits_of_the_account_only(client, owner_in):
    owner = owner_in(Status.TRANSFERRED)
    account = owner.bank_accounts.get().account_number

    text = _text(check(client, owner.nik, owner.phone[-4:]))

    assert f"ke rekening BRI yang berakhiran {account[-4:]}" in text
    assert account not in text


def test_rejection_for_incomplete_data_tells_what_to_complete(client, owner_in):
    owner = owner_in(Status.REJECTED, reason=Reason.INCOMPLETE)

    text = _text(check(client, owner.nik, owner.phone[-4:]))

    assert "Data kurang lengkap" in text
    assert "Lengkapi alamat, nomor HP dan data usaha melalui kelurahan Anda" in text


def test_an_owner_proposed_again_after_a_rejection_sees_the_new_application(
    client, owner_in, program
):
    from aid import services

    owner = owner_in(Status.REJECTED)
    services.application_create(business=owner.businesses.get(), program=program)

    text = _text(check(client, owner.nik, owner.phone[-4:]))

    assert "menunggu pemeriksaan data" in text
    assert "Sudah diusulkan dalam daftar lain" not in text


def test_nik_typed_with_spaces_and_dots_is_understood(client, owner_in):
    owner = owner_in(Status.APPROVED)
    nik = owner.nik
    typed = f"{nik[:2]}.{nik[2:4]} {nik[4:6]} {nik[6:12]} {nik[12:]}"

    assert mask_name(owner.full_name) in _text(check(client, typed, owner.phone[-4:]))


def _without_csrf(response) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_unknown_nik_and_wrong_phone_digits_give_the_same_page(client, owner_in):
    owner = owner_in(Status.TRANSFERRED)
    wrong = f"{(int(owner.phone[-4:]) + 1) % 10000:04d}"
    unknown = owner.nik[:12] + ("0001" if owner.nik[12:] != "0001" else "0002")

    wrong_digits = check(client, owner.nik, wrong)
    unknown_nik = check(client, unknown, owner.phone[-4:])

    assert wrong_digits.status_code == unknown_nik.status_code == 200
    assert _without_csrf(wrong_digits) == _without_csrf(unknown_nik)
    assert b"Data tidak ditemukan" in wrong_digits.content
    assert headers_but_the_clock(wrong_digits) == headers_but_the_clock(unknown_nik)


def test_malformed_nik_gets_an_error_tied_to_its_field_and_is_not_echoed(client):
    response = check(client, "3275 1234", "12ab")

    text = _text(response)
    assert response.status_code == 200
    assert '<p class="field-error" id="nik-error">NIK terdiri dari 16 angka' in text
    assert 'aria-describedby="nik-hint nik-error" aria-invalid="true"' in text
    assert '<p class="field-error" id="phone-error">Tulis 4 angka terakhir' in text
    assert 'aria-describedby="phone-hint phone-error" aria-invalid="true"' in text
    assert "3275 1234" not in text
    assert "12ab" not in text


def test_a_nik_in_the_query_string_is_never_looked_up(client, owner_in, django_assert_num_queries):
    owner = owner_in(Status.TRANSFERRED)

    with django_assert_num_queries(0):
        response = client.get(f"/cek-status/?nik={owner.nik}&phone_last4={owner.phone[-4:]}")

    text = _text(response)
    assert response.status_code == 200
    assert mask_name(owner.full_name) not in text
    assert owner.nik not in text
    assert "Data tidak ditemukan" not in text


def test_the_form_posts_the_nik_in_the_body_not_the_url(client):
    text = _text(client.get("/cek-status/"))

    assert '<form class="status-form" method="post" action="/cek-status/">' in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_a_post_without_csrf_token_is_refused(owner_in):
    owner = owner_in(Status.TRANSFERRED)
    client = Client(enforce_csrf_checks=True)

    response = check(client, owner.nik, owner.phone[-4:])

    assert response.status_code == 403
    assert mask_name(owner.full_name) not in _text(response)


def test_status_pages_are_not_stored_by_browsers_or_proxies(client, owner_in):
    owner = owner_in(Status.APPROVED)

    response = check(client, owner.nik, owner.phone[-4:])

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_lookup_is_one_query(owner_in, django_assert_num_queries):
    owner = owner_in(Status.TRANSFERRED)

    with django_assert_num_queries(1):
        result = status_lookup(nik=owner.nik, phone_last4=owner.phone[-4:])

    assert result.applications[0].account_last4 == owner.bank_accounts.get().account_number[-4:]


def test_an_owner_without_a_phone_can_never_match(owner_in):
    owner = owner_in(Status.APPROVED, phone="")

    assert status_lookup(nik=owner.nik, phone_last4="0000") is None
    assert status_lookup(nik=owner.nik, phone_last4="") is None


def test_a_registered_owner_never_proposed_is_told_so(client, owner):
    text = _text(check(client, owner.nik, owner.phone[-4:]))

    assert mask_name(owner.full_name) in text
    assert "belum diusulkan untuk program bantuan" in text


def _sent_again(owner, bendahara, number="5550001112"):
    """The owner's failed transfer, after a new account was entered, put in a re-transfer
    export for the bank (the owner's message says the money is being sent again)."""
    from aid import services
    from registry import services as registry_services
    from registry.models import Bank

    account = registry_services.bank_account_set(
        owner=owner,
        bank=Bank.objects.get(code="009"),
        account_number=number,
        holder_name=owner.full_name,
    )
    if account.confirmation_required:
        registry_services.bank_account_confirm(account=account, by=bendahara)
    program = owner.applications.get().program
    services.retransfer_create(program=program, file_format="csv", by=bendahara)
    return account


def test_a_failed_transfer_sent_again_tells_the_owner_to_wait_for_the_bank(
    client, owner_in, make_staff
):
    bendahara = make_staff(roles.BENDAHARA)
    resent = owner_in(Status.TRANSFER_FAILED)
    waiting = owner_in(Status.TRANSFER_FAILED)
    account = _sent_again(resent, bendahara)
    today = tanggal(timezone.localtime())

    resent_text = _text(check(client, resent.nik, resent.phone[-4:]))
    waiting_text = _text(check(client, waiting.nik, waiting.phone[-4:]))

    assert (
        "Transfer sebelumnya gagal. Dana Rp2.400.000 sedang dikirim ulang ke rekening BNI yang "
        f"berakhiran {account.account_number[-4:]}; Dinas mengirim datanya ke bank pada {today}."
    ) in resent_text
    assert "tunggu bank penyalur menyelesaikan transfer" in resent_text
    assert "Bila dana tetap belum masuk, kirim pengaduan" in resent_text
    assert f"<dt>Dikirim ulang ke bank</dt><dd>{today}</dd>" in resent_text
    assert "pastikan rekening Anda aktif" not in resent_text
    assert account.account_number not in resent_text
    # Not re-exported yet: still asked to fix the account.
    assert "pastikan rekening Anda aktif" in waiting_text
    assert "sedang dikirim ulang" not in waiting_text


def test_a_transfer_sent_again_that_fails_too_asks_for_the_account_again(
    client, owner_in, make_staff, django_assert_num_queries
):
    from aid import services

    bendahara = make_staff(roles.BENDAHARA)
    owner = owner_in(Status.TRANSFER_FAILED)
    _sent_again(owner, bendahara)
    with django_assert_num_queries(1):
        assert status_lookup(nik=owner.nik, phone_last4=owner.phone[-4:]).applications[0].resent_at

    services.disbursement_record(
        application=owner.applications.get(),
        bank_reference="KIRIM-ULANG-1",
        succeeded=False,
        failure_reason="Rekening tidak aktif",
        transferred_at=timezone.now(),
        by=bendahara,
    )

    text = _text(check(client, owner.nik, owner.phone[-4:]))
    assert "pastikan rekening Anda aktif" in text
    assert "sedang dikirim ulang" not in text
