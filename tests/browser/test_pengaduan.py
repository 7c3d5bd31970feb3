"""On a 360×740 phone: check the status, send a pengaduan, staff answer it, the owner reads
the answer on the next check; the new pages pass an accessibility scan."""

from pathlib import Path

import axe_playwright_python
import pytest
from django.core.cache import cache

from aid.models import Status
from complaints import services
from complaints.models import Complaint
from tests.public.conftest import owner_in  # noqa: F401  (fixture)
from umkm_portal import roles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _check_status(page, owner):
    page.goto("/cek-status/")
    page.get_by_label("NIK (16 digit, sesuai KTP)").fill(owner.nik)
    page.get_by_label("4 digit terakhir nomor HP yang didaftarkan").fill(owner.phone[-4:])
    page.get_by_role("button", name="Cek status").click()
    page.wait_for_selector(".masked-name")


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_sends_a_pengaduan_and_reads_the_answer_on_a_phone(
    audit_page,
    owner_in,  # noqa: F811
    make_staff,
    screenshot,
):
    page = audit_page
    owner = owner_in(Status.TRANSFERRED)

    _check_status(page, owner)
    assert _serious_violations(page) == []
    screenshot(page, "pengaduan-result-phone")
    page.get_by_role("button", name="Tulis pengaduan").click()
    page.wait_for_selector("text=Jenis pengaduan")
    assert _serious_violations(page) == []
    assert _fits_the_screen(page)
    screenshot(page, "pengaduan-form-phone")
    page.get_by_label("Belum menerima dana").check()
    page.get_by_label("Pesan Anda").fill("Dana belum masuk ke rekening saya.")
    # The portal has the owner's phone: it is not asked for again (issue 25.7).
    assert page.get_by_label("Nomor HP lain (tidak wajib)").input_value() == ""
    page.get_by_role("button", name="Kirim pengaduan").click()
    page.wait_for_selector("text=Pengaduan terkirim")
    assert _serious_violations(page) == []
    assert _fits_the_screen(page)

    complaint = Complaint.objects.get()
    assert complaint.contact_phone == owner.phone
    services.complaint_answer(
        complaint=complaint,
        answer="Kami sudah mengecek ke bank: dana masuk 10 September 2020.",
        by=make_staff(roles.OPERATOR),
        close=True,
    )

    _check_status(page, owner)
    body = page.locator("main").inner_text()
    assert "Kami sudah mengecek ke bank" in body
    assert "Selesai" in body
    assert owner.nik not in page.content()
    assert _fits_the_screen(page)
    assert _serious_violations(page) == []
    screenshot(page, "pengaduan-answered-phone")
