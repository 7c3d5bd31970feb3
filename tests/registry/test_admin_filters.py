"""Filter values typed into an admin URL are checked, never passed to the database raw."""

import pytest

from registry.models import Region
from umkm_portal import roles


@pytest.mark.parametrize("value", ["x", "1 OR 1=1", "99999", "-1"])
@pytest.mark.parametrize("url", ["/admin/registry/owner/", "/admin/aid/application/"])
def test_an_unknown_kecamatan_shows_an_empty_list_not_an_error(
    client, make_staff, owner, url, value
):
    client.force_login(make_staff(roles.OPERATOR))

    response = client.get(url, {"kecamatan": value})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_a_known_kecamatan_filters_the_owner_list(client, make_staff, owner):
    client.force_login(make_staff(roles.OPERATOR))
    kecamatan = owner.kelurahan.parent
    other = Region.objects.filter(level=Region.Level.KECAMATAN).exclude(pk=kecamatan.pk).first()

    mine = client.get("/admin/registry/owner/", {"kecamatan": kecamatan.pk})
    elsewhere = client.get("/admin/registry/owner/", {"kecamatan": other.pk})

    assert [o.pk for o in mine.context["cl"].result_list] == [owner.pk]
    assert list(elsewhere.context["cl"].result_list) == []
