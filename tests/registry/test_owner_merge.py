"""Issue 24.4: duplicate owners (the same person under two NIKs) are found, compared side by
side and merged, everything of the merged owner moving to the survivor, refused when the
one-grant rule would break; the merged NIK still finds the survivor."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aid import services as aid_services
from aid.models import Application, Status
from complaints.models import Complaint
from development.models import (
    Activity,
    BusinessReport,
    CaseAssignment,
    Cooperative,
    Membership,
    Participant,
    PendingRegistration,
    Referral,
    Visit,
)
from notifications.models import OptOut
from public.services import nik_digest
from registry import selectors, services
from registry.models import BankAccount, Business, NikCorrection, Owner, OwnerMerge, Region
from tests.factories import (
    ApplicationFactory,
    BankAccountFactory,
    BusinessFactory,
    OwnerFactory,
    ProgramFactory,
)
from umkm_portal import roles

# Born 17-08-1990; the woman's day is 17 + 40 = 57.
NIK_A = "3275015708900001"
NIK_A_TYPO = "3275015708900007"  # one digit apart
NIK_B = "3275021708900002"  # same birth date, a man's NIK (the +40 forgotten)


def _owner(nik, name, **kwargs):
    return OwnerFactory(nik=nik, full_name=name, **kwargs)


@pytest.fixture
def operator(make_staff):
    return make_staff(roles.OPERATOR)


@pytest.fixture
def pair(db):
    """Siti under her NIK, and Siti again under a NIK with one digit mistyped."""
    survivor = _owner(NIK_A, "Siti Aminah", phone="+6281234567890")
    merged = _owner(NIK_A_TYPO, "SITI AMINAH", phone="+6281299990000")
    return survivor, merged


def _pairs():
    return {(c.first.nik, c.second.nik): set(c.rules) for c in selectors.owner_merge_candidates()}


# --- the queue --------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_finds_each_rule_and_says_which_matched():
    kelurahan = OwnerFactory().kelurahan
    elsewhere = Region.objects.filter(level=kelurahan.level).exclude(pk=kelurahan.pk).first()
    _owner(NIK_A, "Siti Aminah", phone="+6281234567890", kelurahan=kelurahan)
    # In another kelurahan, so that only the one-digit rule pairs it (a random kelurahan
    # was the same one time in 56, and the name-birth-kelurahan rule matched as well).
    _owner(NIK_A_TYPO, "Siti Aminah", phone="+6281200000001", kelurahan=elsewhere)
    _owner(NIK_B, "siti aminah", phone="+6281200000002", kelurahan=kelurahan)
    _owner("3275031203850011", "Hj. Budi Santoso, S.E.", phone="+6281311112222")
    _owner("3275041510700012", "Budi Santosa", phone="+6281311112222")
    # The same phone, another person (a wife's number on her husband's record): not a pair.
    _owner("3275055101750013", "Rina Marlina", phone="+6281311112222")

    pairs = _pairs()

    assert pairs[(NIK_A, NIK_A_TYPO)] == {"nik_one_digit"}
    assert pairs[(NIK_A, NIK_B)] == {"name_birth_kelurahan"}
    assert pairs[("3275031203850011", "3275041510700012")] == {"phone_name"}
    assert not any("3275055101750013" in pair for pair in pairs)
    reasons = {
        reason
        for c in selectors.owner_merge_candidates()
        if c.first.nik == NIK_A and c.second.nik == NIK_B
        for reason in c.reasons
    }
    assert reasons == {"nama, tanggal lahir (dari NIK) dan kelurahan sama"}


@pytest.mark.django_db
def test_a_pair_said_not_to_be_the_same_person_stays_out_of_the_queue(pair, verifier):
    survivor, merged = pair
    assert (NIK_A, NIK_A_TYPO) in _pairs()

    services.owner_pair_dismiss(first=merged, second=survivor, by=verifier, note="kembar")
    services.owner_pair_dismiss(first=survivor, second=merged, by=verifier)

    assert (NIK_A, NIK_A_TYPO) not in _pairs()


# --- the merge ----------------------------------------------------------------------------


def _everything_of(owner, program, staff):
    """One row of every table that refers to an owner, directly or through a business."""
    business = BusinessFactory(owner=owner)
    BankAccountFactory(owner=owner)
    application = ApplicationFactory(owner=owner, business=business, program=program)
    activity = Activity.objects.create(
        kind="pelatihan",
        topic=f"Pemasaran {owner.pk}",
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 1, 5),
    )
    participant = Participant.objects.create(
        activity=activity, owner=owner, business=business, channel="petugas"
    )
    cooperative = Cooperative.objects.create(name=f"Kop {owner.pk}", legal_number=f"AHU-{owner.pk}")
    Membership.objects.create(cooperative=cooperative, owner=owner, since=datetime.date(2020, 1, 1))
    Referral.objects.create(
        business=business,
        channel="dana_bergulir",
        amount_asked=5_000_000,
        referred_on=datetime.date(2026, 1, 6),
    )
    BusinessReport.objects.create(
        business=business,
        reported_on=datetime.date(2026, 1, 6),
        capital=10_000_000,
        annual_sales=50_000_000,
        workers=2,
        size_class="mikro",
    )
    CaseAssignment.objects.create(business=business, pendamping=staff)
    Visit.objects.create(business=business, visited_on=datetime.date(2026, 1, 7), done="Kunjungan")
    PendingRegistration.objects.create(
        activity=activity,
        nik=owner.nik,
        phone=owner.phone,
        owner=owner,
        participant=participant,
        state=PendingRegistration.State.LINKED,
    )
    Complaint.objects.create(
        nik_hash=nik_digest(owner.nik),
        category="other",
        message="Data saya ganda",
        due_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    OptOut.objects.create(nik_hash=nik_digest(owner.nik), source=OptOut.Source.STATUS_PAGE)
    return application


# Tables that refer to an owner and keep pointing at the merged row on purpose, with why.
KEPT_WITH_THE_MERGED_ROW = {
    # The record of the merge itself names both owners.
    ("registry.OwnerMerge", "merged"),
    ("registry.OwnerMerge", "survivor"),
    ("registry.Owner", "merged_into"),
    # Pairs said to be different people are about these two rows.
    ("registry.OwnerPairDismissal", "first"),
    ("registry.OwnerPairDismissal", "second"),
    # The NIK history of the merged row (the one-grant rule follows merged_into).
    ("registry.NikCorrection", "owner"),
}


def _references(model_to):
    """(model label, field) of every concrete foreign key to ``model_to`` (history tables
    left out: they keep the past as it was)."""
    return {
        (model._meta.label, field.name)
        for model in apps.get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is model_to
    }


@pytest.mark.django_db
def test_merge_moves_every_row_of_every_table_to_the_survivor(pair, program, verifier, operator):
    survivor, merged = pair
    other_program = ProgramFactory(code="pkh-2026", name="Modal Kerja 2026")
    _everything_of(survivor, program, operator)
    moved_application = _everything_of(merged, other_program, operator)

    record = services.owner_merge(
        survivor=survivor, merged=merged, reason="NIK salah ketik satu angka", by=verifier
    )

    # Every table referring to an owner (directly) or a business: no row left on the merged
    # owner, unless it is kept there on purpose. A new table with a key to Owner fails here
    # until the merge handles it (or it is added to KEPT_WITH_THE_MERGED_ROW with a reason).
    for label, name in _references(Owner) - KEPT_WITH_THE_MERGED_ROW:
        model = apps.get_model(label)
        assert not model.objects.filter(**{name: merged}).exists(), (label, name)
        assert model.objects.filter(**{name: survivor}).exists(), (label, name)
    for label, name in _references(Business):
        model = apps.get_model(label)
        assert not model.objects.filter(**{f"{name}__owner": merged}).exists(), (label, name)
        assert model.objects.filter(**{f"{name}__owner": survivor}).count() >= 2, (label, name)
    assert Complaint.objects.filter(nik_hash=nik_digest(survivor.nik)).count() == 2
    assert not Complaint.objects.filter(nik_hash=nik_digest(merged.nik)).exists()

    moved_application.refresh_from_db()
    assert moved_application.owner == survivor
    # One active account: the survivor's.
    assert BankAccount.objects.filter(owner=survivor, is_active=True).count() == 1
    assert BankAccount.objects.filter(owner=survivor).count() == 2

    merged.refresh_from_db()
    assert merged.merged_into == survivor  # kept, marked merged, never deleted
    assert record.merged_nik == NIK_A_TYPO and record.merged_name == "SITI AMINAH"
    assert record.by == verifier and record.reason == "NIK salah ketik satu angka"
    assert record.rules == "nik_one_digit"
    assert record.counts["aid.application"] == 1
    assert record.counts["registry.business"] == 1
    assert record.counts["development.participant"] == 1
    assert record.counts["development.referral"] == 1
    # The merged owner leaves the queue; their NIK finds the survivor first.
    assert (NIK_A, NIK_A_TYPO) not in _pairs()
    assert list(selectors.owner_search(NIK_A_TYPO)) == [survivor, merged]


@pytest.mark.django_db
def test_every_key_to_owner_is_known_to_the_merge_test():
    """A table added with a key to Owner or Business must be filled in _everything_of (or
    kept on purpose): this lists them, so the merge test cannot silently miss one."""
    covered = {
        ("registry.Business", "owner"),
        ("registry.BankAccount", "owner"),
        ("aid.Application", "owner"),
        ("development.Membership", "owner"),
        ("development.Participant", "owner"),
        ("development.PendingRegistration", "owner"),
    }
    assert _references(Owner) == covered | KEPT_WITH_THE_MERGED_ROW
    assert _references(Business) == {
        ("aid.Application", "business"),
        ("development.Participant", "business"),
        ("development.Referral", "business"),
        ("development.BusinessReport", "business"),
        ("development.CaseAssignment", "business"),
        ("development.Visit", "business"),
    }


@pytest.mark.django_db
def test_merge_refused_when_both_hold_the_grant_naming_the_applications(pair, program, verifier):
    survivor, merged = pair
    kept = ApplicationFactory(business=BusinessFactory(owner=survivor), program=program)
    other = ApplicationFactory(business=BusinessFactory(owner=merged), program=program)
    Application.objects.filter(pk__in=[kept.pk, other.pk]).update(status=Status.TRANSFERRED)

    with pytest.raises(ValidationError) as refused:
        services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)

    message = " ".join(refused.value.messages)
    assert f"#{kept.pk}" in message and f"#{other.pk}" in message
    assert "sudah menerima" in message
    # Nothing moved: the registry's rows, the applications, the owner, no record.
    assert Business.objects.filter(owner=merged).count() == 1
    assert Application.objects.get(pk=other.pk).owner == merged
    assert Owner.objects.get(pk=merged.pk).merged_into is None
    assert not OwnerMerge.objects.exists()


@pytest.mark.django_db
def test_merge_refused_when_both_have_a_live_application_in_the_program(pair, program, verifier):
    survivor, merged = pair
    ApplicationFactory(business=BusinessFactory(owner=survivor), program=program)
    ApplicationFactory(business=BusinessFactory(owner=merged), program=program)

    outcome = services.owner_merge_preview(survivor=survivor, merged=merged, by=verifier)

    assert "masih berjalan" in outcome.refusal
    assert Business.objects.filter(owner=merged).count() == 1


@pytest.mark.django_db
def test_a_rejected_application_does_not_block_the_merge(pair, program, verifier):
    survivor, merged = pair
    ApplicationFactory(business=BusinessFactory(owner=survivor), program=program)
    ApplicationFactory(
        business=BusinessFactory(owner=merged),
        program=program,
        status=Status.REJECTED,
        reason_code="other",
    )

    record = services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)

    assert record.counts["aid.application"] == 1
    assert Application.objects.filter(owner=survivor).count() == 2


@pytest.mark.django_db
def test_two_registrations_for_one_activity_become_one_keeping_the_attendance(pair, verifier):
    survivor, merged = pair
    activity = Activity.objects.create(
        kind="pelatihan", topic="Kemasan", starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    Participant.objects.create(activity=activity, owner=survivor, channel="daring")
    Participant.objects.create(activity=activity, owner=merged, channel="pintu", attendance="hadir")

    record = services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)

    assert list(activity.participants.values_list("owner", "attendance")) == [
        (survivor.pk, "hadir")
    ]
    assert record.counts["development.participant:folded"] == 1


@pytest.mark.django_db
def test_merge_needs_the_permission_a_reason_and_two_unmerged_owners(pair, operator, verifier):
    survivor, merged = pair
    with pytest.raises(PermissionDenied):
        services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=operator)
    with pytest.raises(ValidationError):
        services.owner_merge(survivor=survivor, merged=merged, reason="  ", by=verifier)
    with pytest.raises(ValidationError):
        services.owner_merge(survivor=survivor, merged=survivor, reason="sama", by=verifier)
    services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)
    third = _owner("3275015708900009", "Siti Aminah")
    with pytest.raises(ValidationError):
        services.owner_merge(survivor=third, merged=merged, reason="lagi", by=verifier)
    with pytest.raises(ValidationError):
        services.owner_merge(survivor=merged, merged=third, reason="lagi", by=verifier)


@pytest.mark.django_db
def test_merge_refused_while_a_nik_correction_of_the_merged_owner_waits(pair, operator, verifier):
    survivor, merged = pair
    services.nik_correction_request(
        owner=merged, new_nik="3275015708900003", reason="KTP", by=operator
    )
    with pytest.raises(ValidationError, match="perbaikan NIK"):
        services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)
    assert NikCorrection.objects.filter(owner=merged).exists()


@pytest.mark.django_db
def test_the_merged_owner_cannot_be_proposed_again(pair, program, verifier):
    survivor, merged = pair
    services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)
    late_business = Business.objects.create(owner=merged, name="Warung", sector="Kuliner")
    with pytest.raises(ValidationError, match="digabungkan"):
        aid_services.application_create(business=late_business, program=program)


# --- the pages ----------------------------------------------------------------------------


def test_verifikator_holds_the_merge_permission_and_the_operator_does_not():
    assert "registry.merge_owner" in roles.ROLE_PERMISSIONS[roles.VERIFIKATOR]
    assert "registry.merge_owner" not in roles.ROLE_PERMISSIONS[roles.OPERATOR]


@pytest.mark.django_db
def test_side_by_side_page_merges_with_a_reason(pair, program, verifier, client):
    survivor, merged = pair
    application = ApplicationFactory(business=BusinessFactory(owner=merged), program=program)
    client.force_login(verifier)

    owners = client.get(reverse("admin:registry_owner_changelist")).content.decode()
    assert reverse("admin:registry_owner_duplicates") in owners
    queue = client.get(reverse("admin:registry_owner_duplicates"))
    url = reverse("admin:registry_owner_compare", args=[survivor.pk, merged.pk])
    assert queue.status_code == 200 and url in queue.content.decode()
    assert "NIK berbeda satu angka dan nama sama" in queue.content.decode()

    page = client.get(url).content.decode()
    assert NIK_A in page and NIK_A_TYPO in page
    assert f"#{application.pk}" in page and "Diusulkan" in page
    assert "Gabungkan ke pemilik ini" in page and "Bukan orang yang sama" in page
    assert "<li>permohonan: 1</li>" in page

    missing_reason = client.post(url, {"survivor": survivor.pk, "reason": ""})
    assert missing_reason.status_code == 400
    assert Owner.objects.get(pk=merged.pk).merged_into is None

    done = client.post(url, {"survivor": survivor.pk, "reason": "KTP asli diperiksa"})
    assert done.status_code == 302
    assert Owner.objects.get(pk=merged.pk).merged_into == survivor
    assert OwnerMerge.objects.get().reason == "KTP asli diperiksa"


@pytest.mark.django_db
def test_side_by_side_page_masks_identity_without_the_full_identity_permission(
    pair, make_staff, client
):
    survivor, merged = pair
    user = make_staff(roles.PIMPINAN, username="pimpinan")
    user.user_permissions.add(Permission.objects.get(codename="merge_owner"))
    client.force_login(user)

    page = client.get(reverse("admin:registry_owner_compare", args=[survivor.pk, merged.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert NIK_A not in text and survivor.phone not in text
    assert "3275**********01" in text


@pytest.mark.django_db
def test_not_the_same_person_and_no_permission(pair, operator, verifier, client):
    survivor, merged = pair
    url = reverse("admin:registry_owner_compare", args=[survivor.pk, merged.pk])
    client.force_login(operator)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:registry_owner_duplicates")).status_code == 403

    client.force_login(verifier)
    assert client.post(url, {"action": "dismiss", "note": "saudara kembar"}).status_code == 302
    assert (NIK_A, NIK_A_TYPO) not in _pairs()
    assert Owner.objects.get(pk=merged.pk).merged_into is None


@pytest.mark.django_db
def test_registering_the_merged_owner_for_an_activity_registers_the_survivor(pair, verifier):
    from development.services import participant_register

    survivor, merged = pair
    services.owner_merge(survivor=survivor, merged=merged, reason="sama", by=verifier)
    activity = Activity.objects.create(
        kind="pelatihan", topic="Kemasan", starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 1, 5),
    )  # fmt: skip

    participant, created = participant_register(
        activity=activity, owner=Owner.objects.get(pk=merged.pk)
    )

    assert created and participant.owner == survivor
