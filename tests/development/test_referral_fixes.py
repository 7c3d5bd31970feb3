"""Issue 26.4, 26.5 and 26.10 on the staff side: the business picked for a referral is told
apart from its namesakes, a referral can be cancelled or corrected with a reason, amounts are
typed and shown as rupiah, the history reads in words."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from development import services, transitions
from development.models import BusinessReport, Referral, ReferralStatus
from registry.models import Bank
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture
def operator(make_staff):
    return make_staff("Operator")


@pytest.fixture
def referral(business, operator):
    return services.referral_create(
        business=business,
        channel="kur",
        bank=Bank.objects.get(code="002"),
        amount_asked=25_000_000,
        referred_on=datetime.date(2024, 2, 1),
        by=operator,
    )


def change_page(client, referral):
    response = client.get(f"/admin/development/referral/{referral.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


# --- 26.4: the business autocomplete -------------------------------------------------------


def test_three_namesakes_are_told_apart_in_the_business_autocomplete(client, operator):
    namesakes = [
        BusinessFactory(name="Warung sembako Rahmi", owner=OwnerFactory(full_name=name))
        for name in ("Rahmi Yulianti", "Rahmi Fitriani", "Siti Rahmi")
    ]
    client.force_login(operator)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Warung sembako Rahmi",
            "app_label": "development",
            "model_name": "referral",
            "field_name": "business",
        },
    )
    assert response.status_code == 200
    texts = sorted(result["text"] for result in response.json()["results"])
    assert len(texts) == 3 and len(set(texts)) == 3
    for business in namesakes:
        owner = business.owner
        (text,) = [t for t in texts if owner.full_name in t]
        assert f"NIK {owner.nik[:4]}**********{owner.nik[-2:]}" in text
        assert owner.nik not in text  # masked for everyone in a list of matches
        assert business.kecamatan.name in text and "Mikro" in text


# --- 26.4: cancel and correct, with a reason ----------------------------------------------


def test_a_referral_is_cancelled_with_a_reason_only(referral, operator):
    with pytest.raises(transitions.TransitionRefused, match="alasan pembatalan"):
        transitions.move(referral, S.CANCELLED, by=operator, note=" ")
    referral = transitions.move(referral, S.CANCELLED, by=operator, note="Usaha keliru")
    assert referral.status == S.CANCELLED and transitions.targets(referral) == []
    assert str(referral.changes.last()) == "Dirujuk → Dibatalkan"


def test_a_paid_referral_cannot_be_cancelled(referral, operator):
    for status in (S.PROCESSING, S.APPROVED, S.DISBURSED):
        referral = transitions.move(referral, status, by=operator)
    with pytest.raises(transitions.TransitionRefused):
        transitions.move(referral, S.CANCELLED, by=operator, note="Terlambat")


def test_the_wrong_business_is_corrected_with_a_reason_and_the_history_says_so(referral, operator):
    right = BusinessFactory(name="Warung sembako Rahmi")
    with pytest.raises(ValidationError) as refused:
        services.referral_correct(referral=referral, business=right, reason="", by=operator)
    assert "reason" in refused.value.error_dict
    referral = services.referral_correct(
        referral=referral,
        business=right,
        amount_asked=30_000_000,
        reason="Salah pilih: ada tiga usaha bernama sama",
        by=operator,
    )
    assert referral.business == right and referral.status == S.REFERRED
    change = referral.changes.last()
    assert str(change) == "dikoreksi (Dirujuk)"
    assert "Rp25.000.000 → Rp30.000.000" in change.note
    assert "Salah pilih" in change.note and change.by == operator


def test_a_decided_referral_is_not_corrected(referral, operator):
    transitions.move(referral, S.PROCESSING, by=operator)
    transitions.move(referral, S.REJECTED, by=operator, note="Belum 6 bulan")
    with pytest.raises(ValidationError, match="batalkan"):
        services.referral_correct(
            referral=referral, business=BusinessFactory(), reason="Keliru", by=operator
        )
    assert Referral.objects.get(pk=referral.pk).business == referral.business


def test_the_correction_page_corrects_and_goes_back(referral, operator, client):
    right = BusinessFactory()
    client.force_login(operator)
    url = f"/admin/development/referral/{referral.pk}/koreksi/"
    assert url in change_page(client, referral)
    refused = client.post(url, {"business": right.pk, "reason": ""})
    assert "Alasan koreksi" in refused.content.decode()
    kept = client.post(url, {"business": right.pk, "amount_asked": "30.000.000", "reason": "x"})
    assert kept.status_code == 302
    referral.refresh_from_db()
    assert referral.business == right and referral.amount_asked == 30_000_000


# --- the referral's page ------------------------------------------------------------------


def test_the_referral_page_shows_the_owner_in_words_and_rupiah_and_no_save_button(
    referral, operator, make_staff, client
):
    transitions.move(referral, S.PROCESSING, by=operator)
    owner = referral.business.owner
    client.force_login(operator)
    page = change_page(client, referral)
    assert owner.full_name in page and owner.phone in page and owner.nik in page
    assert "Rp25.000.000" in page and "25000000" not in page
    assert "dibuat: Dirujuk" in page and "Dirujuk → Diproses" in page
    assert "∅" not in page and "dirujuk → diproses" not in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    # nothing approved yet: "–", never "Rp0"
    assert "Rp0" not in page

    client.force_login(make_staff("Pimpinan"))
    page = change_page(client, referral)
    assert owner.full_name in page and owner.nik not in page and owner.phone not in page


# --- 26.5: rupiah typed as people write it ------------------------------------------------


def test_a_referral_is_made_with_the_amount_written_with_dots(business, operator, client):
    client.force_login(operator)
    response = client.post(
        "/admin/development/referral/add/",
        {
            "business": business.pk,
            "channel": "dana_bergulir",
            "amount_asked": "350.000.000",
            "referred_on": "01-02-2024",
            "note": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Referral.objects.get().amount_asked == 350_000_000
    listing = client.get("/admin/development/referral/").content.decode()
    assert "Rp350.000.000" in listing


def test_a_referral_is_approved_with_the_amount_written_with_dots(referral, operator, client):
    transitions.move(referral, S.PROCESSING, by=operator)
    client.force_login(operator)
    client.post(
        f"/admin/development/referral/{referral.pk}/status/",
        {"to_status": S.APPROVED, "amount_approved": "Rp20.000.000"},
    )
    referral.refresh_from_db()
    assert referral.status == S.APPROVED and referral.amount_approved == 20_000_000
    assert "Rp20.000.000" in change_page(client, referral)


def test_a_business_report_takes_and_shows_rupiah(business, operator, client):
    client.force_login(operator)
    response = client.post(
        "/admin/development/businessreport/add/",
        {
            "business": business.pk,
            "reported_on": "01-02-2024",
            "capital": "350.000.000",
            "annual_sales": "Rp1.200.000.000",
            "workers": "4",
            "nib": "",
            "kbli": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    report = BusinessReport.objects.get()
    assert (report.capital, report.annual_sales) == (350_000_000, 1_200_000_000)
    listing = client.get("/admin/development/businessreport/").content.decode()
    assert "Rp350.000.000" in listing and "Rp1.200.000.000" in listing
    assert "350000000" not in listing


def test_a_typo_in_an_amount_says_how_to_write_it(business, operator, client):
    client.force_login(operator)
    response = client.post(
        "/admin/development/businessreport/add/",
        {
            "business": business.pk,
            "reported_on": "01-02-2024",
            "capital": "350.000.00",
            "annual_sales": "0",
            "workers": "1",
        },
    )
    assert "Tulis nominal dalam rupiah" in response.content.decode()
    assert not BusinessReport.objects.exists()


# --- 26.10: dates in one format, "–" for nothing approved ---------------------------------


def test_admin_dates_read_like_the_public_pages_and_messages(referral, operator, client):
    client.force_login(operator)
    assert "1 Februari 2024" in change_page(client, referral)


def test_the_timeline_shows_a_correction_as_such(referral, operator):
    from development import selectors

    services.referral_correct(
        referral=referral, amount_asked=30_000_000, reason="Salah ketik", by=operator
    )
    titles = [e.title for e in selectors.business_timeline(referral.business, with_grants=False)]
    assert "KUR melalui bank (BRI): dikoreksi (Dirujuk)" in titles
    assert titles.count("KUR melalui bank (BRI): Dirujuk") == 1
