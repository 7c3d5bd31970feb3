"""The identifier rules staff and proposers meet in every form, import and status check."""

import contextlib
import datetime

import pytest

from registry import identifiers

MALE_BEKASI = "3275011708900001"  # Bekasi Timur, born 17-08-1990, serial 0001
FEMALE_BEKASI = "3275085708900002"  # Pondokgede, day 57 = 17 + 40
JAKARTA_PUSAT = "3171011708450001"


class TestNik:
    def test_valid_male_bekasi_nik_gives_birth_date_and_sex(self):
        result = identifiers.nik(MALE_BEKASI)
        assert result.ok and result.value == MALE_BEKASI and not result.warning
        facts = identifiers.nik_facts(result.value)
        assert facts.birth_date == datetime.date(1990, 8, 17)
        assert facts.sex == "M"
        assert facts.region_code == "327501"

    def test_valid_female_bekasi_nik_has_forty_added_to_the_day(self):
        result = identifiers.nik(FEMALE_BEKASI)
        assert result.ok
        facts = identifiers.nik_facts(result.value)
        assert facts.birth_date == datetime.date(1990, 8, 17)
        assert facts.sex == "F"

    def test_nik_from_another_regency_is_accepted(self):
        assert identifiers.nik(JAKARTA_PUSAT).value == JAKARTA_PUSAT

    def test_young_owner_born_after_2000_is_not_put_in_the_1900s(self):
        facts = identifiers.nik_facts("3275010103050011")
        assert facts.birth_date == datetime.date(2005, 3, 1)

    @pytest.mark.parametrize("raw", ["327501170890001", "32750117089000011", "3275"])
    def test_wrong_length_is_refused_with_the_count(self, raw):
        result = identifiers.nik(raw)
        assert not result.ok
        assert "16 digit" in result.error and str(len(raw)) in result.error

    def test_letters_are_refused(self):
        result = identifiers.nik("32750117O8900001")
        assert not result.ok and "angka" in result.error

    @pytest.mark.parametrize("raw", ["3275013213900001", "3275013102900001", "3275017213900001"])
    def test_impossible_birth_date_is_refused(self, raw):
        result = identifiers.nik(raw)
        assert not result.ok and "Tanggal lahir" in result.error

    def test_serial_0000_is_refused_as_excel_damage(self):
        result = identifiers.nik("3275011708900000")
        assert not result.ok
        assert "0000" in result.error and "Excel" in result.error

    @pytest.mark.parametrize("raw", ["3.27501E+15", "3,27501E+15", "3.27501170890000E15"])
    def test_scientific_notation_is_refused_not_converted(self, raw):
        result = identifiers.nik(raw)
        assert not result.ok and result.value == ""
        assert "Excel" in result.error and "Teks" in result.error

    @pytest.mark.parametrize(
        "raw", [3275011708900010, 3275011708900010.0, 327501170890001, 3275011708900001.5]
    )
    def test_numeric_cell_that_may_have_lost_digits_is_refused_as_excel_damage(self, raw):
        # Excel keeps 15 significant digits: a 16-digit number it stored ends in 0.
        result = identifiers.nik(raw)
        assert not result.ok and result.value == ""
        assert "angka di Excel" in result.error

    @pytest.mark.parametrize("raw", [3275011708900001, 3275011708900001.0])
    def test_numeric_cell_with_all_16_digits_is_accepted(self, raw):
        assert identifiers.nik(raw) == identifiers.Checked(value=MALE_BEKASI)

    @pytest.mark.parametrize(
        "raw",
        ["'3275011708900001", " 3275011708900001 ", "3275 0117 0890 0001", "32.75.01.170890.0001"],
    )
    def test_apostrophe_spaces_and_dots_are_forgiven(self, raw):
        assert identifiers.nik(raw).value == MALE_BEKASI

    def test_unknown_province_prefix_is_a_warning_and_accepted(self):
        result = identifiers.nik("9971011708450001")
        assert result.ok and result.value == "9971011708450001"
        assert "99.71" in result.warning

    def test_repeated_digits_are_refused(self):
        assert not identifiers.nik("1111111111111111").ok

    def test_digits_of_another_script_are_refused_by_python_stdnum(self):
        # str.isdigit() accepts Arabic-Indic digits; stdnum's format rule does not.
        result = identifiers.nik("3275011708900\u0660\u0660\u0661")
        assert not result.ok and result.error == "NIK tidak valid."

    @pytest.mark.parametrize(
        "value",
        [MALE_BEKASI, FEMALE_BEKASI, JAKARTA_PUSAT, "9971011708450001", "3275013213900001"]
        + ["3275019902900001", "0000011708900001", "3275010000000001", "3275018013990001"],
    )
    def test_python_stdnum_judges_only_province_and_date_of_16_ascii_digits(self, value):
        # nik() asks python-stdnum only about values that are not plain ASCII, because for
        # 16 ASCII digits its one other verdict (InvalidComponent: province or date) is set
        # aside for our own rules. If a new stdnum version adds a rule, this fails.
        from stdnum import exceptions
        from stdnum.id import nik as stdnum_nik

        with contextlib.suppress(exceptions.InvalidComponent):
            stdnum_nik.validate(value)

    @pytest.mark.parametrize("raw", [None, "", "  ", "-", "0", "n/a", "N/A", "tidak ada"])
    def test_placeholders_count_as_empty(self, raw):
        result = identifiers.nik(raw)
        assert result.empty and result.ok


