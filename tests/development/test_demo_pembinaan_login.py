"""Issue 26's acceptance, from the demo: the Pembinaan login that ``./run`` prints opens the
dashboard and the pembinaan admin, the yearly targets among it. (The other two checks of the
acceptance: a first report moving a registered mikro business to kecil shows "naik kelas" on
the timeline, tests/development/test_naik_kelas_baseline.py; an activity's admin page links
its daftar hadir, which downloads as XLSX, tests/development/test_spj.py.)"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_demo_pembinaan_login_opens_the_dashboard_and_the_pembinaan_admin(client, tmp_path):
    out = StringIO()
    logins = tmp_path / ".demo-logins"
    call_command("seed_demo", "--owners", "0", "--logins-file", str(logins), stdout=out)
    passwords = dict(re.findall(r"^\s+(\w+)\s+(\S{16})\s+\(", out.getvalue(), re.MULTILINE))

    assert client.login(username="pembinaan", password=passwords["pembinaan"])
    dashboard = client.get(reverse("dashboard:index"))
    assert dashboard.status_code == 200
    assert "Pembinaan UMKM" in dashboard.content.decode()
    assert "Target dan capaian" in dashboard.content.decode()
    admin_index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:development_yearlytarget_changelist") in admin_index
    for url in (
        reverse("admin:app_list", args=["development"]),
        reverse("admin:development_activity_changelist"),
        reverse("admin:development_yearlytarget_changelist"),
        reverse("admin:development_yearlytarget_add"),
    ):
        assert client.get(url).status_code == 200, url
