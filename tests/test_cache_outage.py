"""Redis down (the ``redis_down`` fixture): staff keep working and /healthz says so.

The status check's side is in tests/public/test_rate_limits.py.
"""

import pytest

from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_staff_pages_work_on_database_sessions(redis_down, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/aid/application/").status_code == 200


def test_healthz_reports_the_cache(redis_down, client):
    response = client.get("/healthz")

    assert response.status_code == 200  # the node still serves staff; see docs
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
