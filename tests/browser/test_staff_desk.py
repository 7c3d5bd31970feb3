"""The staff desk at 1366×768 in a real browser: a Verifikator's morning, and an accessibility
scan of every admin page staff open (axe-core: no serious or critical findings)."""

import io
import re
from pathlib import Path

import axe_playwright_python
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from aid.models import Application, PossibleDuplicate, ProposalList, Status
from registry.models import Owner
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
OFFICE_SCREEN = {"width": 1366, "height": 768}


@pytest.fixture
def desk_page(browser, live_server):
    """The department's common laptop screen. CSP is bypassed so the scan can inject axe-core
    (the policy itself is tested in test_csp.py)."""
    context = browser.new_context(
        base_url=live_server.url, viewport=OFFICE_SCREEN, locale="id-ID", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db, tmp_path):
    """seed_demo's data (300 owners in every status, three lists) and one open possible
    duplicate between two proposed applications of the first list."""
    call_command("seed_demo", logins_file=tmp_path / "logins", stdout=io.StringIO())
    first = ProposalList.objects.order_by("received_on").first()
    a, b = Application.objects.filter(proposal_list=first, status=Status.PROPOSED).order_by("pk")[
        :2
    ]
    PossibleDuplicate.objects.create(application=a, other=b, rules="phone")
    return first


def _serious_violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")  # the admin's own scripts have run
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits(page) -> bool:
    """Nothing wider than the screen, and the list's table not wider than its box."""
    return page.evaluate(
        """() => {
        const results = document.querySelector('#changelist .results');
        const table = document.querySelector('#result_list');
        return document.documentElement.scrollWidth <= window.innerWidth
            && (!table || table.scrollWidth <= results.clientWidth);
        }"""
    )


def test_a_verifikators_morning(desk_page, admin_login, make_staff, demo, screenshot):
    page = desk_page
    verifier = make_staff(roles.VERIFIKATOR, "verifikator-pagi")
    admin_login(page, verifier)

    # The dashboard from the admin header, and back.
    page.get_by_role("link", name="Dasbor").click()
    expect(page.locator("h1")).to_have_text("Dasbor bantuan UMKM")
    cut_off = page.evaluate(
        "[...document.querySelectorAll('.table-scroll')]"
        ".filter(box => box.scrollWidth > box.clientWidth).map(box => box.ariaLabel)"
    )
    assert cut_off == [], "dashboard tables fit a 1366-pixel screen"
    page.get_by_role("link", name="Ke halaman admin").click()
    page.get_by_role("link", name="Permohonan", exact=True).first.click()
    expect(page.locator("#changelist")).to_be_visible()
    assert _fits(page)
    # Status, list and date proposed are on screen, not scrolled away.
    for header in ("Status", "Daftar usulan", "Diusulkan"):
        box = page.locator("#result_list thead th", has_text=header).first.bounding_box()
        assert box["x"] + box["width"] <= OFFICE_SCREEN["width"]

    # One proposal list, proposed, without a possible duplicate.
    page.locator("#changelist-filter").get_by_role(
        "link", name=re.compile(demo.proposer_name)
    ).click()
    page.locator("#changelist-filter").get_by_role("link", name="Diusulkan", exact=True).click()
    page.locator("#changelist-filter").get_by_role("link", name="Tanpa tanda data ganda").click()
    unflagged = Application.objects.filter(proposal_list=demo, status=Status.PROPOSED).exclude(
        pk__in=PossibleDuplicate.objects.values("application_id").union(
            PossibleDuplicate.objects.values("other_id")
        )
    )
    chosen = list(unflagged.exclude(owner__phone="").values_list("pk", flat=True))
    expected = unflagged.count()
    assert expected > 0
    expect(page.locator("#result_list tbody tr")).to_have_count(expected)
    screenshot(page, "desk-applications-filtered")

    # Verify them with one action, after a confirmation that gives the count.
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "verify")
    page.get_by_role("button", name="Jalankan").click()
    expect(page.locator("#content")).to_contain_text(f"{expected} permohonan akan diverifikasi.")
    screenshot(page, "desk-verify-confirm")
    page.get_by_role("button", name="Ya, verifikasi").click()
    expect(page.locator(".messagelist")).to_contain_text(f"{expected} permohonan diverifikasi")
    assert Application.objects.filter(proposal_list=demo, status=Status.PROPOSED).count() == 2

    # An owner found by their phone number as people write it, and their history.
    owner = Application.objects.get(pk=chosen[0]).owner
    national = "0" + owner.phone[3:]
    typed = f"{national[:4]}-{national[4:8]}-{national[8:]}"
    page.goto("/admin/registry/owner/")
    page.fill("#searchbar", typed)
    page.press("#searchbar", "Enter")
    page.get_by_role("link", name=owner.full_name).first.click()
    applications = page.locator("table.owner-applications")
    expect(applications.locator(".badge").first).to_have_text("Terverifikasi")
    screenshot(page, "desk-owner")
    applications.locator("a").first.click()
    history = page.locator("table.status-history")
    expect(history).to_contain_text(f"Diusulkan → Terverifikasi, oleh {verifier.username}")
    history = history.inner_text()
    assert "∅" not in history and "proposed" not in history


