"""Issue 24.4 at the import: a NIK merged into another owner (the same person) is refused,
so a list cannot give that person a second application under the merged NIK."""

import pytest

from aid.models import Application, ImportRow, Reason
from registry import services as registry_services
from tests.factories import OwnerFactory
from tests.lists import as_csv
from umkm_portal import roles

pytestmark = pytest.mark.django_db


def test_a_row_with_a_merged_nik_is_refused_without_naming_the_survivor(upload, make_staff):
    survivor = OwnerFactory(nik="3275015708900001", full_name="Siti Aminah")
    merged = OwnerFactory(nik="3275015708900007", full_name="Siti Aminah")
    registry_services.owner_merge(
        survivor=survivor, merged=merged, reason="NIK salah ketik", by=make_staff(roles.VERIFIKATOR)
    )

    proposal_list = upload(
        "gabung.csv",
        data=as_csv(
            [merged.nik, "Siti Aminah", "Jl. Melati 5", "", "Warung", "Kuliner", "081211110000"],
            ["3275011708900003", "Joko Susilo", "Jl. Melati 3", "", "Bengkel", "Jasa",
             "081299990000"],
        ),
    )  # fmt: skip

    rows = {r.row_number: r for r in proposal_list.import_rows.all()}
    refused = rows[2]
    assert refused.outcome == ImportRow.Outcome.REJECTED
    assert refused.reason_code == Reason.DUPLICATE_EXISTING
    text = refused.explanation  # stored as a code, put in words when shown
    assert "digabungkan" in text and survivor.nik not in text
    assert rows[3].outcome == ImportRow.Outcome.ACCEPTED
    assert not Application.objects.filter(owner=merged).exists()
