"""Admin lists of large tables: estimated counts on PostgreSQL, exact counts elsewhere."""

import json
from unittest import mock

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import reverse

from aid.admin import ApplicationAdmin
from registry.models import Owner
from tests.factories import ApplicationFactory, OwnerFactory
from umkm_portal import roles
from umkm_portal.paginators import EstimatedCountPaginator


class SmallThreshold(EstimatedCountPaginator):
    exact_below = 10


def analyze(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def test_large_unfiltered_list_uses_the_table_statistics_on_postgresql(db):
    OwnerFactory.create_batch(30)
    if connection.vendor == "postgresql":
        analyze("registry_owner")
    OwnerFactory.create_batch(5)
    count = SmallThreshold(Owner.objects.order_by("-pk"), 50).count
    if connection.vendor == "postgresql":
        assert count == 30  # the statistics, not a COUNT(*): rows added since are not seen
    else:
        assert count == 35


def test_small_lists_are_counted_exactly(db):
    OwnerFactory.create_batch(3)
    assert EstimatedCountPaginator(Owner.objects.order_by("-pk"), 50).count == 3
    assert EstimatedCountPaginator(Owner.objects.filter(pk__lt=0).order_by("pk"), 50).count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's planner")
def test_large_filtered_list_uses_the_planner_estimate(db):
    OwnerFactory.create_batch(40, lives_in_bekasi=True)
    analyze("registry_owner")
    OwnerFactory.create_batch(5, lives_in_bekasi=True)
    listed = Owner.objects.filter(lives_in_bekasi=True).order_by("pk")
    # The planner's own figure for the same query (it scales the analysed row count by how
    # much the table has grown, so it is not a fixed number); the paginator shows that.
    plan = json.loads(listed.explain(format="json"))
    assert SmallThreshold(listed, 50).count == plan[0]["Plan"]["Plan Rows"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only index")
def test_owner_name_search_has_a_trigram_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'owner_full_name_trgm_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition.lower()


def test_head_sees_owner_list_with_export_and_nik_search(client, make_staff):
    owners = OwnerFactory.create_batch(3)
    client.force_login(make_staff(roles.PIMPINAN))
    url = reverse("admin:registry_owner_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("admin:registry_owner_export") in response.content.decode()
    response = client.get(url, {"q": owners[1].nik})
    assert list(response.context["cl"].result_list) == [owners[1]]


def test_row_checkbox_is_the_markup_django_renders(db):
    owner = OwnerFactory(full_name='Siti <Aminah> & "O\'Neil"')
    model_admin = admin.site._registry[Owner]
    assert model_admin.action_checkbox(owner) == admin.ModelAdmin.action_checkbox(
        model_admin, owner
    )


@pytest.mark.parametrize("bound", [5000, 1], ids=["owners-first", "common-name-join"])
def test_application_name_search_finds_the_owners_applications(client, make_staff, bound):
    wanted = [
        ApplicationFactory(business__owner__full_name=name)
        for name in ["Siti Aminah", "AMINAH PUTRI", "Nur Aminah"]
    ]
    ApplicationFactory(business__owner__full_name="Budi Santoso")
    client.force_login(make_staff(roles.VERIFIKATOR))
    url = reverse("admin:aid_application_changelist")
    # bound 1: more owners match than the bound, so the search goes through the join.
    with mock.patch.object(ApplicationAdmin, "name_owner_bound", bound):
        response = client.get(url, {"q": " aminah "})
        assert set(response.context["cl"].result_list) == set(wanted)
        assert response.context["cl"].result_count == 3
        # A 16-digit term is still an exact NIK search.
        response = client.get(url, {"q": wanted[1].owner.nik})
        assert list(response.context["cl"].result_list) == [wanted[1]]
        assert not client.get(url, {"q": "Tidak Ada"}).context["cl"].result_list


def test_a_list_known_to_be_empty_counts_zero(db):
    OwnerFactory.create_batch(2)
    assert SmallThreshold(Owner.objects.filter(pk__in=[]).order_by("pk"), 50).count == 0