# Every admin list staff open, their change or add forms, the import review page and the
# dashboard. {application} etc. are filled with an object of the demo data.
PAGES = [
    "/admin/",
    "/admin/aid/application/",
    "/admin/aid/application/?status=proposed&kecamatan={kecamatan}",
    "/admin/aid/application/{application}/change/",
    "/admin/aid/proposallist/",
    "/admin/aid/proposallist/add/",
    "/admin/aid/proposallist/{proposallist}/change/",
    "/admin/aid/proposallist/{proposallist}/impor/",
    "/admin/aid/disbursement/",
    "/admin/aid/disbursement/add/",
    "/admin/aid/disbursement/{disbursement}/change/",
    "/admin/aid/program/",
    "/admin/aid/program/{program}/change/",
    "/admin/aid/program/{program}/history/",
    "/admin/aid/possibleduplicate/",
    "/admin/aid/possibleduplicate/{possibleduplicate}/change/",
    "/admin/aid/submissionbatch/",
    "/admin/aid/submissionbatch/submit/",
    "/admin/aid/decisionfile/",
    "/admin/aid/decisionfile/add/",
    "/admin/aid/bankreport/",
    "/admin/aid/bankreport/add/",
    "/admin/aid/retransferbatch/",
    "/admin/aid/retransferbatch/send/",
    "/admin/aid/statuschange/",
    "/admin/registry/owner/",
    "/admin/registry/owner/?q=budi",
    "/admin/registry/owner/add/",
    "/admin/registry/owner/{owner}/change/",
    "/admin/registry/owner/{owner}/history/",
    "/admin/registry/business/",
    "/admin/registry/business/{business}/change/",
    "/admin/registry/bankaccount/",
    "/admin/registry/bankaccount/add/",
    "/admin/registry/nikcorrection/",
    "/admin/registry/ownermerge/",
    "/admin/registry/ownerpairdismissal/",
    "/admin/registry/nikcorrection/add/",
    "/admin/registry/region/",
    "/admin/registry/bank/",
    "/admin/proposers/proposer/",
    "/admin/proposers/proposer/?kontak=belum-lengkap",
    "/admin/proposers/proposermember/",
    "/admin/complaints/complaint/",
    "/admin/development/activity/",
    "/admin/development/businessreport/",
    "/admin/development/caseassignment/",
    "/admin/development/visit/",
    "/admin/development/visit/?tindak_lanjut=lewat",
    "/admin/development/pendingregistration/",
    "/admin/development/cooperative/",
    "/admin/development/membership/",
    "/admin/development/participant/",
    "/admin/development/partnerorganisation/",
    "/admin/development/referral/",
    "/admin/development/yearlytarget/",
    "/admin/development/yearlytarget/add/",
    "/admin/development/referral/{referral}/change/",
    "/admin/development/referral/{referral}/koreksi/",
    "/admin/development/referral/{referral}/temu-usaha/",
    "/admin/notifications/messagetemplate/",
    "/admin/notifications/optout/",
    "/admin/notifications/outboxmessage/",
    "/admin/payment_checks/paymentcheck/",
    "/admin/payment_checks/sample/",
    "/admin/privacy/accesslog/",
    "/admin/jobs/job/",
    "/admin/jobs/job/{job}/",
    "/admin/public/statuslookup/",
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/dashboard/",
]


# Technical lists of packages, for the administrator only.
NOT_SCANNED = {"axes", "django_tasks_database"}


def test_every_registered_list_is_in_the_scan():
    from django.contrib import admin

    lists = {
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if model._meta.app_label not in NOT_SCANNED
    }
    assert lists - set(PAGES) == set()


def _objects() -> dict[str, int]:
    from aid.models import Disbursement, Program
    from development.models import Referral
    from registry.models import Business, Region

    return {
        "application": Application.objects.order_by("pk").first().pk,
        "proposallist": ProposalList.objects.order_by("pk").first().pk,
        "disbursement": Disbursement.objects.order_by("pk").first().pk,
        "program": Program.objects.get(code="bpum-2020").pk,
        "possibleduplicate": PossibleDuplicate.objects.get().pk,
        "owner": Owner.objects.order_by("pk").first().pk,
        "business": Business.objects.order_by("pk").first().pk,
        "kecamatan": Region.objects.filter(level="kecamatan").first().pk,
        "job": _a_job().pk,
        # a referral the lender has not decided: its page offers the correction
        "referral": Referral.objects.filter(status="diproses").order_by("pk").first().pk,
    }


def _a_job():
    """A background job to show: the demo's own (its lists were checked by jobs), else a
    failed merge of the first list."""
    from jobs.models import Job

    return Job.objects.order_by("pk").first() or Job.objects.create(
        kind="aid.merge",
        key="merge:list:demo",
        params={"proposal_list_id": ProposalList.objects.order_by("pk").first().pk},
        state=Job.State.FAILED,
        error="Penggabungan dibatalkan karena data berubah bersamaan.",
    )


def test_every_staff_page_fits_and_has_no_serious_accessibility_findings(
    desk_page, admin_login, make_staff, demo
):
    page = desk_page
    page.goto("/admin/login/")
    found = {"/admin/login/": _serious_violations(page)}
    admin_login(page, make_staff(None))
    objects = _objects()
    for path in PAGES:
        url = path.format(**objects)
        response = page.goto(url)
        assert response.status == 200, url
        found[url] = _serious_violations(page)
        if not _fits(page):
            found[url].append("the list is wider than its box at 1366×768")

    problems = [f"{url}: {finding}" for url, findings in found.items() for finding in findings]
    assert not problems, "\n".join(problems)
