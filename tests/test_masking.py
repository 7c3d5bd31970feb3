import pytest

from privacy import masking
from umkm_portal import roles


def test_masks_keep_only_what_a_person_needs_to_recognise_their_own_data():
    assert masking.mask_nik("3275011708900001") == "3275**********01"
    assert masking.mask_account("123456789012345") == "***********2345"
    assert masking.mask_name("Siti Aminah") == "S*** A*****"
    assert masking.mask_phone("+6281234567890") == "+628*******890"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "full"),
    [
        (roles.OPERATOR, True),
        (roles.VERIFIKATOR, True),
        (roles.BENDAHARA, True),
        (roles.PIMPINAN, False),
    ],
)
def test_full_identity_follows_the_role(role, full, make_staff):
    user = make_staff(role)
    assert masking.nik_for(user, "3275011708900001") == (
        "3275011708900001" if full else "3275**********01"
    )


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("drg. Siti Aminah", "S*** A*****"),
        ("H. Ahmad Fauzi", "A**** F****"),
        ("Hj. Siti Aminah, S.E.", "S*** A*****"),
        ("Ir. Budi Santoso, M.M.", "B*** S******"),
        ("Dr. Budi Santoso", "B*** S******"),
        ("DR. H. Budi Santoso S.E.", "B*** S******"),
        ("M. Yusuf", "M Y****"),
        ("Siti", "S***"),
        ("", ""),
    ],
)
def test_masked_names_leave_titles_and_degrees_out(name, masked):
    assert masking.mask_name(name) == masked
