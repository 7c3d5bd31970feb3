"""Issue 24.3: a list row whose NIK is registered with another name (beyond spelling and
titles) or phone is accepted, flagged "berbeda dengan data registry" and held until a verifier
decides; the application keeps the phone it was proposed with, and the status check accepts
those digits."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from aid import services, transitions
from aid.importing import review
from aid.models import Application, ImportRow, RegistryConflict, Status
from aid.todo import registry_conflicts as todo_count
from aid.transitions import TransitionRefused
from privacy.masking import mask_name
from public.models import StatusLookup
from tests.factories import OwnerFactory, ProgramFactory
from tests.lists import as_csv
from tests.public.conftest import check
from umkm_portal import roles

pytestmark = pytest.mark.django_db

NIK = "3275015708900001"
REGISTERED_PHONE = "+6281211110000"
LIST_PHONE = "081299998888"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registered():
    """An owner already in the registry (e.g. confirmed from a pending registration)."""
    return OwnerFactory(nik=NIK, full_name="Siti Aminah", phone=REGISTERED_PHONE)


def _merge(upload, *rows):
    proposal_list = upload("daftar.csv", data=as_csv(*rows))
    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)
    return proposal_list


def _row(name, phone, nik=NIK):
    return [nik, name, "Jl. Melati 5", "", "Warung", "Kuliner", phone]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_another_name_and_phone_is_accepted_flagged_and_held(upload, registered, verifier):
    proposal_list = upload("daftar.csv", data=as_csv(_row("Joko Susilo", LIST_PHONE)))
    row = proposal_list.import_rows.get()
    assert row.outcome == ImportRow.Outcome.ACCEPTED
    # Staff read that the Dinas checks it, and whose the NIK is nowhere.
    assert "berbeda dengan data registry" in row.remarks
    assert "Data terdaftar tetap dipakai" not in row.remarks  # the Dinas decides instead
    assert "Siti" not in row.remarks
    # Listed among the staff's rows to look at and counted beside the possible duplicates;
    # the proposer reads none of it (tests/proposers/test_registry_oracle.py): its outcome
    # file's summary says only that every accepted row is compared.
    assert list(review.problem_rows(proposal_list)) == [row]
    assert list(review.problem_rows(proposal_list, for_proposer=True)) == []
    assert (proposal_list.counts["registry_conflicts"], proposal_list.counts["flagged"]) == (1, 0)
    summary = review.summary_rows(proposal_list)
    assert [str(review.REGISTRY_CHECK), ""] in summary
    assert not any("berbeda dengan data registry" in str(label) for label, _n in summary)

    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)

    application = Application.objects.get(owner=registered)
    assert application.proposed_phone == "+6281299998888"
    conflict = application.registry_conflict
    assert (conflict.list_name, conflict.registry_name) == ("Joko Susilo", "Siti Aminah")
    assert (conflict.list_phone, conflict.registry_phone) == ("+6281299998888", REGISTERED_PHONE)
    assert conflict.name_differs and conflict.phone_differs and conflict.decision == ""
    registered.refresh_from_db()
    assert (registered.full_name, registered.phone) == ("Siti Aminah", REGISTERED_PHONE)

    with pytest.raises(TransitionRefused, match="berbeda dengan data registry"):
        transitions.move(application, Status.VERIFIED, by=verifier)
    result = services.applications_verify(
        applications=Application.objects.filter(pk=application.pk), by=verifier
    )
    assert result.held == {application.pk}
    assert todo_count() == 1


@pytest.mark.parametrize(
    "name, phone",
    [
        ("Hj. SITI AMINAH, S.E.", REGISTERED_PHONE),  # titles and case
        ("Siti Aminnah", "0812-1111-0000"),  # a typing slip, the phone as typed
    ],
)
def test_the_same_name_spelled_otherwise_and_the_same_phone_are_no_conflict(
    upload, registered, verifier, name, phone
):
    _merge(upload, _row(name, phone))

    application = Application.objects.get(owner=registered)
    assert not RegistryConflict.objects.exists()
    transitions.move(application, Status.VERIFIED, by=verifier)


def test_a_phone_the_registry_lacks_is_no_conflict_and_finds_the_application(upload, client):
    owner = OwnerFactory(nik=NIK, full_name="Siti Aminah", phone="")
    _merge(upload, _row("Siti Aminah", LIST_PHONE))

    assert not RegistryConflict.objects.exists()
    assert Application.objects.get(owner=owner).proposed_phone == "+6281299998888"
    assert "BPUM 2020" in _text(check(client, NIK, LIST_PHONE[-4:]))


def test_only_the_phone_differs_is_a_conflict(upload, registered):
    _merge(upload, _row("Siti Aminah", LIST_PHONE))

    conflict = RegistryConflict.objects.get()
    assert conflict.phone_differs and not conflict.name_differs


def test_the_status_check_finds_the_application_with_the_lists_digits(upload, registered, client):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))

    by_list = check(client, NIK, LIST_PHONE[-4:])
    by_registry = check(client, NIK, REGISTERED_PHONE[-4:])

    for response in (by_list, by_registry):
        assert "BPUM 2020" in _text(response)
        assert "Diusulkan" in _text(response)
    # Whoever holds the list's phone sees the list's name masked, not the registry's.
    assert mask_name("Joko Susilo") in _text(by_list)
    assert mask_name("Siti Aminah") not in _text(by_list)
    assert mask_name("Siti Aminah") in _text(by_registry)
    outcomes = list(StatusLookup.objects.order_by("at").values_list("outcome", flat=True))
    assert outcomes == [StatusLookup.Outcome.FOUND, StatusLookup.Outcome.FOUND]


def test_the_lists_digits_show_only_what_that_list_proposed(upload, registered, client):
    """An application of the owner proposed with the registry's phone in another program is
    not shown to whoever holds the list's phone."""
    other = ProgramFactory(code="kur-2021", name="Bantuan Lain 2021", amount=1_200_000)
    proposal_list = upload("daftar.csv", data=as_csv(_row("Siti Aminah", REGISTERED_PHONE)))
    ProposalListOf = type(proposal_list)
    ProposalListOf.objects.filter(pk=proposal_list.pk).update(program=other)
    proposal_list.refresh_from_db()
    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator)
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    assert Application.objects.filter(owner=registered).count() == 2

    text = _text(check(client, NIK, LIST_PHONE[-4:]))

    assert "BPUM 2020" in text
    assert "Bantuan Lain 2021" not in text
    assert "Bantuan Lain 2021" in _text(check(client, NIK, REGISTERED_PHONE[-4:]))


