"""Staff without the full-identity permission (Pimpinan) see NIKs and accounts masked."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from aid import services
from aid.models import Status
from privacy import masking
from privacy.models import AccessLog
from tests.factories import ApplicationFactory, BankAccountFactory
from umkm_portal import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(verifier):
    """An owner with an active account, an application and a successful transfer to it."""
    application = ApplicationFactory(status=Status.APPROVED)
    account = BankAccountFactory(owner=application.owner)
    disbursement = services.disbursement_record(
        application=application,
        bank_reference="TRX-0001",
        succeeded=True,
        transferred_at=timezone.make_aware(datetime.datetime(2020, 9, 10, 10)),
        by=verifier,
    )
    return application.owner, account, application, disbursement


def _pages(owner, account, application, disbursement):
    return {
        "owner list": reverse("admin:registry_owner_changelist"),
        "owner page": reverse("admin:registry_owner_change", args=[owner.pk]),
        "owner history": reverse("admin:registry_owner_history", args=[owner.pk]),
        "owner past version": reverse(
            "admin:registry_owner_simple_history",
            args=[owner.pk, owner.history.earliest().history_id],
        ),
        "account list": reverse("admin:registry_bankaccount_changelist"),
        "account page": reverse("admin:registry_bankaccount_change", args=[account.pk]),
        "application list": reverse("admin:aid_application_changelist"),
        "application page": reverse("admin:aid_application_change", args=[application.pk]),
        "disbursement list": reverse("admin:aid_disbursement_changelist"),
        "disbursement page": reverse("admin:aid_disbursement_change", args=[disbursement.pk]),
    }


def test_pimpinan_never_receives_a_full_nik_or_account_number(paid, make_staff, client):
    owner, account, application, disbursement = paid
    client.force_login(make_staff(roles.PIMPINAN))
    for name, url in _pages(*paid).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert owner.nik not in html, name
        assert account.account_number not in html, name
        assert "Lihat identitas lengkap" not in html, name
    # ... but sees the masked forms where they are shown.
    assert masking.mask_nik(owner.nik) in client.get(_pages(*paid)["owner list"]).content.decode()
    for name in ("owner page", "owner past version"):
        assert masking.mask_nik(owner.nik) in client.get(_pages(*paid)[name]).content.decode()
    for name in ("account list", "account page", "disbursement list", "disbursement page"):
        html = client.get(_pages(*paid)[name]).content.decode()
        assert masking.mask_account(account.account_number) in html, name


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.BENDAHARA])
def test_staff_with_the_permission_see_full_values(role, paid, make_staff, client):
    owner, account, application, disbursement = paid
    client.force_login(make_staff(role, username=f"{role.lower()}-2"))
    pages = _pages(*paid)
    assert owner.nik in client.get(pages["owner list"]).content.decode()
    assert owner.nik in client.get(pages["application list"]).content.decode()
    assert account.account_number in client.get(pages["account list"]).content.decode()
    if role == roles.BENDAHARA:
        assert account.account_number in client.get(pages["disbursement page"]).content.decode()


def test_exact_nik_search_finds_the_owner_for_masked_staff(paid, make_staff, client):
    owner = paid[0]
    ApplicationFactory()  # somebody else, who must not be found
    client.force_login(make_staff(roles.PIMPINAN))
    for url in ("admin:registry_owner_changelist", "admin:aid_application_changelist"):
        response = client.get(reverse(url), {"q": owner.nik})
        assert list(response.context["cl"].result_list.values_list("pk", flat=True)) in (
            [owner.pk],
            [paid[2].pk],
        )
        assert masking.mask_nik(owner.nik) in response.content.decode()


def test_operator_still_edits_the_nik(paid, make_staff, client):
    owner = paid[0]
    client.force_login(make_staff(roles.OPERATOR))
    html = client.get(reverse("admin:registry_owner_change", args=[owner.pk])).content.decode()
    assert 'name="nik"' in html
    assert f'value="{owner.nik}"' in html


def test_full_identity_page_is_logged_for_permitted_staff(paid, make_staff, client):
    owner, account, application, disbursement = paid
    verifier = make_staff(roles.VERIFIKATOR, username="verifikator2")
    client.force_login(verifier)
    page = client.get(reverse("admin:registry_owner_change", args=[owner.pk])).content.decode()
    identity_url = reverse("admin:registry_owner_identity", args=[owner.pk])
    assert identity_url in page  # the "Lihat identitas lengkap" link

    html = client.get(identity_url).content.decode()
    assert owner.nik in html
    assert account.account_number in html
    assert disbursement.bank_reference in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.subject, log.object_id, log.full_identity) == (
        verifier,
        AccessLog.Action.VIEW_IDENTITY,
        "registry.owner",
        str(owner.pk),
        True,
    )


def test_full_identity_page_is_refused_without_the_permission(paid, make_staff, client):
    client.force_login(make_staff(roles.PIMPINAN))
    response = client.get(reverse("admin:registry_owner_identity", args=[paid[0].pk]))
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_an_editor_without_the_permission_edits_other_fields_and_keeps_the_nik(paid, client):
    """A custom role that may change owners but not see full identities."""
    owner = paid[0]
    editor = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(codename="change_owner"),
        Permission.objects.get(codename="view_owner"),
    )
    client.force_login(editor)
    url = reverse("admin:registry_owner_change", args=[owner.pk])
    html = client.get(url).content.decode()
    assert owner.nik not in html
    assert masking.mask_nik(owner.nik) in html
    assert 'name="nik"' not in html

    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update({"full_name": "Nama Baru", "kelurahan": owner.kelurahan_id})
    data.update({f"businesses-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    owner.refresh_from_db()
    assert (owner.full_name, owner.nik) == ("Nama Baru", paid[0].nik)
