"""Writes the fixture lists in this folder (run once; the files are committed).

    python tests/aid/importing/files/make_fixtures.py

Every NIK here is made up but passes the NIK rules; the tests name them in ``NIKS``.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

NIKS = {
    "new": "3275014708850003",
    "existing_application": "3275021203790011",
    "received": "3275035505820007",
    "same_phone_1": "3275040101900021",
    "same_phone_2": "3275040202910022",
    "incomplete": "3275050303920031",
    "landline": "3275060404930041",
    "bad_kelurahan": "3275070505940051",
    "bad_bank": "3275080606950061",
    "registered": "3275090707960071",
    "twin_1": "3275100101900081",
    "twin_2": "3275110101900091",
}

HEADER = (
    "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,Bidang Usaha,No HP,Bank,No Rekening"
)
N = NIKS
OUTCOMES = [
    HEADER,
    f"{N['new']},Siti Aminah,Jl. Melati 5,Bekasi Timur,Arenjaya,Warung Siti,Kuliner,081234567890,BRI,012301000123456",
    f"{N['new']},Siti Aminah,Jl. Melati 5,Bekasi Timur,Arenjaya,Warung Siti,Kuliner,081234567890,BRI,012301000123456",
    "3275011708900000,Agus Salim,Jl. Kenanga 1,,,Bengkel Agus,Otomotif,081298765432,,",
    "3.27501E+15,Dewi Lestari,Jl. Mawar 2,,,Jahit Dewi,Konveksi,081311112222,,",
    f"{N['incomplete']},Rudi Hartono,,,,Toko Rudi,Kelontong,,,",
    f"{N['landline']},Yanti,Jl. Anggrek 3,,,Salon Yanti,Jasa,0218801234,,",
    f"{N['bad_kelurahan']},Bambang,Jl. Dahlia 4,,Kebayoran,Bakso Bambang,Kuliner,081355556666,,",
    f"{N['bad_bank']},Wati,Jl. Flamboyan 6,,,Kue Wati,Kuliner,081377778888,Bank Antah,1234567890",
    f"{N['existing_application']},Joko Widodo,Jl. Cempaka 7,,,Mebel Joko,Kerajinan,081399990000,,",
    f"{N['received']},Sri Rahayu,Jl. Teratai 8,,,Catering Sri,Kuliner,081211223344,,",
    f"{N['same_phone_1']},Ahmad Fauzi,Jl. Kamboja 9,Bekasi Utara,Perwira,Laundry Ahmad,Jasa,+62 812-5555-0001,,",
    f"{N['same_phone_2']},Fauziah,Jl. Kamboja 9,Bekasi Utara,Perwira,Warung Fauziah,Kuliner,6281255550001,,",
    f"{N['registered']},ENDANG S.,Jl. Lain 10,,,Toko Endang,Kelontong,081244445555,,",
    f"{N['twin_1']},Budi Santoso,Jl. Sawo 11,,,Pecel Budi,Kuliner,081266667777,,",
    f"{N['twin_2']},BUDI  SANTOSO,Jl. Sawo 12,,,Sate Budi,Kuliner,081288889999,,",
]


def write() -> None:
    (HERE / "outcomes.csv").write_text("\n".join(OUTCOMES) + "\n", encoding="utf-8")

    # Windows-1252 with semicolons and Indonesian header variants, as Excel saves it.
    semicolon = [
        "No KTP;Nama;Alamat;No. HP;Jenis Usaha",
        f"{N['new']};Siti Aminah;Jl. Hj. Nurjanah – Gg. Mawar;0812 3456 7890;Kuliner",
        f"{N['twin_1']};Andrés Müller;Jl. Sawo 11;0812-6666-7777;Jasa",
    ]
    (HERE / "semicolon_cp1252.csv").write_bytes("\r\n".join(semicolon).encode("cp1252"))

    bom = [
        "NIK,Nama Lengkap,Alamat KTP,Telepon,Nama Usaha",
        f"{N['new']},Siti,Jl. Melati 5,081234567890,Warung",
    ]
    (HERE / "bom.csv").write_bytes("\ufeff".encode() + "\n".join(bom).encode("utf-8"))

    scientific = [
        "NIK;Nama Lengkap;Alamat KTP;No HP;Nama Usaha",
        "3,27501E+15;Siti;Jl. Melati 5;081234567890;Warung",
        f"{N['new']};Siti;Jl. Melati 5;081234567890;Warung",
    ]
    (HERE / "scientific.csv").write_text("\n".join(scientific) + "\n", encoding="utf-8")

    trailing = [*bom[1:], "", "   ", ",,,,", "\t", ""]
    (HERE / "trailing_blank.csv").write_text(
        "\n".join([bom[0], *trailing]) + "\n\n\n", encoding="utf-8"
    )

    (HERE / "missing_nik.csv").write_text(
        "Nama Lengkap,Alamat KTP,No HP\nSiti,Jl. Melati 5,081234567890\n", encoding="utf-8"
    )
    (HERE / "header_only.csv").write_text(HEADER + "\n", encoding="utf-8")
    (HERE / "empty.csv").write_bytes(b"")
    # A PNG image renamed to .csv.
    (HERE / "binary.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DAFTAR USULAN BPUM KELURAHAN PERWIRA"])  # a title row above the header
    sheet.append(["No", "NIK", "Nama Lengkap", "Alamat KTP", "No HP", "Nama Usaha"])
    # Typed as a number: Excel keeps 15 significant digits, so the last one (3) became 0.
    sheet.append([1, 3275014708850010, "Siti Aminah", "Jl. Melati 5", 81234567890, "Warung"])
    sheet.append([2, N["twin_1"], "Budi Santoso", "Jl. Sawo 11", "081266667777", "Pecel"])
    workbook.save(HERE / "numeric_nik.xlsx")


if __name__ == "__main__":
    write()
