"""Staff read amounts as Rp2.400.000 and counts as 59.516, and may type amounts the same way."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aid.forms import ManualTransferForm, ProgramForm, RupiahField
from aid.models import Disbursement, ImportStatus, Program, ProposalList, Status
from aid.money import parse_rupiah
from tests.aid.conftest import in_status, statuses
from umkm_portal import roles


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("2.400.000", 2_400_000),
        ("2400000", 2_400_000),
        ("Rp2.400.000", 2_400_000),
        ("Rp 2.400.000,-", 2_400_000),
        ("Rp. 2.400.000,00", 2_400_000),
        ("IDR 2,400,000", 2_400_000),
        (" 1 200 000 ", 1_200_000),
    ],
)
def test_amounts_typed_as_people_write_rupiah(typed, amount):
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize("typed", ["2.4", "2.400.00", "2.400,000", "24OO000", "-5", "", "Rp"])
def test_anything_else_is_refused_not_guessed(typed):
    assert parse_rupiah(typed) is None


def test_the_field_is_a_numeric_text_input_that_shows_dots():
    field = RupiahField(min_value=1)
    html = field.widget.render("amount", field.prepare_value(2_400_000))

    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert 'value="2.400.000"' in html
    assert field.clean("Rp2.400.000") == 2_400_000
    with pytest.raises(Exception, match="misalnya 2.400.000"):
        field.clean("dua juta")
    with pytest.raises(Exception, match="paling sedikit Rp1"):
        field.clean("0")


def test_manual_transfer_form_uses_it():
    assert isinstance(ManualTransferForm.base_fields["amount"], RupiahField)


@pytest.mark.django_db
def test_bendahara_types_the_amount_with_dots(program, make_staff, client):
    client.force_login(make_staff(roles.BENDAHARA))
    application = in_status(program, Status.APPROVED)
    data = {
        "program": program.pk,
        "nik": application.owner.nik,
        "outcome": "success",
        "bank_reference": "MAN-1",
        "transferred_at": "10/09/2020 10:00",
        "amount": "Rp2.400.000",
        "account_number": application.owner.bank_accounts.get().account_number,
        "failure_reason": "",
    }

    client.post(reverse("admin:aid_disbursement_add"), data, follow=True)

    assert statuses(application) == [Status.TRANSFERRED]
    assert Disbursement.objects.get().amount == 2_400_000


@pytest.mark.django_db
def test_the_program_form_reads_and_shows_rupiah(program, make_staff, client):
    form = ProgramForm(instance=program)
    assert 'value="2.400.000"' in str(form["amount"])
    assert 'inputmode="numeric"' in str(form["amount"])

    client.force_login(make_staff(None))
    page = client.get(reverse("admin:aid_program_add"))
    assert 'inputmode="numeric"' in page.content.decode()
    client.post(
        reverse("admin:aid_program_add"),
        {
            "code": "bpum-2021",
            "name": "BPUM 2021",
            "amount": "Rp1.200.000",
            "one_time": "on",
            "withdrawal_days": "90",
        },
    )
    assert Program.objects.get(code="bpum-2021").amount == 1_200_000


def test_problem_counts_have_thousands_separators():
    problems = [{"row": n, "nik": "", "message": "x"} for n in range(1200)]
    assert "1.200 baris bermasalah" in render_to_string(
        "admin/aid/problems.html", {"problems": problems}
    )


@pytest.mark.django_db
def test_the_merge_button_counts_with_thousands_separators(program, make_staff, client):
    proposal_list = ProposalList.objects.create(
        program=program,
        proposer_name="Kelurahan Jatiwaringin",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        import_status=ImportStatus.STAGED,
        rows_read=60000,
        rows_total=60000,
        counts={"rows": 60000, "accepted": 59516, "incomplete": 484, "flagged": 0},
    )
    client.force_login(make_staff(None))

    page = client.get(reverse("admin:aid_proposallist_import", args=[proposal_list.pk]))

    assert "Gabungkan 59.516 baris yang diterima" in page.content.decode()
