"""A verifier works through the queue of possible duplicates on a 1366×768 office screen."""

import datetime
import os
import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from aid.models import Application, PossibleDuplicate, Program, ProposalList
from tests.factories import ApplicationFactory, BankAccountFactory, BusinessFactory, OwnerFactory
from umkm_portal import roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The user guide's screenshots; refreshed with UPDATE_PANDUAN_IMG=1.
PANDUAN_IMG = Path(__file__).resolve().parents[2] / "docs" / "panduan" / "img"


@pytest.fixture
def office_page(browser, live_server):
    """A page the size of the department's common laptop screen, 1366×768."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    page = context.new_page()
    yield page
    context.close()


def _application(program, *, nik, name, phone, days_ago, account=None):
    owner = OwnerFactory(nik=nik, full_name=name, phone=phone)
    business = BusinessFactory(owner=owner)
    if account:
        BankAccountFactory(owner=owner, account_number=account)
    else:
        BankAccountFactory(owner=owner)
    return ApplicationFactory(
        business=business,
        program=program,
        proposed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def pairs(transactional_db):
    program = Program.objects.create(code="bpum-2020", name="BPUM 2020", amount=2_400_000)
    siti = _application(
        program, nik="3275015708900002", name="Siti Rahmawati", phone="+6281299990000", days_ago=9
    )
    siti_again = _application(
        program, nik="3275015708900003", name="Siti Rahmawati", phone="+6281299990000", days_ago=2
    )
    budi = _application(
        program,
        nik="3275031203850001",
        name="Budi Santoso",
        phone="+6281377770001",
        days_ago=8,
        account="012301000777001",
    )
    budi_son = _application(
        program,
        nik="3275031508100004",
        name="Bagas Santoso",
        phone="+6281377770001",
        days_ago=3,
        account="012301000777002",
    )
    rina = _application(
        program, nik="3275024406920003", name="Rina Marlina", phone="+6281555550003", days_ago=7
    )
    rina_again = _application(
        program, nik="3275024406920005", name="Rina Marlina", phone="+6285711112222", days_ago=1
    )
    listed = ProposalList.objects.create(program=program, proposer_name="Kelurahan Jatiwaringin")
    Application.objects.filter(pk__in=[siti_again.pk, rina_again.pk]).update(proposal_list=listed)
    return [
        PossibleDuplicate.objects.create(
            application=siti, other=siti_again, rules="name_birth_date,phone"
        ),
        PossibleDuplicate.objects.create(application=budi, other=budi_son, rules="phone"),
        PossibleDuplicate.objects.create(
            application=rina, other=rina_again, rules="name_birth_date"
        ),
    ]


def _keep(screenshot, page, name: str) -> None:
    path = screenshot(page, name)
    if os.environ.get("UPDATE_PANDUAN_IMG") == "1":
        PANDUAN_IMG.mkdir(exist_ok=True)
        shutil.copyfile(path, PANDUAN_IMG / f"{name}.png")


def test_verifier_decides_different_people_and_lands_on_the_next_pair(
    office_page, admin_login, make_staff, screenshot, pairs
):
    page = office_page
    admin_login(page, make_staff(roles.VERIFIKATOR))
    page.goto("/admin/aid/possibleduplicate/")
    page.wait_for_selector("#result_list")
    table = page.locator("#result_list").inner_text()
    assert "Siti Rahmawati" in table and "Nama dan tanggal lahir sama, Nomor HP sama" in table
    _keep(screenshot, page, "antrian-data-ganda")

    page.click("#open-first-pair")
    page.wait_for_url(re.compile(rf"/possibleduplicate/{pairs[0].pk}/change/"))
    assert "Siti Rahmawati" in page.locator("table.compare").inner_text()
    _keep(screenshot, page, "bandingkan-data-ganda")

    page.check("text=Orang berbeda")
    page.fill("#id_note", "KK berbeda, dicek di kelurahan")
    page.click("input[name=_next]")

    page.wait_for_url(re.compile(rf"/possibleduplicate/{pairs[1].pk}/change/"))
    assert "Keputusan dicatat" in page.locator(".messagelist").inner_text()
    assert "Budi Santoso" in page.locator("table.compare").inner_text()
    pairs[0].refresh_from_db()
    assert pairs[0].decision == PossibleDuplicate.Decision.DIFFERENT_PEOPLE