def test_wrong_digits_still_answer_like_an_unknown_nik(upload, registered, client):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))

    wrong = check(client, NIK, "4321")
    unknown = check(client, "3275015708900009", LIST_PHONE[-4:])

    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", wrong.content.decode()) == strip.sub("", unknown.content.decode())
    assert set(StatusLookup.objects.values_list("outcome", flat=True)) == {
        StatusLookup.Outcome.NOT_FOUND
    }


def test_taking_the_lists_data_updates_the_owner_with_history_and_releases(
    upload, registered, verifier
):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    conflict = RegistryConflict.objects.get()

    services.registry_conflict_decide(
        conflict=conflict, decision="take_list", by=verifier, note="dicek ke kelurahan"
    )

    registered.refresh_from_db()
    assert (registered.full_name, registered.phone) == ("Joko Susilo", "+6281299998888")
    change = registered.history.first()
    assert change.history_user == verifier
    assert f"permohonan #{conflict.application_id}" in change.history_change_reason
    conflict.refresh_from_db()
    assert (conflict.decision, conflict.decided_by, conflict.note) == (
        "take_list",
        verifier,
        "dicek ke kelurahan",
    )
    assert conflict.history.first().history_user == verifier
    transitions.move(conflict.application, Status.VERIFIED, by=verifier)
    with pytest.raises(TransitionRefused, match="sudah diputuskan"):
        services.registry_conflict_decide(conflict=conflict, decision="keep_registry", by=verifier)


def test_keeping_the_registrys_data_leaves_the_owner_and_releases(upload, registered, verifier):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    conflict = RegistryConflict.objects.get()

    services.registry_conflict_decide(conflict=conflict, decision="keep_registry", by=verifier)

    registered.refresh_from_db()
    assert (registered.full_name, registered.phone) == ("Siti Aminah", REGISTERED_PHONE)
    result = services.applications_verify(
        applications=Application.objects.filter(pk=conflict.application_id), by=verifier
    )
    assert result.moved == 1
    assert todo_count() == 0