class TestPhone:
    @pytest.mark.parametrize(
        "raw",
        [
            "081234567890",
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "812-3456-7890",
            "'081234567890",
        ],
    )
    def test_every_common_form_is_stored_as_plus_628(self, raw):
        assert identifiers.phone(raw).value == "+6281234567890"

    def test_too_short_is_refused(self):
        result = identifiers.phone("0812345")
        assert not result.ok and "terlalu pendek" in result.error

    def test_landline_is_refused_as_not_mobile(self):
        result = identifiers.phone("021 8888 1234")
        assert not result.ok and "bukan nomor HP" in result.error

    def test_letters_are_refused(self):
        assert not identifiers.phone("0812abc4567").ok

    def test_placeholder_is_empty(self):
        assert identifiers.phone("-").empty


class TestOtherIdentifiers:
    def test_nib_must_be_13_digits(self):
        assert identifiers.nib("9120001234567").value == "9120001234567"
        assert identifiers.nib("9120 0012 34567").value == "9120001234567"
        assert "13 digit" in identifiers.nib("912000123456").error
        assert not identifiers.nib("91200012345AB").ok

    def test_kk_must_be_16_digits_with_a_region_code(self):
        assert identifiers.kk("3275011503150004").value == "3275011503150004"
        assert identifiers.kk("3275 0115 0315 0004").value == "3275011503150004"
        assert not identifiers.kk("327501150315").ok
        assert not identifiers.kk("0075011503150004").ok
        assert "Excel" in identifiers.kk("3.27501E+15").error

    def test_kk_issue_date_is_a_real_date_without_forty_added(self):
        today = datetime.date(2026, 12, 6)
        # A NIK's day for women (15 + 40) is no card's issue date.
        assert "Tanggal terbit" in identifiers.kk("3275015503150004", today=today).error
        assert "Tanggal terbit" in identifiers.kk("3275013102150004", today=today).error
        assert "Tanggal terbit" in identifiers.kk("3275010113270004", today=today).error
        assert identifiers.kk("3275010112260004", today=today).ok
        assert identifiers.kk("3275013112990004", today=today).ok  # 31-12-1999

    def test_kk_serial_and_excel_damage(self):
        assert "tidak mungkin" in identifiers.kk("3275011503150000").error
        assert "Excel" in identifiers.kk(3275011503150000).error
        assert identifiers.kk(3275011503150004).value == "3275011503150004"

    def test_kk_unknown_regency_is_a_warning(self):
        checked = identifiers.kk("3299011503150004")
        assert checked.ok and checked.warning

    def test_account_number_keeps_digits_only(self):
        assert identifiers.account_number("0123-01-000456-50-1").value == "012301000456501"
        assert identifiers.account_number("'1234567890").value == "1234567890"

    def test_account_number_refuses_letters_wrong_length_and_excel_damage(self):
        assert "angka" in identifiers.account_number("12345ABC90").error
        assert "6-20 digit" in identifiers.account_number("12345").error
        assert "Excel" in identifiers.account_number("1.23457E+14").error
        assert not identifiers.account_number("0000000000").ok
