"""The possible-duplicate pair page names the kecamatan of a business whose list named no
kelurahan (issue 25.7): it is stored on the business and was shown as "–"."""

import re

import pytest

from registry.models import BankAccount, Business, Region
from tests.aid.test_duplicate_pairs import _change_url, _pair
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_a_business_with_a_kecamatan_only_shows_it(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    earlier, later, flag = _pair(program)
    jatiasih = Region.objects.get(level=Region.Level.KECAMATAN, name="Jatiasih")
    Business.objects.filter(pk=later.business_id).update(kelurahan=None, kecamatan=jatiasih)

    page = client.get(_change_url(flag)).content.decode()

    assert "–, Jatiasih" in page
    assert str(earlier.business.kelurahan) in page


def test_a_value_both_sides_lack_is_not_highlighted_as_the_same(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    earlier, later, flag = _pair(program)
    BankAccount.objects.filter(owner__in=[earlier.owner, later.owner]).update(is_active=False)

    page = client.get(_change_url(flag)).content.decode()

    row = re.search(r"<tr[^>]*><th scope=\"row\">Rekening aktif</th>", page)
    assert row is not None
    assert 'class="same"' not in row.group(0)
