"""Owners check their status on a phone; the public pages pass an accessibility scan."""

from pathlib import Path

import axe_playwright_python
import pytest
from django.core.cache import cache

from aid.models import Reason, Status
from privacy.masking import mask_name
from registry.models import Bank
from tests.public.conftest import owner_in  # noqa: F401  (fixture)

# serialized_rollback: the reference data (banks, regions) from migrations survives each flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture(autouse=True)
def _bank(transactional_db):
    # Transactional tests flush the tables, reference data from migrations included.
    Bank.objects.get_or_create(
        code="002", defaults={"name": "PT Bank Rakyat Indonesia", "short_name": "BRI"}
    )


def _check_status(page, owner):
    page.goto("/")
    page.get_by_role("link", name="Cek status usulan").click()
    page.get_by_label("NIK (16 digit, sesuai KTP)").fill(owner.nik)
    page.get_by_label("4 digit terakhir nomor HP yang didaftarkan").fill(owner.phone[-4:])
    page.get_by_role("button", name="Cek status").click()
    page.wait_for_selector(".masked-name")


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_checks_a_transferred_grant_on_a_phone(phone_page, owner_in, screenshot):  # noqa: F811
    owner = owner_in(Status.TRANSFERRED)
    account = owner.bank_accounts.get().account_number

    _check_status(phone_page, owner)

    body = phone_page.locator("main").inner_text()
    assert mask_name(owner.full_name) in body
    assert f"berakhiran {account[-4:]}" in body
    assert "Cairkan dana paling lambat 9 Desember 2020" in body
    assert owner.nik not in phone_page.content()
    assert _fits_the_screen(phone_page)
    screenshot(phone_page, "status-transferred-phone")


def test_owner_checks_a_rejected_application_on_a_phone(phone_page, owner_in, screenshot):  # noqa: F811
    owner = owner_in(Status.REJECTED, reason=Reason.DUPLICATE_EXISTING)

    _check_status(phone_page, owner)

    body = phone_page.locator("main").inner_text()
    assert "Ditolak" in body
    assert "Sudah diusulkan dalam daftar lain" in body
    assert "Hubungi kelurahan Anda" in body
    assert _fits_the_screen(phone_page)
    screenshot(phone_page, "status-rejected-phone")


def test_owner_whose_failed_transfer_is_sent_again_reads_it_on_a_phone(
    phone_page,
    owner_in,  # noqa: F811
    make_staff,
    screenshot,
):
    from tests.public.test_status_check import _sent_again
    from umkm_portal import roles

    Bank.objects.get_or_create(
        code="009", defaults={"name": "PT Bank Negara Indonesia", "short_name": "BNI"}
    )
    owner = owner_in(Status.TRANSFER_FAILED)
    account = _sent_again(owner, make_staff(roles.BENDAHARA))

    _check_status(phone_page, owner)

    body = phone_page.locator("main").inner_text()
    last4 = account.account_number[-4:]
    assert f"sedang dikirim ulang ke rekening BNI yang berakhiran {last4}" in body
    assert "pastikan rekening Anda aktif" not in body
    assert _fits_the_screen(phone_page)
    screenshot(phone_page, "status-sent-again-phone")


def test_the_check_works_without_javascript(browser, live_server, owner_in):  # noqa: F811
    owner = owner_in(Status.APPROVED)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        locale="id-ID",
    )
    page = context.new_page()
    try:
        _check_status(page, owner)
        assert "Ditetapkan sebagai penerima" in page.locator("main").inner_text()
    finally:
        context.close()


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", ["/", "/cek-status/"])
def test_public_pages_have_no_serious_accessibility_violations(audit_page, path):
    audit_page.goto(path)

    assert _serious_violations(audit_page) == []


def test_result_and_error_pages_have_no_serious_accessibility_violations(
    audit_page,
    owner_in,  # noqa: F811
):
    owner = owner_in(Status.TRANSFERRED)
    _check_status(audit_page, owner)
    assert _serious_violations(audit_page) == []

    audit_page.goto("/cek-status/")
    audit_page.get_by_label("NIK (16 digit, sesuai KTP)").fill("123")
    audit_page.get_by_label("4 digit terakhir nomor HP yang didaftarkan").fill("1")
    audit_page.get_by_role("button", name="Cek status").click()
    error = audit_page.get_by_label("NIK (16 digit, sesuai KTP)")
    assert error.get_attribute("aria-invalid") == "true"
    assert "16 angka" in audit_page.locator("#nik-error").inner_text()
    assert _serious_violations(audit_page) == []


def test_a_refused_owner_reads_the_offices_details_label_beside_value_on_a_phone(
    phone_page, program, make_staff, screenshot
):
    """Where to go, on a phone: "Alamat", "Jam layanan", "Telepon / WhatsApp" each sit on the
    line of their value, not as a bare word above an indented one."""
    from tests.public.test_refused_proposals import REFUSED_NIK
    from tests.public.test_refused_proposals import merged_list as make_list
    from tests.public.test_refused_proposals import proposer as make_proposer

    make_list.__wrapped__(program, make_staff, make_proposer.__wrapped__())
    phone_page.goto("/cek-status/")
    phone_page.get_by_label("NIK (16 digit, sesuai KTP)").fill(REFUSED_NIK)
    phone_page.get_by_label("4 digit terakhir nomor HP yang didaftarkan").fill("5432")
    phone_page.get_by_role("button", name="Cek status").click()

    contact = phone_page.locator("dl.proposer-contact")
    assert "Jl. Arenjaya Raya 1" in contact.inner_text()
    for label in ("Alamat", "Jam layanan", "Telepon / WhatsApp"):
        item = contact.locator("div", has=phone_page.locator("dt", has_text=label))
        label_box = item.locator("dt").bounding_box()
        value_box = item.locator("dd").bounding_box()
        assert abs(label_box["y"] - value_box["y"]) < 4, label
        assert value_box["x"] > label_box["x"] + label_box["width"], label
    assert _fits_the_screen(phone_page)
    screenshot(phone_page, "status-refused-office-phone")