def test_an_earlier_list_then_another_list_with_its_own_name_and_phone(upload, client):
    """The acceptance of issue 24: a NIK registered by an earlier list (another program),
    then proposed by a list with its own name and phone."""
    other = ProgramFactory(code="kur-2021", name="Bantuan Lain 2021", amount=1_200_000)
    first = upload("awal.csv", data=as_csv(_row("Siti Aminah", "081211110000")))
    type(first).objects.filter(pk=first.pk).update(program=other)
    first.refresh_from_db()
    services.proposal_list_confirm(proposal_list=first, by=upload.operator)

    _merge(upload, _row("Joko Susilo", LIST_PHONE))

    application = Application.objects.get(program__code="bpum-2020")
    assert RegistryConflict.objects.filter(application=application, decision="").exists()
    text = _text(check(client, NIK, LIST_PHONE[-4:]))
    assert "BPUM 2020" in text and "Bantuan Lain 2021" not in text


def test_the_application_page_shows_both_values_and_decides(upload, registered, make_staff, client):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    application = Application.objects.get()
    client.force_login(make_staff(roles.VERIFIKATOR))

    held = client.get(reverse("admin:aid_application_changelist") + "?data_registry=berbeda")
    assert "Siti Aminah" in held.content.decode()
    page = _text(client.get(reverse("admin:aid_application_change", args=[application.pk])))
    assert "Berbeda dengan data registry" in page
    assert "Siti Aminah" in page and "Joko Susilo" in page
    assert "Pakai data registry" in page and "Pakai data daftar" in page

    response = client.post(
        reverse("admin:aid_application_registry_conflict", args=[application.pk]),
        {"decision": "keep_registry", "note": "KTP dicek"},
        follow=True,
    )

    text = _text(response)
    assert "Keputusan dicatat: Pakai data registry." in text
    assert "Pakai data daftar</button>" not in text
    assert RegistryConflict.objects.get().decision == "keep_registry"


def test_pimpinan_sees_the_conflict_masked_and_cannot_decide(
    upload, registered, make_staff, client
):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    application = Application.objects.get()
    client.force_login(make_staff(roles.PIMPINAN))

    page = _text(client.get(reverse("admin:aid_application_change", args=[application.pk])))
    assert "Berbeda dengan data registry" in page
    assert "+6281299998888" not in page
    assert "Pakai data daftar</button>" not in page
    url = reverse("admin:aid_application_registry_conflict", args=[application.pk])
    assert client.post(url, {"decision": "take_list"}).status_code == 403
    assert RegistryConflict.objects.get().decision == ""


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_the_lists_digits_neither_read_the_owners_pengaduan_nor_stop_their_messages(
    upload, registered, client
):
    """Whoever holds the phone a list proposed the NIK with is not the registered owner: the
    owner's pengaduan and the Dinas's answers stay hidden, and that check's token cannot stop
    the owner's messages (which go to the registry's number)."""
    from complaints import services as complaint_services
    from complaints.models import Category
    from notifications.models import OptOut
    from public.services import nik_digest

    complaint = complaint_services.complaint_create(
        nik_hash=nik_digest(NIK), category=Category.OTHER, message="Rekening saya berubah"
    )
    complaint_services.complaint_answer(
        complaint=complaint, answer="Rekening BRI Anda sudah kami ganti.", by=upload.operator
    )
    _merge(upload, _row("Joko Susilo", LIST_PHONE))

    by_list = check(client, NIK, LIST_PHONE[-4:])
    by_registry = check(client, NIK, REGISTERED_PHONE[-4:])

    assert "Rekening BRI Anda sudah kami ganti." in _text(by_registry)
    assert "Berhenti menerima pesan" in _text(by_registry)
    assert "Rekening BRI Anda sudah kami ganti." not in _text(by_list)
    assert "Berhenti menerima pesan" not in _text(by_list)
    # The pengaduan form stays open to the list's person (asking for a phone).
    assert "Tulis pengaduan" in _text(by_list)

    stopped = client.post(reverse("notifications_stop"), {"token": _token(by_list)})

    assert stopped.status_code == 403
    assert not OptOut.objects.exists()
    assert (
        client.post(reverse("notifications_stop"), {"token": _token(by_registry)}).status_code
        == 200
    )
    assert OptOut.objects.filter(nik_hash=nik_digest(NIK)).exists()


