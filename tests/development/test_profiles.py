import pytest

from development.profiles import BILLION, MILLION, kbli_codes, moved_up, size_class


@pytest.mark.parametrize(
    ("capital", "sales", "expected"),
    [
        (50 * MILLION, 300 * MILLION, "mikro"),
        (1 * BILLION, 2 * BILLION, "mikro"),  # the limits are inclusive
        (1 * BILLION + 1, 100 * MILLION, "kecil"),  # capital alone is enough
        (100 * MILLION, 2 * BILLION + 1, "kecil"),  # and sales alone
        (5 * BILLION, 15 * BILLION, "kecil"),
        (6 * BILLION, 1 * BILLION, "menengah"),
        (10 * BILLION, 50 * BILLION, "menengah"),
        (1 * MILLION, 51 * BILLION, "besar"),
    ],
)
def test_size_class_follows_pp_7_2021(capital, sales, expected):
    assert size_class(capital=capital, annual_sales=sales) == expected


def test_moving_up_is_to_a_larger_class_only():
    assert moved_up("mikro", "kecil") and moved_up("kecil", "besar")
    assert not moved_up(None, "kecil") and not moved_up("kecil", "mikro")
    assert not moved_up("kecil", "kecil")


def test_kbli_codes_are_five_digits():
    assert kbli_codes("56102; 47241 56102").value == "56102,47241"
    assert kbli_codes("").value == ""
    assert "5610" in kbli_codes("5610, 47241").error
