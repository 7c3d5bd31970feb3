"""Registry writes: owners, accounts and region names as staff and lists give them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from registry import selectors, services
from registry.models import Bank, BankAccount, Owner, Region


@pytest.mark.django_db
class TestOwnerUpsert:
    def test_creates_owner_with_sex_and_birth_date_from_the_nik(self):
        owner = services.owner_upsert(
            nik="'3275085708900002",
            full_name="  Siti   Aminah ",
            phone="0812-3456-7890",
            ktp_address="Jl. Raya Jatiwaringin 1",
        )
        assert owner.nik == "3275085708900002"
        assert owner.sex == "F" and owner.birth_date == datetime.date(1990, 8, 17)
        assert owner.full_name == "Siti Aminah"
        assert owner.phone == "+6281234567890"
        assert owner.lives_in_bekasi

    def test_the_same_nik_updates_instead_of_duplicating(self):
        services.owner_upsert(nik="3275011708900001", full_name="Budi", ktp_address="Jl. A")
        services.owner_upsert(nik="3275011708900001", full_name="Budi Santoso", ktp_address="Jl. B")
        owner = Owner.objects.get()
        assert (owner.full_name, owner.ktp_address) == ("Budi Santoso", "Jl. B")
        assert owner.history.count() == 2

    def test_bad_input_names_each_field_and_writes_nothing(self):
        with pytest.raises(ValidationError) as refused:
            services.owner_upsert(
                nik="3.27501E+15", full_name="-", phone="021 888 1234", ktp_address=""
            )
        errors = refused.value.message_dict
        assert set(errors) == {"nik", "full_name", "phone", "ktp_address"}
        assert "Excel" in errors["nik"][0]
        assert not Owner.objects.exists()

    def test_owner_from_another_city_is_marked_outside_bekasi(self):
        owner = services.owner_upsert(nik="3171011708450001", full_name="A", ktp_address="Jakarta")
        assert not owner.lives_in_bekasi


@pytest.mark.django_db
def test_setting_a_new_account_deactivates_the_old_one(owner):
    bri, bni = Bank.objects.get(code="002"), Bank.objects.get(code="009")
    old = services.bank_account_set(
        owner=owner, bank=bri, account_number="1234 5678 9012 345", holder_name="A"
    )
    new = services.bank_account_set(
        owner=owner, bank=bni, account_number="1234567890", holder_name="A"
    )
    again = services.bank_account_set(
        owner=owner, bank=bni, account_number="1234567890", holder_name="A"
    )

    assert again.pk == new.pk
    old.refresh_from_db()
    assert not old.is_active
    assert list(BankAccount.objects.filter(owner=owner, is_active=True)) == [new]
    assert old.account_number == "123456789012345"


@pytest.mark.django_db
def test_reference_data_is_loaded_from_the_vendored_files():
    assert Region.objects.filter(level=Region.Level.KECAMATAN).count() == 12
    assert Region.objects.filter(level=Region.Level.KELURAHAN).count() == 56
    assert Region.objects.get(code="32.75.12").name == "Pondokmelati"
    assert Bank.objects.get(code="451").short_name == "BSI"


@pytest.mark.django_db
class TestRegionMatching:
    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("Pondok Gede", "32.75.08"),
            ("PONDOKGEDE", "32.75.08"),
            ("MEDAN SATRIA", "32.75.06"),
            ("Medansatria", "32.75.06"),
            ("Rawa Lumbu", "32.75.05"),
            ("Kec. Bekasi Timur", "32.75.01"),
            ("kecamatan pondok melati", "32.75.12"),
            ("Bks Timur", "32.75.01"),
            ("Bks. Utara", "32.75.03"),
            ("BKS SELATAN", "32.75.04"),
            ("Jatiasih Kota Bekasi", "32.75.09"),
            ("Rawalumbu, Bekasi", "32.75.05"),
            ("Kecamatan Bekasi Barat", "32.75.02"),
        ],
    )
    def test_loose_kecamatan_spellings_match(self, typed, code):
        assert selectors.region_match(kecamatan=typed).kecamatan.code == code

    def test_kelurahan_gives_its_kecamatan(self):
        match = selectors.region_match(kelurahan="Jati Bening Baru")
        assert match.kelurahan.code == "32.75.08.1006"
        assert match.kecamatan.code == "32.75.08"

    def test_kelurahan_in_the_wrong_kecamatan_is_kept_with_a_warning(self):
        match = selectors.region_match(kecamatan="Bekasi Barat", kelurahan="Jatiwaringin")
        assert match.error == ""
        assert match.kecamatan.name == "Pondokgede"
        assert "berada di Kecamatan Pondokgede, bukan Kecamatan Bekasi Barat" in match.warnings[0]

    @pytest.mark.parametrize("typed", ["Cikarang Utara", "Tambun Selatan", "Kec. Cibitung"])
    def test_a_kecamatan_of_kabupaten_bekasi_is_refused_as_such(self, typed):
        match = selectors.region_match(kecamatan=typed)
        assert match.kecamatan is None
        assert "berada di Kabupaten Bekasi, bukan Kota Bekasi" in match.error

    def test_an_unknown_name_is_refused(self):
        match = selectors.region_match(kecamatan="Menteng")
        assert "tidak ada di Kota Bekasi" in match.error

    def test_a_one_letter_typo_matches_when_unique_and_says_so(self):
        match = selectors.region_match(kecamatan="Jatiasi")
        assert match.kecamatan.code == "32.75.09"
        assert match.warnings == ('Kecamatan "Jatiasi" dibaca sebagai Jatiasih.',)

    def test_a_typo_that_could_be_two_places_is_refused(self):
        # One letter from Margahayu (h -> j) and one from Margajaya (a -> u): ambiguous.
        match = selectors.region_match(kelurahan="Margajayu")
        assert match.kelurahan is None
        assert "tidak ada di Kota Bekasi" in match.error
        # One letter from Margajaya only.
        assert selectors.region_match(kelurahan="Margajay").kelurahan.name == "Margajaya"