def test_a_pengaduan_after_the_lists_digits_is_kept_apart_from_the_owners(
    upload, registered, client
):
    """A request sent after a check by a list's phone is marked as such for staff and is not
    shown to the registered owner as theirs (its answer goes to the number typed)."""
    from complaints.models import Category, Complaint

    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    by_list = check(client, NIK, LIST_PHONE[-4:])
    assert "nomor HP yang Anda tulis di formulir" in _text(by_list)
    opened = client.post(reverse("complaint_start"), {"token": _token(by_list)})
    assert "nomor HP yang Anda tulis di bawah" in _text(opened)

    sent = client.post(
        reverse("complaint_send"),
        {
            "token": _token(by_list),
            "category": Category.DATA_WRONG,
            "message": "Nama saya Joko Susilo, bukan yang lain.",
            "contact_phone": LIST_PHONE,
        },
    )

    assert sent.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.source == Complaint.Source.LIST_PHONE
    assert complaint.contact_phone.endswith("99998888")
    assert "muncul di halaman cek status" not in _text(sent)
    assert f"Pengaduan #{complaint.pk}" not in _text(check(client, NIK, REGISTERED_PHONE[-4:]))


def test_a_list_phone_judged_wrong_no_longer_finds_the_application(
    upload, registered, verifier, client
):
    """The Verifikator keeps the registry's phone over the list's: the list's digits no
    longer show the application (its transfer, bank and account digits are the owner's)."""
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    assert "BPUM 2020" in _text(check(client, NIK, LIST_PHONE[-4:]))
    conflict = RegistryConflict.objects.get()
    services.registry_conflict_decide(
        conflict=conflict,
        decision=RegistryConflict.Decision.KEEP_REGISTRY,
        by=verifier,
    )

    wrong = check(client, NIK, LIST_PHONE[-4:])
    unknown = check(client, "3275015708900009", LIST_PHONE[-4:])

    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", wrong.content.decode()) == strip.sub("", unknown.content.decode())
    assert "BPUM 2020" in _text(check(client, NIK, REGISTERED_PHONE[-4:]))
    outcomes = list(StatusLookup.objects.order_by("at", "pk").values_list("outcome", flat=True))
    assert outcomes[-3:] == [
        StatusLookup.Outcome.NOT_FOUND,
        StatusLookup.Outcome.NOT_FOUND,
        StatusLookup.Outcome.FOUND,
    ]


def test_taking_the_lists_data_without_a_note_is_refused_and_changes_nothing(
    upload, registered, make_staff, client
):
    _merge(upload, _row("Joko Susilo", LIST_PHONE))
    application = Application.objects.get()
    client.force_login(make_staff(roles.VERIFIKATOR))

    response = client.post(
        reverse("admin:aid_application_registry_conflict", args=[application.pk]),
        {"decision": "take_list", "note": "  "},
        follow=True,
    )

    assert "Tulis catatan mengapa data daftar usulan yang benar" in _text(response)
    registered.refresh_from_db()
    assert (registered.full_name, registered.phone) == ("Siti Aminah", REGISTERED_PHONE)
    assert RegistryConflict.objects.get().decision == ""


def test_conflicts_are_recorded_in_every_batch_of_a_merge(upload):
    # The merge writes in batches; each batch records the conflicts of its own rows (the
    # query that finds them was rewritten for SQLite's join order: all batches, no repeats).
    owners = [
        OwnerFactory(nik=f"32750157089000{n:02d}", full_name=f"Pemilik {n}", phone=REGISTERED_PHONE)
        for n in range(1, 6)
    ]
    rows = [_row(f"Orang Lain {n}", REGISTERED_PHONE, nik=o.nik) for n, o in enumerate(owners, 1)]
    proposal_list = upload("daftar.csv", data=as_csv(*rows))

    services.proposal_list_confirm(proposal_list=proposal_list, by=upload.operator, batch_rows=2)

    conflicts = RegistryConflict.objects.filter(application__proposal_list=proposal_list)
    assert sorted(conflicts.values_list("list_name", flat=True)) == [
        f"Orang Lain {n}" for n in range(1, 6)
    ]
