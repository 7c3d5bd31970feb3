"""Owners whose proposal was refused at import learn who sent it, when, why and where to go,
without the page becoming an oracle, and after the list's staged rows are purged."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from aid import services
from aid.models import ImportRow, ImportStatus, ProposalList, Reason
from proposers.models import Proposer
from public import services as public_services
from public.models import RefusedProposal, StatusLookup
from public.services import nik_digest, safe_refusal_message
from public.services import refused_proposals_record as record_refusals
from registry.models import Region
from tests.public.conftest import check, headers_but_the_clock
from umkm_portal import roles

pytestmark = pytest.mark.django_db

ACCEPTED_NIK = "3275014708850003"
REFUSED_NIK = "3275011708900001"  # the row lacks its KTP address: data kurang lengkap
NO_PHONE_NIK = "3275015203880002"  # refused too, and without a phone: never matchable
HEADER = "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,Bidang Usaha,No HP\n"
ROWS = (
    f"{ACCEPTED_NIK},Siti Aminah,Jl. Melati 5,Bekasi Timur,Arenjaya,Warung Siti,Kuliner,081234567890\n"
    f"{REFUSED_NIK},Agus Salim,,Bekasi Timur,Arenjaya,Bengkel Agus,Otomotif,081298765432\n"
    f"{NO_PHONE_NIK},Dewi Lestari,,,,Jahit Dewi,Konveksi,\n"
)


@pytest.fixture
def proposer():
    return Proposer.objects.create(
        name="Kelurahan Arenjaya",
        kind=Proposer.Kind.KELURAHAN,
        kelurahan=Region.objects.get(name__iexact="Arenjaya"),
        contact_name="Ibu Rina (Kasi Ekbang)",
        phone="021-8800-1234",
        address="Jl. Arenjaya Raya 1",
        opening_hours="Senin-Jumat 08.00-15.00",
    )


@pytest.fixture
def merged_list(program, make_staff, proposer):
    operator = make_staff(roles.OPERATOR, username="operator-refused")
    proposal_list = services.proposal_list_upload(
        program=program,
        proposer=proposer,
        file=io.BytesIO((HEADER + ROWS).encode()),
        filename="arenjaya.csv",
        by=operator,
        received_on=datetime.date(2020, 8, 20),
    )
    proposal_list.refresh_from_db()
    services.proposal_list_confirm(proposal_list=proposal_list, by=operator)
    return proposal_list


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _without_csrf(response) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_a_refused_owner_finds_who_proposed_them_when_why_and_where_to_go(client, merged_list):
    response = check(client, REFUSED_NIK, "5432")

    assert response.status_code == 200
    text = _text(response)
    assert "Usulan dari Kelurahan Arenjaya, 20 Agustus 2020" in text
    assert f"Program bantuan: <strong>{merged_list.program.name}</strong>" in text
    assert "Data kurang lengkap" in text
    assert "Alamat KTP belum diisi" in text
    assert "Lengkapi alamat, nomor HP dan data usaha melalui kelurahan Anda" in text
    assert "Datang ke Kelurahan Arenjaya dengan membawa KTP" in text
    for contact in ["Jl. Arenjaya Raya 1", "021-8800-1234", "Senin-Jumat 08.00-15.00", "Arenjaya"]:
        assert contact in text
    # Nothing identifying, and nothing meant for the proposer about rows of the list.
    for secret in [REFUSED_NIK, "Agus Salim", "Salim", "081298765432", "baris"]:
        assert secret not in text
    assert StatusLookup.objects.get().outcome == StatusLookup.Outcome.FOUND


def test_wrong_digits_unknown_nik_and_a_refused_row_without_phone_get_the_same_page(
    client, merged_list
):
    wrong_digits = check(client, REFUSED_NIK, "0000")
    unknown = check(client, "3275016509920004", "5432")
    no_phone = check(client, NO_PHONE_NIK, "0000")

    assert wrong_digits.status_code == unknown.status_code == no_phone.status_code == 200
    assert _without_csrf(wrong_digits) == _without_csrf(unknown) == _without_csrf(no_phone)

    assert headers_but_the_clock(wrong_digits) == headers_but_the_clock(unknown)
    outcomes = set(StatusLookup.objects.values_list("outcome", flat=True))
    assert outcomes == {StatusLookup.Outcome.NOT_FOUND}


def test_an_owner_who_was_accepted_sees_their_application_not_a_refusal(client, merged_list):
    text = _text(check(client, ACCEPTED_NIK, "7890"))

    assert "Diusulkan" in text
    assert "ditolak saat pemeriksaan" not in text


def test_the_check_stays_one_query_for_a_refusal(merged_list):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from public.services import status_check

    with CaptureQueriesContext(connection) as queries:
        status_check(
            nik=REFUSED_NIK, phone_last4="5432", nik_hash=nik_digest(REFUSED_NIK), client_ip=None
        )
    # One lookup statement (+ the log's INSERT on SQLite, written in the request there; the
    # lock-wait PRAGMAs and the savepoint around it are not statements of the check).
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("PRAGMA", "SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert len(statements) == (2 if _sqlite() else 1), statements
    assert statements[0].startswith(("SELECT", "EXECUTE"))  # prepared on PostgreSQL


def _sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite"


def test_only_refused_rows_with_a_phone_are_kept_minimised(merged_list):
    record = RefusedProposal.objects.get()

    assert record.nik_hash == nik_digest(REFUSED_NIK)
    assert record.phone_last4 == "5432"
    assert record.reason_code == Reason.INCOMPLETE
    assert REFUSED_NIK not in str(vars(record))


def test_each_nik_keeps_its_first_refused_row_with_usable_digits(merged_list, monkeypatch):
    """Rows of one NIK: the first whose phone ends in four digits answers, in lists of any
    size (written in batches; two here)."""
    monkeypatch.setattr("public.services._RECORD_BATCH", 2)
    rows = [
        (10, "3275011708900011", "12", Reason.INVALID_FIELD),  # too short: skipped
        (11, "3275011708900011", "081211112222", Reason.INCOMPLETE),
        (12, "3275011708900011", "081233334444", Reason.INVALID_FIELD),
        (13, "3275011708900012", "081255556666", Reason.DUPLICATE_IN_LIST),
        (14, "3275011708900013", "081277778888", Reason.INCOMPLETE),
    ]
    ImportRow.objects.bulk_create(
        ImportRow(
            proposal_list=merged_list,
            row_number=number,
            nik=nik,
            phone=phone,
            outcome=ImportRow.Outcome.REJECTED,
            reason_code=reason,
            message="Data tidak lengkap.",
        )
        for number, nik, phone, reason in rows
    )

    assert record_refusals(proposal_list=merged_list) == 4  # REFUSED_NIK and the three above
    kept = {
        r.nik_hash: (r.phone_last4, r.reason_code)
        for r in RefusedProposal.objects.filter(proposal_list=merged_list)
    }
    assert kept[nik_digest("3275011708900011")] == ("2222", Reason.INCOMPLETE)
    assert kept[nik_digest("3275011708900012")] == ("6666", Reason.DUPLICATE_IN_LIST)
    assert kept[nik_digest(REFUSED_NIK)] == ("5432", Reason.INCOMPLETE)
    assert len(kept) == 4


def test_the_answer_outlives_the_purged_rows_until_its_own_retention(client, merged_list, settings):
    ProposalList.objects.filter(pk=merged_list.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=200)
    )
    settings.REFUSED_PROPOSAL_RETENTION_DAYS = 365
    call_command("purge_uploads", days=180, stdout=io.StringIO())

    assert not ImportRow.objects.filter(proposal_list=merged_list).exists()
    assert "Usulan dari Kelurahan Arenjaya" in _text(check(client, REFUSED_NIK, "5432"))

    RefusedProposal.objects.update(created_at=timezone.now() - datetime.timedelta(days=366))
    call_command("purge_uploads", days=180, stdout=io.StringIO())

    assert not RefusedProposal.objects.exists()
    assert "Data tidak ditemukan" in _text(check(client, REFUSED_NIK, "5432"))


def test_a_resent_list_replaces_the_earlier_versions_answer(merged_list, program, proposer):
    operator = merged_list.uploaded_by
    fixed = HEADER + ROWS.replace(",Agus Salim,,", ",Agus Salim,Jl. Kenanga 1,")
    resent = services.proposal_list_upload(
        program=program,
        proposer=proposer,
        file=io.BytesIO(fixed.encode()),
        filename="arenjaya-2.csv",
        by=operator,
    )
    resent.refresh_from_db()
    assert resent.previous_id == merged_list.pk
    services.proposal_list_confirm(proposal_list=resent, by=operator)

    assert not RefusedProposal.objects.filter(nik_hash=nik_digest(REFUSED_NIK)).exists()


@pytest.mark.parametrize(
    ("reason", "message", "safe"),
    [
        (
            Reason.INCOMPLETE,
            "Data kurang lengkap: Alamat KTP belum diisi. Lengkapi lalu kirim ulang baris ini.",
            "Data kurang lengkap: Alamat KTP belum diisi.",
        ),
        (
            Reason.INVALID_FIELD,
            "Nomor HP 08123 tidak dapat dibaca. Tulis seperti 081234567890.",
            "",
        ),
        (
            Reason.DUPLICATE_EXISTING,
            'Sudah diusulkan lewat "Koperasi Maju" (permohonan #12) atas nama Budi.',
            "",
        ),
        (Reason.DUPLICATE_IN_LIST, "NIK ini sudah tercantum di baris 4 daftar ini.", ""),
        (Reason.INVALID_FIELD, 'Bank "Bank Siti" tidak dikenal.', ""),
    ],
)
def test_messages_are_cut_to_what_names_nobody_else(reason, message, safe):
    assert safe_refusal_message(reason, message) == safe


def _record(proposal_list, **fields):
    values = {
        "nik_hash": "a" * 64,
        "phone_last4": "1234",
        "proposal_list": proposal_list,
        "proposer_name": "Kelurahan Arenjaya",
        "proposed_on": datetime.date(2020, 8, 20),
        "reason_code": Reason.INCOMPLETE,
        **fields,
    }
    with transaction.atomic():
        RefusedProposal.objects.create(**values)


def test_the_database_refuses_records_the_page_could_not_match(merged_list):
    RefusedProposal.objects.all().delete()
    with pytest.raises(IntegrityError):
        _record(merged_list, phone_last4="")
    with pytest.raises(IntegrityError):
        _record(merged_list, phone_last4="12a4")
    with pytest.raises(IntegrityError):
        _record(merged_list, nik_hash=REFUSED_NIK)
    _record(merged_list)
    with pytest.raises(IntegrityError):
        _record(merged_list, phone_last4="9999")  # one per NIK per list


def _staged_list(program, make_staff, proposer):
    operator = make_staff(roles.OPERATOR, username="operator-atomic")
    proposal_list = services.proposal_list_upload(
        program=program,
        proposer=proposer,
        file=io.BytesIO((HEADER + ROWS).encode()),
        filename="arenjaya.csv",
        by=operator,
    )
    proposal_list.refresh_from_db()
    return proposal_list, operator


def test_a_merge_whose_refusal_record_fails_is_not_merged_and_resumes(
    program, make_staff, proposer, monkeypatch
):
    """The status page hears of the merge inside the list's last transaction: when its record
    fails, the list is not merged (it stays "merging": its applications cannot be verified)
    and no refusal is kept; confirming again finishes it, with the record."""
    staged, operator = _staged_list(program, make_staff, proposer)
    original = public_services.refused_proposals_record

    def broken(**kwargs):
        raise IntegrityError("the status page's table refused the rows")

    monkeypatch.setattr("public.services.refused_proposals_record", broken)
    with pytest.raises(IntegrityError):
        services.proposal_list_confirm(proposal_list=staged, by=operator)

    staged.refresh_from_db()
    assert staged.import_status == ImportStatus.MERGING
    assert not RefusedProposal.objects.exists()

    monkeypatch.setattr("public.services.refused_proposals_record", original)
    services.proposal_list_confirm(proposal_list=staged, by=operator)
    staged.refresh_from_db()
    assert staged.import_status == ImportStatus.MERGED
    assert RefusedProposal.objects.exists()


def test_a_merge_that_fails_after_the_record_keeps_no_refusal(
    program, make_staff, proposer, monkeypatch
):
    staged, operator = _staged_list(program, make_staff, proposer)

    def broken(*args, **kwargs):
        raise IntegrityError("the list's status could not be saved")

    monkeypatch.setattr("aid.transitions.import_move", broken)
    with pytest.raises(IntegrityError):
        services.proposal_list_confirm(proposal_list=staged, by=operator)

    assert not RefusedProposal.objects.exists()
    assert not staged.applications.exists()


def test_a_city_wide_list_sends_each_owner_to_the_office_of_their_row_s_kelurahan(
    client, program, make_staff, proposer
):
    """A list the Dinas collected from every kelurahan ("Rekap kelurahan se-Kota Bekasi"):
    the owner is sent to the kelurahan office of the row, not to the Dinas's recap."""
    operator = make_staff(roles.OPERATOR, username="operator-recap")
    recap = Proposer.objects.create(
        name="Rekap kelurahan se-Kota Bekasi",
        kind=Proposer.Kind.DINAS,
        address="Jl. Ir. H. Juanda 100",
        phone="021-0000-0000",
    )
    rows = (
        f"{REFUSED_NIK},Agus Salim,,Bekasi Timur,Arenjaya,Bengkel Agus,Otomotif,081298765432\n"
        "3275016509920004,Rina,,Bekasi Timur,Margahayu,Warung Rina,Kuliner,081211112222\n"
    )
    proposal_list = services.proposal_list_upload(
        program=program,
        proposer=recap,
        file=io.BytesIO((HEADER + rows).encode()),
        filename="rekap.csv",
        by=operator,
        received_on=datetime.date(2020, 8, 20),
    )
    services.proposal_list_confirm(proposal_list=proposal_list, by=operator)

    text = _text(check(client, REFUSED_NIK, "5432"))
    assert "Usulan dari Rekap kelurahan se-Kota Bekasi, 20 Agustus 2020" in text
    assert "Datang ke Kelurahan Arenjaya dengan membawa KTP" in text
    for contact in ["Jl. Arenjaya Raya 1", "021-8800-1234", "Ibu Rina (Kasi Ekbang)"]:
        assert contact in text
    assert "Jl. Ir. H. Juanda 100" not in text

    # A kelurahan without a registered office: its office by name, and no recap contact.
    text = _text(check(client, "3275016509920004", "2222"))
    assert "Datang ke Kantor Kelurahan Margahayu dengan membawa KTP" in text
    assert "Margahayu" in text and "021-0000-0000" not in text
    assert "Datang ke Rekap" not in text
