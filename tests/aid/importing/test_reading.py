"""Files as they really arrive: encodings, delimiters, header variants, Excel damage."""

import io

import pytest
from openpyxl import load_workbook

from aid.importing import guards
from aid.importing.guards import ListRefused
from aid.importing.read import NumericCell, open_list, values_of
from aid.models import ImportRow, ImportStatus, ProposalList, Reason
from tests.aid.importing.conftest import FILES
from tests.aid.importing.files.make_fixtures import NIKS


def _read(name: str):
    data = (FILES / name).read_bytes()
    f = io.BytesIO(data)
    kind = guards.check_upload(f, max_bytes=None)
    with open_list(f, kind) as sheet:
        return sheet.headers, [
            values_of(cells, sheet.mapping) | {"#": n} for n, cells in sheet.rows
        ]


def test_semicolon_windows_1252_with_indonesian_headers():
    headers, rows = _read("semicolon_cp1252.csv")
    assert headers[0] == "No KTP"
    assert rows[0]["nik"] == NIKS["new"]
    assert rows[0]["ktp_address"] == "Jl. Hj. Nurjanah – Gg. Mawar"
    assert rows[0]["phone"] == "0812 3456 7890"
    assert rows[0]["sector"] == "Kuliner"
    assert rows[1]["full_name"] == "Andrés Müller"


def test_utf8_bom_does_not_hide_the_nik_header():
    headers, rows = _read("bom.csv")
    assert headers[0] == "NIK"
    assert rows == [
        {
            "nik": NIKS["new"],
            "full_name": "Siti",
            "ktp_address": "Jl. Melati 5",
            "phone": "081234567890",
            "business_name": "Warung",
            "#": 2,
        }
    ]


def test_trailing_blank_and_whitespace_lines_are_skipped():
    _headers, rows = _read("trailing_blank.csv")
    assert [r["#"] for r in rows] == [2]


def test_xlsx_title_row_is_skipped_and_numeric_nik_is_kept_as_a_damage_marker():
    _headers, rows = _read("numeric_nik.xlsx")
    assert [r["#"] for r in rows] == [3, 4]  # row numbers as Excel shows them
    damaged = rows[0]["nik"]
    assert isinstance(damaged, NumericCell)
    assert rows[1]["nik"] == NIKS["twin_1"] and not isinstance(rows[1]["nik"], NumericCell)


@pytest.mark.django_db
def test_numeric_and_scientific_niks_are_refused_with_the_excel_explanation(upload):
    xlsx = upload("numeric_nik.xlsx")
    rows = {r.row_number: r for r in ImportRow.objects.filter(proposal_list=xlsx)}
    assert rows[3].reason_code == Reason.INVALID_NIK
    assert "tersimpan sebagai angka di Excel" in rows[3].message
    assert rows[3].nik == ""  # never turned back into digits
    assert rows[3].phone == "+6281234567890"  # a numeric phone only lost its leading 0
    assert rows[4].outcome == ImportRow.Outcome.ACCEPTED

    csv_list = upload("scientific.csv")
    rows = {r.row_number: r for r in ImportRow.objects.filter(proposal_list=csv_list)}
    assert rows[2].reason_code == Reason.INVALID_NIK
    assert "rusak oleh Excel (tertulis 3,27501E+15)" in rows[2].message
    assert rows[3].outcome == ImportRow.Outcome.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_nik.csv", "Judul kolom NIK tidak ditemukan"),
        ("empty.csv", "Berkas kosong"),
        ("binary.csv", "bukan CSV maupun Excel"),
        ("header_only.csv", "hanya berisi judul kolom"),
    ],
)
def test_a_refused_file_is_refused_before_staging_and_leaves_nothing(upload, name, message):
    with pytest.raises(ListRefused, match=message):
        upload(name)
    assert not ProposalList.objects.exists()
    assert not ImportRow.objects.exists()


def _xlsx_bytes(sheet_xml: bytes | None = None) -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["NIK", "Nama"])
    workbook.active.append([NIKS["new"], "Siti"])
    workbook.save(out)
    if sheet_xml is None:
        return out.getvalue()
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(info, data)
    return rebuilt.getvalue()


def test_a_real_xlsx_passes_the_guards():
    assert guards.check_upload(io.BytesIO(_xlsx_bytes()), max_bytes=None) == guards.XLSX


def test_xml_entity_declarations_are_refused():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData/></worksheet>"
    )
    with pytest.raises(ListRefused, match="DOCTYPE/ENTITY"):
        guards.check_upload(io.BytesIO(_xlsx_bytes(evil)), max_bytes=None)


def test_a_zip_bomb_is_refused_before_opening(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 200
    settings.IMPORT_MAX_COMPRESSION_RATIO = 100
    padding = b"<!-- " + b"0" * (30 * 1024 * 1024) + b" -->"
    bomb = _xlsx_bytes(
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData/></worksheet>' + padding
    )
    assert len(bomb) < 1024 * 1024  # tiny on disk, 30 MB unpacked
    with pytest.raises(ListRefused, match="jauh lebih besar"):
        guards.check_upload(io.BytesIO(bomb), max_bytes=None)


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ListRefused, match="bukan berkas Excel"):
        guards.check_upload(io.BytesIO(out.getvalue()), max_bytes=None)


def test_old_binary_xls_is_refused_with_advice():
    with pytest.raises(ListRefused, match=r"\.xls"):
        guards.check_upload(
            io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), max_bytes=None
        )


@pytest.mark.django_db
def test_a_file_over_the_size_cap_is_refused(upload, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    data = (FILES / "outcomes.csv").read_bytes()
    big = data + data.split(b"\n", 1)[1] * (2 * 1024 * 1024 // len(data))
    with pytest.raises(ListRefused, match="terlalu besar"):
        upload("besar.csv", data=big)
    assert not ProposalList.objects.exists()


@pytest.mark.django_db
def test_the_stored_file_never_uses_the_uploaded_name(upload):
    proposal_list = upload("outcomes.csv", data=(FILES / "outcomes.csv").read_bytes())
    assert proposal_list.original_filename == "outcomes.csv"
    stored = proposal_list.file.name
    assert stored.startswith("proposal-lists/") and stored.endswith(".csv")
    assert "outcomes" not in stored


@pytest.mark.django_db
def test_a_path_in_the_uploaded_name_is_only_kept_as_text(upload, program):
    import aid.services as services

    proposal_list = services.proposal_list_upload(
        program=program,
        proposer_name="Koperasi",
        proposer_kind=ProposalList.ProposerKind.KOPERASI,
        file=io.BytesIO((FILES / "bom.csv").read_bytes()),
        filename="../../etc/passwd.csv",
    )
    assert proposal_list.original_filename == "passwd.csv"
    assert ".." not in proposal_list.file.name
    assert proposal_list.import_status == ImportStatus.STAGED


def test_templates_have_every_column_and_a_text_nik_column():
    from aid.importing import template_file
    from aid.importing.columns import COLUMNS, map_header

    workbook = load_workbook(io.BytesIO(template_file.template_xlsx()))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert set(map_header(header)) == set(COLUMNS)
    assert sheet["A2"].number_format == "@" and sheet["A500"].number_format == "@"
    csv_text = template_file.template_csv().decode("utf-8-sig")
    assert set(map_header(csv_text.splitlines()[0].split(";"))) == set(COLUMNS)
